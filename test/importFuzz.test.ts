import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type RunConfig, withDefaults } from '../src/engine/core/config';
import type { RunEvent } from '../src/engine/core/events';
import { FILE_LIMITS } from '../src/engine/core/limits';
import { Rng } from '../src/engine/core/rng';
import { RunController } from '../src/engine/core/runLoop';
import { DATASETS } from '../src/engine/data/datasets';
import {
  type ArchitectureFile,
  buildArchitectureFile,
  type FinalEvent,
  parseArchitectureFile,
  type RunStartEvent,
  trainRequestOf,
} from '../src/engine/export';
import { blockTrainTarget } from '../src/engine/methods/blockRun';
import { METHOD_CATALOG, methodSpace } from '../src/engine/methods/catalog';
import { checkCreamSettings, creamSettingsOf } from '../src/engine/methods/cream/settings';
import { runCream } from '../src/engine/methods/cream/run';
import { archClassifier } from '../src/engine/methods/dna/final';
import { runDna } from '../src/engine/methods/dna/run';
import { checkDnaSettings, dnaSettingsOf } from '../src/engine/methods/dna/settings';
import { checkMethodSettings } from '../src/engine/methods/settingsCheck';
import { BLOCK_LIMITS, BLOCK_OPS, type BlockArchJson, blockArchToJson, blockArchFromString, defaultBlockSpace, parseBlockArch, type BlockSpace } from '../src/engine/spaces/blocks';
import { NB201_OPS, parseCell, spaceOps } from '../src/engine/spaces/nb201';
import { checkRunConfig } from '../src/engine/methods/configCheck';
import { loadDatasetFromDisk } from '../src/cli/nodeIo';
import { cpu } from './helpers';
import { foldCream } from '../src/app/panels/cream/creamState';
import { foldDna } from '../src/app/panels/dna/dnaState';
import { foldEvolution } from '../src/app/panels/evolution/evolutionState';
import { foldNao } from '../src/app/panels/nao/naoState';
import { tableInfoOf } from '../src/app/panels/benchmark/regret';

/**
 * Whatever the architecture-file import accepts can run (issue #12). A seeded generator mutates
 * real files — the recorded runs the page ships, the e2e fixtures, and files built here with the
 * engine's own builder — in the ways a hand-edited or hostile file goes wrong, and every file must
 * be answered within a second without a throw; every refusal is a list of short messages, and
 * every file accepted passes the app's own checks and starts Train "dry": the config Train sends
 * passes checkConfig and the method's settings check, the method searches the file's space, the
 * arch parses in that space with ops the config allows, and a block chain's network is built from
 * the file's structure (the function Train calls, then the classifier it trains, one forward pass).
 * Method events are taken from the shipped logs, edited (a field's type, a key deleted, a list
 * blown up, an unknown kind or method) and put into a file's log: an accepted log folds through
 * every method's view without a throw.
 */

const ROOT = path.resolve(__dirname, '..');
const FUZZ_SEED = 'import-fuzz-1';
const FILES_PER_RUN = 1200;
/** Networks actually built from accepted block files (each a forward pass of one image): enough to mean something, few enough to stay quick. */
const MAX_BUILDS = 40;
const MESSAGE_MAX = 240;
/** The slowest files of a run, timed again alone (the 1 s bound). */
const RETIMED = 5;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObj = { [k: string]: Json };
const isObj = (v: unknown): v is JsonObj => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

// ---------------------------------------------------------------------------------------------
// Seed files.

function shippedFiles(): { name: string; file: JsonObj }[] {
  const out: { name: string; file: JsonObj }[] = [];
  for (const dir of ['public/runs', 'e2e/fixtures']) {
    for (const f of readdirSync(path.join(ROOT, dir)).filter((n) => n.endsWith('.json') && n !== 'index.json')) {
      out.push({ name: `${dir}/${f}`, file: JSON.parse(readFileSync(path.join(ROOT, dir, f), 'utf8')) as JsonObj });
    }
  }
  return out;
}

const NB_ARCH = '|nor_conv_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|skip_connect~1|nor_conv_3x3~2|';

/** Files made with the engine's builder: small logs, a restricted op set, a table run, a custom Cream skeleton. */
function builtFiles(): { name: string; file: JsonObj }[] {
  const created = new Date('2025-03-01T10:00:00Z');
  const nbFinal: FinalEvent = { type: 'final', t: 9, arch: { space: 'nb201', arch: NB_ARCH }, candidateIndex: 1, score: 70, metrics: { testAcc: 91, valAcc: 90, trainLoss: NaN }, cost: { params: 1234, flops: 56789 }, recipe: 'r' };
  const nbStart = (config: RunConfig): RunStartEvent => ({ type: 'run-start', t: 0, config, backend: 'cpu', tfjsVersion: '4.22.0' });
  const nbLog = (config: RunConfig): RunEvent[] => [
    nbStart(config),
    { type: 'phase', t: 1, phase: 'supernet', detail: 'training', total: 2 },
    { type: 'train', t: 2, phase: 'supernet', step: 0, loss: 2.3, acc: 0.1, lr: 0.05 },
    { type: 'candidate', t: 3, index: 0, arch: { space: 'nb201', arch: '|skip_connect~0|+|skip_connect~0|none~1|+|nor_conv_3x3~0|skip_connect~1|nor_conv_1x1~2|' }, score: 60, metrics: {}, cost: { params: 1, flops: 2 }, origin: 'uniform sample' },
    { type: 'candidate', t: 4, index: 1, arch: { space: 'nb201', arch: NB_ARCH }, score: 70, metrics: {}, cost: { params: 1, flops: 2 }, origin: 'uniform sample' },
    { type: 'progress', t: 5, done: 2, total: 2, unit: 'candidates' },
    nbFinal,
    { type: 'run-end', t: 10, status: 'completed' },
  ];
  const nb = (config: RunConfig, log: boolean) =>
    JSON.parse(JSON.stringify(buildArchitectureFile({ runStart: nbStart(config), final: nbFinal, appVersion: '0.1.0', createdAt: created, log: log ? nbLog(config) : undefined }))) as JsonObj;

  const blockFile = (config: RunConfig, space: BlockSpace, archText: string) => {
    const arch = blockArchFromString(archText, space);
    const final: FinalEvent = { ...nbFinal, arch: { space: 'blocks', arch: archText }, structure: blockArchToJson(arch, space) };
    const log: RunEvent[] = [nbStart(config), { type: 'candidate', t: 1, index: 0, arch: { space: 'blocks', arch: archText }, score: 1, metrics: {}, cost: { params: 1, flops: 2 }, origin: 'x' }, final, { type: 'run-end', t: 2, status: 'completed' }];
    return JSON.parse(JSON.stringify(buildArchitectureFile({ runStart: nbStart(config), final, appVersion: '0.1.0', createdAt: created, log }))) as JsonObj;
  };
  const withSkip = defaultBlockSpace('digits', [...BLOCK_OPS]);
  const creamStages = { stemChannels: 4, stages: [{ channels: 4, stride: 1, layers: 2 }, { channels: 8, stride: 2, layers: 1 }] };
  const creamSpace: BlockSpace = { ...defaultBlockSpace('digits', [...BLOCK_OPS]), stemChannels: 4, stages: creamStages.stages };
  return [
    { name: 'built/random-supernet', file: nb(withDefaults({ budget: 12, seed: 5 }), true) },
    { name: 'built/evolution-table-3ops', file: nb(withDefaults({ method: 'evolution', evaluator: 'table', seed: 9, space: { ops: ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3'] }, methodSettings: { evolution: { populationSize: 10 } } }), false) },
    { name: 'built/nao-fashion', file: nb(withDefaults({ method: 'nao', dataset: 'fashion', seed: 2 }), false) },
    { name: 'built/dna-skip', file: blockFile(withDefaults({ method: 'dna', seed: 7 }), withSkip, 'mb3_k3-skip|mb6_k5-mb3_k5|mb3_k5-mb6_k3') },
    { name: 'built/cream-small', file: blockFile(withDefaults({ method: 'cream', seed: 3, methodSettings: { cream: creamStages } }), creamSpace, 'mb3_k3-skip|mb6_k5') },
    { name: 'built/dna-fashion', file: blockFile(withDefaults({ method: 'dna', dataset: 'fashion', seed: 1 }), defaultBlockSpace('fashion', [...BLOCK_OPS]), 'mb3_k3-mb3_k3|mb6_k5-mb3_k5|mb3_k5-mb6_k3') },
  ];
}

// ---------------------------------------------------------------------------------------------
// The generator.

/** Where in a file a value sits: a list of keys and indices. */
type Path = (string | number)[];

function nodePaths(v: Json, prefix: Path = [], out: Path[] = [], limit = 4000): Path[] {
  const stack: [Json, Path][] = [[v, prefix]];
  while (stack.length > 0 && out.length < limit) {
    const [x, p] = stack.pop()!;
    if (p.length > 0) out.push(p);
    if (Array.isArray(x)) x.forEach((y, i) => stack.push([y, [...p, i]]));
    else if (isObj(x)) for (const [k, y] of Object.entries(x)) stack.push([y, [...p, k]]);
  }
  return out;
}

function getAt(root: Json, p: Path): Json | undefined {
  let x: Json | undefined = root;
  for (const k of p) {
    if (x === null || typeof x !== 'object') return undefined;
    x = (x as Record<string | number, Json>)[k];
  }
  return x;
}

function setAt(root: Json, p: Path, v: Json): void {
  const parent = getAt(root, p.slice(0, -1));
  if (parent !== null && typeof parent === 'object') (parent as Record<string | number, Json>)[p[p.length - 1]] = v;
}

function deleteAt(root: Json, p: Path): void {
  const parent = getAt(root, p.slice(0, -1));
  if (Array.isArray(parent)) parent.splice(p[p.length - 1] as number, 1);
  else if (isObj(parent)) delete parent[p[p.length - 1] as string];
}

/** A path into the file's head (config, blocks, metrics …) most of the time, else into one log event. */
function randomPath(rng: Rng, file: JsonObj, filter: (v: Json | undefined, p: Path) => boolean = () => true): Path | null {
  const { log, ...head } = file;
  let candidates = nodePaths(head as Json).filter((p) => filter(getAt(file, p), p));
  if (Array.isArray(log) && log.length > 0 && rng.next() < 0.25) {
    const i = rng.int(log.length);
    const inEvent = nodePaths(log[i], ['log', i]).filter((p) => filter(getAt(file, p), p));
    if (inEvent.length > 0) candidates = inEvent;
  }
  return candidates.length > 0 ? rng.choice(candidates) : null;
}

const WEIRD_VALUES: Json[] = [null, true, false, 0, -1, 1, 0.5, -0.5, 1e9, -1e9, 1e15, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, 5e-324, 'NaN', 'Infinity', '-Infinity', '1e3', '0x10', ' 5 ', '', 'x', [], {}, [1, 2, 3], { a: 1 }, ['mb3_k3'], 'nb201', 'blocks', 'dna'];
const EXTREME_NUMBERS = [-1, 0, 1, 2, -0, 0.5, 1.5, 3, 1e9, -1e9, 1e15, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, -(2 ** 53) - 2, 5e-324, 4096, 4097, 100_000, 100_001, 1_000_000, 1_000_001, 1024, 1025];
const NAN_STRINGS = ['NaN', 'Infinity', '-Infinity', '1e3', '0x10', '1_000', ' 7 ', '', 'null', 'undefined', '٣'];
const BAD_DATES = [
  '2025-02-30T00:00:00.000Z',
  '2023-02-29T12:00:00Z',
  '2025-13-01T00:00:00Z',
  '2025-00-10T00:00:00Z',
  '2025-01-01T24:00:00Z',
  '2025-01-01T23:60:00Z',
  '2025-01-01T23:59:60Z',
  '2025-04-31T08:00:00+02:00',
  '2025-01-01T00:00:00+25:00',
  '2025-01-01',
  'yesterday',
  '2025-01-01T00:00:00',
  '+275760-09-13T00:00:00.000Z',
  '0000-00-00T00:00:00Z',
  '2025-1-1T00:00:00Z',
];
const GOOD_DATES = ['2024-02-29T12:00:00Z', '2025-01-31T23:59:59.999Z', '2025-06-15T08:30+02:00', '1999-12-31T23:59:59-05:00', '2026-12-02T17:22:14.025Z'];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];

/** Text-level edits made after JSON.stringify: markers in the object become what JSON.stringify cannot write. */
type TextEdit = (text: string) => string;

interface Mutation {
  kind: string;
  weight: number;
  apply(rng: Rng, file: JsonObj, edits: TextEdit[], pool: JsonObj[]): void;
}

const blockArchOf = (blocks: Json | undefined): string | null => {
  if (!isObj(blocks) || !Array.isArray(blocks.blocks)) return null;
  return blocks.blocks.map((b) => (isObj(b) && Array.isArray(b.ops) ? b.ops.join('-') : '?')).join('|');
};

/** After a consistent change to the structure: the arch string follows it most of the time, so the deeper checks are reached. */
function followStructure(rng: Rng, file: JsonObj): void {
  if (rng.next() < 0.85) {
    const a = blockArchOf(file.blocks);
    if (a !== null) file.arch = a;
  }
}

/** Real method events of every method (and the table's), from the shipped logs: what the method-event mutation starts from. */
let methodEventPool: JsonObj[] = [];

let marker = 0;
const nextMarker = () => `@@MARK${marker++}@@`;

const MUTATIONS: Mutation[] = [
  {
    kind: 'delete-key',
    weight: 6,
    apply(rng, file) {
      const p = randomPath(rng, file);
      if (p) deleteAt(file, p);
    },
  },
  {
    kind: 'duplicate-key',
    weight: 4,
    apply(rng, file, edits) {
      // JSON.parse keeps the last of two equal keys: the file says one thing and then another.
      const p = randomPath(rng, file, (_, q) => typeof q[q.length - 1] === 'string');
      if (!p) return;
      const parent = getAt(file, p.slice(0, -1));
      if (!isObj(parent)) return;
      const key = p[p.length - 1] as string;
      const m = nextMarker();
      parent[m] = rng.choice(WEIRD_VALUES);
      edits.push((t) => t.replace(JSON.stringify(m), JSON.stringify(key)));
    },
  },
  {
    kind: 'change-type',
    weight: 6,
    apply(rng, file) {
      const p = randomPath(rng, file);
      if (p) setAt(file, p, clone(rng.choice(WEIRD_VALUES)));
    },
  },
  {
    kind: 'extreme-number',
    weight: 8,
    apply(rng, file, edits) {
      const p = randomPath(rng, file, (v) => typeof v === 'number');
      if (!p) return;
      if (rng.next() < 0.15) {
        // 1e999 is valid JSON text and reads as Infinity.
        const m = nextMarker();
        setAt(file, p, m);
        const lit = rng.choice(['1e999', '-1e999', '1e-999']);
        edits.push((t) => t.replace(JSON.stringify(m), lit));
      } else setAt(file, p, rng.choice(EXTREME_NUMBERS));
    },
  },
  {
    kind: 'nan-string',
    weight: 4,
    apply(rng, file) {
      const p = randomPath(rng, file, (v) => typeof v === 'number');
      if (p) setAt(file, p, rng.choice(NAN_STRINGS));
    },
  },
  {
    kind: 'huge-string',
    weight: 3,
    apply(rng, file) {
      const p = randomPath(rng, file, (v) => typeof v === 'string') ?? ['arch'];
      const unit = rng.choice(['a', '|', 'mb3_k3-', 'skip_connect~0|', '"\\\n', '😀', '\u0000']);
      const n = rng.choice([1_000, 100_000, 1_000_000, 3_000_000]);
      setAt(file, p, unit.repeat(Math.ceil(n / unit.length)));
    },
  },
  {
    kind: 'swap-method',
    weight: 5,
    apply(rng, file) {
      if (!isObj(file.config)) return;
      file.config.method = rng.choice([...METHOD_CATALOG.map((m) => m.id), 'genetic', 'DNA', '']);
    },
  },
  {
    kind: 'swap-space',
    weight: 3,
    apply(rng, file, _edits, pool) {
      const other = rng.choice(pool);
      if (rng.next() < 0.5) file.space = file.space === 'nb201' ? 'blocks' : 'nb201';
      else {
        // The whole architecture part of another file, with this file's config: a DNA chain under a random-search config …
        for (const k of ['space', 'arch', 'edges', 'blocks']) {
          if (k in other) file[k] = clone(other[k]);
          else delete file[k];
        }
      }
    },
  },
  {
    kind: 'swap-dataset',
    weight: 3,
    apply(rng, file) {
      if (isObj(file.config)) file.config.dataset = rng.choice(['digits', 'fashion', 'mnist', '']);
    },
  },
  {
    kind: 'broken-arch',
    weight: 6,
    apply(rng, file) {
      const a = typeof file.arch === 'string' ? file.arch : '';
      const edits: ((s: string) => string)[] = [
        (s) => s.slice(0, Math.max(0, s.length - 1 - rng.int(5))),
        (s) => s.replace('|', '-'),
        (s) => s.replace('-', '|'),
        (s) => `${s}|mb3_k3`,
        (s) => s.replace(/mb\d_k\d/, rng.choice(['mb9_k7', 'skip', 'mb6_k3', 'MB3_K3', ''])),
        (s) => s.replace(/(none|skip_connect|nor_conv_1x1|nor_conv_3x3|avg_pool_3x3)/, rng.choice(['sep_conv', 'none', 'avg_pool_3x3', 'nor_conv_3x3'])),
        (s) => s.replace('~1', '~2'),
        (s) => s.replace('+', ''),
        (s) => ` ${s} `,
        (s) => s.replace(/-/g, ','),
        () => '',
      ];
      file.arch = rng.choice(edits)(a);
    },
  },
  {
    kind: 'log-arch',
    weight: 4,
    apply(rng, file, _edits, pool) {
      if (!Array.isArray(file.log)) return;
      const events = file.log.filter((e): e is JsonObj => isObj(e) && (e.type === 'candidate' || e.type === 'final') && isObj(e.arch));
      if (events.length === 0) return;
      const e = rng.choice(events);
      const arch = e.arch as JsonObj;
      const other = rng.choice(pool);
      const choice = rng.int(5);
      if (choice === 0) arch.arch = typeof arch.arch === 'string' ? arch.arch.slice(0, -3) : 'x';
      else if (choice === 1) arch.arch = typeof other.arch === 'string' ? other.arch : 'x';
      else if (choice === 2) arch.space = arch.space === 'nb201' ? 'blocks' : 'nb201';
      else if (choice === 3) arch.arch = 'mb3_k3|mb3_k3|mb3_k3';
      else arch.arch = rng.choice([NB_ARCH, NB_ARCH.replace('none', 'avg_pool_3x3')]);
    },
  },
  {
    kind: 'method-event',
    weight: 6,
    apply(rng, file) {
      if (methodEventPool.length === 0) return;
      // A file without its log gets a short one around the event: most bases are kept small that way.
      if (!Array.isArray(file.log) || file.log.length < 2) file.log = [{ type: 'run-start', t: 0, config: clone(file.config ?? null), backend: 'cpu', tfjsVersion: '4.22.0' }, { type: 'run-end', t: 1, status: 'completed' }];
      const e = clone(rng.choice(methodEventPool));
      const data = e.data as Json;
      const inData = (filter: (v: Json | undefined) => boolean) => {
        const paths = nodePaths(data, ['data']).filter((p) => filter(getAt(e, p)));
        return paths.length > 0 ? rng.choice(paths) : null;
      };
      switch (rng.int(8)) {
        case 0: // a real event as it is: accepted where the rest of the file is
          break;
        case 1: {
          const p = inData(() => true);
          if (p) setAt(e, p, clone(rng.choice(WEIRD_VALUES)));
          break;
        }
        case 2: {
          const p = inData(() => true);
          if (p) deleteAt(e, p);
          break;
        }
        case 3: {
          const p = inData((v) => typeof v === 'number');
          if (p) setAt(e, p, rng.choice([null, ...EXTREME_NUMBERS]));
          break;
        }
        case 4: {
          const p = inData((v) => Array.isArray(v));
          // One item repeated: JSON writes each copy, and the text is cut at the size limit if it grows past it.
          if (p) setAt(e, p, new Array<Json>(rng.choice([1000, 100_001])).fill((getAt(e, p) as Json[])[0] ?? 0));
          break;
        }
        case 5:
          e.kind = rng.choice(['plan', 'setup', 'steps', 'move', 'Plan', '', 'x'.repeat(500)]);
          break;
        case 6:
          e.method = rng.choice(['table', 'random', 'local-search', 'NAO', '', '__proto__x']);
          break;
        default:
          e.data = clone(rng.choice(WEIRD_VALUES));
      }
      file.log.splice(1 + rng.int(file.log.length - 1), 0, e);
    },
  },
  {
    kind: 'proto-key',
    weight: 4,
    apply(rng, file, edits) {
      const targets: Path[] = [[], ['config'], ['config', 'methodSettings'], ['config', 'supernet'], ['metrics'], ['blocks'], ['dataset', 'preprocessing']];
      const p = rng.choice(targets);
      let parent = getAt(file, p);
      if (p.join('.') === 'config.methodSettings' && isObj(parent) && rng.next() < 0.5) {
        parent = parent[rng.choice(['nao', 'dna', 'evolution'])] = {};
      }
      if (!isObj(parent)) return;
      const m = nextMarker();
      parent[m] = rng.choice<Json>([{ polluted: 'yes' }, { toString: 1 }, 1, 'x', { method: 'dna' }]);
      const key = rng.choice(PROTO_KEYS);
      edits.push((t) => t.replace(JSON.stringify(m), JSON.stringify(key)));
    },
  },
  {
    kind: 'bad-date',
    weight: 4,
    apply(rng, file) {
      file.createdAt = rng.choice(BAD_DATES);
    },
  },
  {
    kind: 'deep-nesting',
    weight: 2,
    apply(rng, file, edits) {
      const targets: Path[] = [['metrics', 'testAcc'], ['config', 'methodSettings', 'dna', 'ops'], ['config', 'methodSettings', 'nao'], ['config', 'methodSettings', 'cream', 'stages'], ['blocks', 'blocks'], ['dataset', 'preprocessing', 'deep'], ['config', 'space', 'ops']];
      const p = rng.choice(targets);
      const parent = getAt(file, p.slice(0, -1));
      let holder: Json | undefined = parent;
      if (!isObj(holder)) {
        // Make the way: config.methodSettings.dna may not exist yet.
        holder = file;
        for (const k of p.slice(0, -1)) {
          const next: Json | undefined = (holder as JsonObj)[k as string];
          if (!isObj(next)) (holder as JsonObj)[k as string] = {};
          holder = (holder as JsonObj)[k as string];
        }
      }
      const m = nextMarker();
      (holder as JsonObj)[p[p.length - 1] as string] = m;
      const depth = rng.choice([100, 5_000, 100_000]);
      const deep = rng.next() < 0.5 ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      edits.push((t) => t.replace(JSON.stringify(m), deep));
    },
  },
  {
    kind: 'block-sizes',
    weight: 8,
    apply(rng, file) {
      const b = file.blocks;
      if (!isObj(b) || !Array.isArray(b.blocks) || b.blocks.length === 0) return;
      const list = b.blocks as JsonObj[];
      const i = rng.int(list.length);
      switch (rng.int(9)) {
        case 0:
          list[i].channels = rng.choice([1, 2, 4, 8, 12, 16, 24, 32, 1024, 1025, 1e9, 0, -1, 2.5]);
          break;
        case 1:
          list[i].stride = rng.choice([1, 2, 3, 0, -1, 1.5]);
          break;
        case 2:
          // One more block: stride 1, the same width, so a skip stays legal.
          list.push({ channels: list[list.length - 1].channels, stride: 1, ops: ['mb3_k3', rng.choice([...BLOCK_OPS])] });
          break;
        case 3:
          if (list.length > 1) list.splice(i, 1);
          break;
        case 4:
          if (Array.isArray(list[i].ops)) (list[i].ops as Json[]).push(rng.choice([...BLOCK_OPS]));
          break;
        case 5: {
          const n = rng.choice([13, 1000, 100_000]);
          b.blocks = Array.from({ length: n }, () => ({ channels: 8, stride: 1, ops: ['mb3_k3'] }));
          break;
        }
        case 6:
          b.stemChannels = rng.choice([1, 4, 8, 16, 1024, 1025, 1e9, 0]);
          break;
        case 7:
          b.inputShape = rng.choice<Json>([[8, 8, 1], [14, 14, 1], [8, 8, 3], [1e9, 8, 1], [0, 8, 1], [8, 8], [8, 8, 1, 1], 'x']);
          break;
        default:
          b.numClasses = rng.choice([10, 2, 1, 1000, 1001, 1e6, 9]);
      }
      followStructure(rng, file);
    },
  },
  {
    kind: 'block-ops',
    weight: 4,
    apply(rng, file) {
      const b = file.blocks;
      if (!isObj(b) || !Array.isArray(b.blocks) || b.blocks.length === 0) return;
      const block = rng.choice(b.blocks as JsonObj[]);
      if (!Array.isArray(block.ops) || block.ops.length === 0) return;
      block.ops[rng.int(block.ops.length)] = rng.choice<Json>([...BLOCK_OPS, 'mb9_k7', 1, null]);
      followStructure(rng, file);
    },
  },
  {
    kind: 'config-range',
    weight: 10,
    apply(rng, file) {
      const c = file.config;
      if (!isObj(c)) return;
      const ints: [Path, number, number][] = [
        [['budget'], 1, 100_000],
        [['supernet', 'steps'], 0, 1_000_000],
        [['supernet', 'batchSize'], 2, 4096],
        [['supernet', 'evalBatch'], 2, 4096],
        [['standalone', 'epochs'], 1, 1000],
        [['standalone', 'batchSize'], 2, 4096],
        [['final', 'epochs'], 1, 1000],
        [['final', 'batchSize'], 2, 4096],
      ];
      if (rng.next() < 0.6) {
        const [p, lo, hi] = rng.choice(ints);
        setAt(c, p, rng.choice([lo - 1, lo, lo + 1, Math.floor((lo + hi) / 2), hi, hi + 1, 1e15, -5, 1.5]));
      } else {
        const group = rng.choice(['supernet', 'standalone', 'final']);
        const field = rng.choice(['lr', 'momentum', 'weightDecay']);
        setAt(c, [group, field], rng.choice([-1, 0, 0.001, 0.05, 0.5, 0.9, 0.99, 1, 9.99, 10, 1e9]));
      }
    },
  },
  {
    kind: 'space-ops',
    weight: 5,
    apply(rng, file) {
      const c = file.config;
      if (!isObj(c)) return;
      const ops = [...NB201_OPS];
      c.space = {
        ops: rng.choice<Json>([[], ['none'], ops.slice(0, 2), ops.slice(1, 4), ops.slice(0, 4), [...ops], [...ops, 'none'], ['sep_conv', 'none'], 'all', rng.int(2) ? ops.filter((o) => o !== 'nor_conv_3x3') : ops.filter((o) => o !== 'none')]),
      };
    },
  },
  {
    kind: 'method-settings',
    weight: 6,
    apply(rng, file) {
      const c = file.config;
      if (!isObj(c)) return;
      const method = typeof c.method === 'string' ? c.method : 'random';
      const preset = METHOD_CATALOG.find((m) => m.id === method)?.presets.quick.methodSettings;
      const choices: Json[] = [
        {},
        preset ? { [method]: clone(preset) as Json } : {},
        { evolution: { populationSize: 10, sampleSize: 3 } },
        { evolution: { populationSize: -1 } },
        { nao: { iterations: 1e9 } },
        { nao: { iterations: 'many' } },
        { dna: { students: { stepsPerBlock: 20 } } },
        { dna: { students: null } },
        { dna: { ops: ['mb3_k3', 'warp'] } },
        { cream: { stemChannels: 1e9 } },
        { cream: { stages: [{ channels: 4, stride: 1, layers: 1 }] } },
        { cream: { stages: Array.from({ length: 50 }, () => ({ channels: 4, stride: 1, layers: 1 })) } },
        { cream: { supernet: { steps: 10, warmup: 20 } } },
        { genetic: {} },
        { random: { anything: 1 } },
        null,
        [],
        'fast',
      ];
      c.methodSettings = clone(rng.choice(choices));
    },
  },
  {
    kind: 'seed',
    weight: 4,
    apply(rng, file) {
      const s = rng.choice([0, 1, 42, -7, 2 ** 31, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53, 2 ** 60, 1e300, 1.5]);
      file.seed = s;
      if (isObj(file.config) && rng.next() < 0.85) file.config.seed = s;
    },
  },
  {
    kind: 'benign',
    weight: 10,
    apply(rng, file) {
      switch (rng.int(7)) {
        case 0:
          if (isObj(file.metrics)) file.metrics[rng.choice(['testAcc', 'valAcc', 'extra'])] = rng.choice([null, 0, 99.5, -3]);
          break;
        case 1:
          delete file.recipe;
          break;
        case 2:
          delete file.search;
          break;
        case 3:
          file.backend = rng.choice(['webgl', 'wasm', 'cpu', 'webgpu']);
          break;
        case 4:
          file.createdAt = rng.choice(GOOD_DATES);
          break;
        case 5:
          delete file.log;
          break;
        default:
          if (isObj(file.config)) file.config.speed = rng.choice(['max', 'fast', 'normal', 'slow']);
      }
    },
  },
  {
    kind: 'text-garbage',
    weight: 3,
    apply(rng, _file, edits) {
      const f = rng.choice<TextEdit>([(t) => t.slice(0, Math.floor(t.length * 0.7)), (t) => `${t} x`, (t) => `\uFEFF${t}`, (t) => t.replace(/:/, '::'), (t) => `${t}\n\n`, (t) => t.replace('"version": 2', '"version": 2.0')]);
      edits.push(f);
    },
  },
];

const TOTAL_WEIGHT = MUTATIONS.reduce((s, m) => s + m.weight, 0);
function pickMutation(rng: Rng): Mutation {
  let r = rng.next() * TOTAL_WEIGHT;
  for (const m of MUTATIONS) if ((r -= m.weight) < 0) return m;
  return MUTATIONS[MUTATIONS.length - 1];
}

export interface FuzzCase {
  text: string;
  kinds: string[];
  base: string;
}

/** `count` mutated files from `bases`, the same ones for the same seed. */
export function* fuzzFiles(seed: string, count: number, bases: { name: string; file: JsonObj }[]): Generator<FuzzCase> {
  const rng = new Rng(seed);
  const pool = bases.map((b) => b.file);
  for (let i = 0; i < count; i++) {
    const base = rng.choice(bases);
    const file = clone(base.file);
    const edits: TextEdit[] = [];
    const kinds: string[] = [];
    const n = 1 + (rng.next() < 0.35 ? 1 : 0) + (rng.next() < 0.1 ? 1 : 0);
    for (let k = 0; k < n; k++) {
      const m = pickMutation(rng);
      m.apply(rng, file, edits, pool);
      kinds.push(m.kind);
    }
    let text = JSON.stringify(file, null, rng.next() < 0.5 ? 2 : undefined);
    for (const e of edits) text = e(text);
    // Every generated file stays under the size limit: what is over it is refused before parsing.
    if (text.length > FILE_LIMITS.architecture.bytes) text = text.slice(0, FILE_LIMITS.architecture.bytes);
    yield { text, kinds, base: base.name };
  }
}

// ---------------------------------------------------------------------------------------------
// The app's own checks on an accepted file: a dry start of Train.

/** The problems a block runner asks before anything trains (runBlockMethod: the method's settings schema on the merged settings). */
function blockRunnerProblems(config: RunConfig): string[] {
  if (config.method === 'dna') return checkDnaSettings(dnaSettingsOf(config));
  if (config.method === 'cream') return checkCreamSettings(creamSettingsOf(config));
  return [];
}

/** Reasons an accepted file would not start Train, or whose content the app cannot read; empty when all is well. */
function dryStartProblems(file: ArchitectureFile, build: boolean): string[] {
  const out: string[] = [];
  const { config, trainArch, trainStructure } = trainRequestOf(file, 'max');
  out.push(...checkRunConfig(config).map((m) => `checkRunConfig: ${m}`));
  out.push(...checkMethodSettings(config).map((m) => `checkMethodSettings: ${m}`));
  out.push(...blockRunnerProblems(config).map((m) => `runner settings: ${m}`));
  if (!Object.hasOwn(DATASETS, config.dataset)) out.push(`unknown dataset ${config.dataset}`);
  if (methodSpace(config.method) !== file.space) out.push(`method ${config.method} does not search space ${file.space}`);
  if (!Number.isSafeInteger(file.seed) || file.seed !== config.seed) out.push(`seed ${file.seed}`);
  const date = new Date(file.createdAt);
  const [y, m, d] = file.createdAt.slice(0, 10).split('-').map(Number);
  if (Number.isNaN(date.getTime()) || new Date(Date.UTC(2000, m - 1, d)).getUTCDate() !== d || m < 1 || m > 12 || (m === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)))) {
    out.push(`createdAt ${file.createdAt.slice(0, 40)}`);
  }
  let blockSpace: BlockSpace | null = null;
  if (file.space === 'nb201') {
    // runSearch's own check of trainArch, then the run's op set.
    const parsed = parseCell(trainArch);
    if (!parsed.ok) out.push(`arch: ${parsed.reason}`);
    else for (const op of parsed.cell.ops) if (!spaceOps(config.space).includes(op)) out.push(`arch op ${op} outside config.space.ops`);
  } else {
    if (!trainStructure) out.push('no structure sent with a block file');
    try {
      // What DNA's and Cream's trainOne call, with the same fallback a run would use.
      const target = blockTrainTarget(trainArch, trainStructure, config.dataset, () => defaultBlockSpace(config.dataset));
      blockSpace = target.space;
      const within = (v: number, [lo, hi]: readonly [number, number]) => Number.isInteger(v) && v >= lo && v <= hi;
      const sp = target.space;
      if (!within(sp.stages.length, BLOCK_LIMITS.blocks) || !within(sp.stemChannels, BLOCK_LIMITS.stemChannels) || sp.stages.some((st) => !within(st.channels, BLOCK_LIMITS.channels) || !within(st.layers, BLOCK_LIMITS.layers))) {
        out.push('a size outside BLOCK_LIMITS');
      }
      if (file.blocks && JSON.stringify(blockArchToJson(target.arch, target.space)) !== JSON.stringify(file.blocks)) out.push('Train would build another network than the file describes');
      if (build) {
        // The classifier Train trains (dna/final archClassifier; Cream's retrain builds the same), one forward pass of one blank image.
        const net = archClassifier(target.space, target.arch, new Rng(1));
        try {
          const [h, w, ch] = target.space.inputShape;
          const shape = tf.tidy(() => net.forward(tf.zeros([1, h, w, ch]) as tf.Tensor4D, 'eval').shape);
          if (shape.join() !== `1,${target.space.numClasses}`) out.push(`the built network outputs ${shape.join('×')}`);
        } finally {
          net.dispose();
        }
      }
    } catch (err) {
      out.push(`Train refuses: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (file.log) {
    // The views read an accepted log's method events as their schemas typed them.
    for (const [name, fold] of [['evolution', foldEvolution], ['nao', foldNao], ['dna', foldDna], ['cream', foldCream], ['table', tableInfoOf]] as const) {
      try {
        fold(file.log);
      } catch (err) {
        out.push(`the ${name} fold throws: ${String(err).slice(0, 200)}`);
      }
    }
  }
  for (const [i, e] of (file.log ?? []).entries()) {
    if (e.type !== 'candidate' && e.type !== 'final') continue;
    if (e.arch.space !== file.space) out.push(`log[${i}] in space ${e.arch.space}`);
    else if (file.space === 'nb201' ? !parseCell(e.arch.arch).ok : !blockSpace || !parseBlockArch(e.arch.arch, blockSpace).ok) out.push(`log[${i}] arch does not parse`);
  }
  return out;
}

function prototypeSnapshot(): string {
  return JSON.stringify([Object.getOwnPropertyNames(Object.prototype).sort(), Object.getPrototypeOf(Object.prototype), Object.isExtensible(Object.prototype)]);
}

// ---------------------------------------------------------------------------------------------

describe('architecture-file import, fuzzed', () => {
  let bases: { name: string; file: JsonObj }[] = [];
  beforeAll(async () => {
    await cpu();
    const shipped = shippedFiles();
    methodEventPool = shipped.flatMap((b) => (Array.isArray(b.file.log) ? b.file.log.filter((e): e is JsonObj => isObj(e) && e.type === 'method') : []));
    // Most mutations go to files without their log (quick to copy); the three smallest keep it, for the log's own mutations.
    const bySize = [...shipped].sort((a, b) => JSON.stringify(a.file).length - JSON.stringify(b.file).length);
    const withLog = bySize.slice(0, 3).map((b) => ({ name: `${b.name} (with log)`, file: b.file }));
    const headOnly = shipped.map((b) => {
      const { log: _log, ...head } = b.file;
      return { name: b.name, file: head as JsonObj };
    });
    bases = [...headOnly, ...withLog, ...builtFiles()];
  });

  it('every seed file is valid and starts Train dry (the property is not vacuous from the start)', () => {
    for (const b of bases) {
      const r = parseArchitectureFile(JSON.stringify(b.file));
      expect(r.ok ? [] : r.errors, b.name).toEqual([]);
      if (r.ok) expect(dryStartProblems(r.file, true), b.name).toEqual([]);
    }
  });

  it(`${FILES_PER_RUN} mutated files: answered in under 1 s without a throw, short messages, Object.prototype untouched, and every accepted file starts Train`, () => {
    const before = prototypeSnapshot();
    const stats = { accepted: 0, refused: 0, built: 0, slowest: 0, totalMs: 0, payloadRefusals: 0 };
    const acceptedKinds: Record<string, number> = {};
    const failures: string[] = [];
    const slowest: { ms: number; c: FuzzCase }[] = [];
    for (const c of fuzzFiles(FUZZ_SEED, FILES_PER_RUN, bases)) {
      expect(c.text.length).toBeLessThanOrEqual(FILE_LIMITS.architecture.bytes);
      const t0 = performance.now();
      let r: ReturnType<typeof parseArchitectureFile>;
      try {
        r = parseArchitectureFile(c.text, 'fuzz.json');
      } catch (err) {
        failures.push(`${c.base} [${c.kinds.join(', ')}]: threw ${String(err).slice(0, 200)}`);
        continue;
      }
      const ms = performance.now() - t0;
      stats.totalMs += ms;
      stats.slowest = Math.max(stats.slowest, ms);
      slowest.push({ ms, c });
      slowest.sort((a, b) => b.ms - a.ms);
      slowest.length = Math.min(slowest.length, RETIMED);
      if (prototypeSnapshot() !== before || ({} as Record<string, unknown>).polluted !== undefined) failures.push(`${c.base} [${c.kinds.join(', ')}]: Object.prototype changed`);
      if (!r.ok) {
        stats.refused++;
        if (r.errors.length === 0) failures.push(`${c.base} [${c.kinds.join(', ')}]: refused without a message`);
        // A field of a payload named by its path (an unknown method or kind is refused without the schemas).
        if (r.errors.some((m) => /^log\[\d+\] \(\S+ \S+\): (?!no method |\S+ emits no )/.test(m))) stats.payloadRefusals++;
        for (const m of r.errors) if (typeof m !== 'string' || m.length > MESSAGE_MAX) failures.push(`${c.base} [${c.kinds.join(', ')}]: a message of ${String(m).length} characters`);
        continue;
      }
      stats.accepted++;
      for (const k of new Set(c.kinds)) acceptedKinds[k] = (acceptedKinds[k] ?? 0) + 1;
      const build = r.file.space === 'blocks' && stats.built < MAX_BUILDS;
      if (build) stats.built++;
      const problems = dryStartProblems(r.file, build);
      if (problems.length > 0) failures.push(`${c.base} [${c.kinds.join(', ')}] accepted, but: ${problems.slice(0, 3).join('; ').slice(0, 400)}`);
    }
    console.log(
      `import fuzz (seed ${FUZZ_SEED}): ${FILES_PER_RUN} files, ${stats.accepted} accepted, ${stats.refused} refused; ${stats.built} block networks built; ` +
        `${stats.payloadRefusals} refused for a field of a method event's payload; validation ${stats.totalMs.toFixed(0)} ms in all, slowest ${stats.slowest.toFixed(0)} ms; accepted by mutation: ${JSON.stringify(acceptedKinds)}`,
    );
    // "No file under the size limit takes more than 1 s": in the loop the 2-core machine is shared
    // (other tests, the collector after a big file), so a wall-clock assert there flakes. The
    // slowest few are timed again alone, best of 3 (the time the file itself needs), and judged.
    const retimed = slowest.map(({ ms, c }) => {
      let best = Infinity;
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        parseArchitectureFile(c.text, 'fuzz.json');
        best = Math.min(best, performance.now() - t0);
      }
      return { first: ms, best, what: `${c.base} [${c.kinds.join(', ')}] ${(c.text.length / 2 ** 20).toFixed(1)} MB` };
    });
    console.log(`import fuzz: the ${RETIMED} slowest files, first time → best of 3 alone: ${retimed.map((r) => `${r.first.toFixed(0)} → ${r.best.toFixed(0)} ms (${r.what})`).join('; ')}`);
    for (const r of retimed) if (r.best >= 1000) failures.push(`${r.what}: takes ${r.best.toFixed(0)} ms (best of 3)`);
    expect(failures.slice(0, 20)).toEqual([]);
    // Not vacuous: a good share of the mutated files is accepted, and so checked against the app.
    expect(stats.accepted).toBeGreaterThan(0.05 * FILES_PER_RUN);
    expect(stats.refused).toBeGreaterThan(0.5 * FILES_PER_RUN);
    expect(stats.built).toBeGreaterThan(5);
    expect(stats.payloadRefusals).toBeGreaterThan(15);
  });
});

describe('architecture-file import: the cases issue #12 found accepted', () => {
  const ship = (name: string) => {
    const { log: _log, ...head } = JSON.parse(readFileSync(path.join(ROOT, name), 'utf8')) as JsonObj;
    return head as JsonObj;
  };
  const refused = (f: JsonObj): string[] => {
    const r = parseArchitectureFile(JSON.stringify(f));
    return r.ok ? [] : r.errors;
  };
  const nb = () => ship('e2e/fixtures/random-supernet.json');
  const dna = () => ship('e2e/fixtures/dna-digits.json');
  // Hand edits of a known file: its config's groups, loosely typed.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const cfg = (f: JsonObj) => f.config as Record<string, any>;

  it('refuses what checkConfig and the settings checks refuse, naming it', () => {
    const cases: [(f: JsonObj) => void, RegExp][] = [
      [(f) => (cfg(f).final.lr = -1), /final lr must be in \(0, 10\)/],
      [(f) => (cfg(f).supernet.batchSize = 1), /supernet batch size must be an integer ≥ 2/],
      [(f) => (cfg(f).space.ops = ['none']), /the space needs at least two ops/],
      [(f) => (cfg(f).space.ops = ['none', 'skip_connect', 'none']), /lists none twice/],
      [(f) => (cfg(f).budget = 1e15), /budget must be an integer ≥ 1 and ≤ 100000/],
      [(f) => (cfg(f).final.momentum = 1.5), /final momentum must be in \[0, 1\)/],
      [(f) => (cfg(f).methodSettings = { nao: { iterations: -1 } }), /config: .*iterations/],
      [(f) => (cfg(f).methodSettings = { genetic: {} }), /unknown method "genetic"/],
    ];
    for (const [edit, message] of cases) {
      const f = nb();
      edit(f);
      expect(refused(f), String(message)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    }
  });

  it('refuses a method that does not search the file’s space, and a cell outside the config’s ops', () => {
    const f = nb();
    cfg(f).method = 'dna';
    expect(refused(f)).toEqual([expect.stringMatching(/config\.method "dna" searches the block space, but the file holds an NB-201 cell \(methods for it: random, evolution, nao\)/)]);
    const g = dna();
    cfg(g).method = 'evolution';
    expect(refused(g)).toEqual([expect.stringMatching(/searches the NB-201 space, but the file holds a block chain \(methods for it: dna, cream\)/)]);
    const h = nb();
    cfg(h).space.ops = ['none', 'skip_connect'];
    expect(refused(h)).toEqual([expect.stringMatching(/^arch uses .*nor_conv_3x3.*which config\.space\.ops \(none, skip_connect\) does not include/)]);
  });

  it('refuses an impossible date, an unsafe seed and a prototype key', () => {
    const f = nb();
    f.createdAt = '2025-02-30T10:00:00.000Z';
    expect(refused(f)).toEqual([expect.stringMatching(/createdAt must be an ISO 8601 date-time/)]);
    const g = nb();
    g.seed = 2 ** 60;
    cfg(g).seed = 2 ** 60;
    expect(refused(g)).toEqual(expect.arrayContaining([expect.stringMatching(/^seed must be a safe integer/)]));
    const r = parseArchitectureFile(JSON.stringify(nb()).replace('"methodSettings":{}', '"methodSettings":{"__proto__":{"polluted":1}}'));
    expect(r.ok ? [] : r.errors).toEqual([expect.stringMatching(/the key "config\.methodSettings\.__proto__" is not allowed/)]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses an event log whose architectures do not parse in the file’s space', () => {
    const f = JSON.parse(readFileSync(path.join(ROOT, 'e2e/fixtures/random-supernet.json'), 'utf8')) as JsonObj;
    const log = f.log as JsonObj[];
    const i = log.findIndex((e) => e.type === 'candidate');
    (log[i].arch as JsonObj).arch = '|nor_conv_3x3~0|+|sep_conv~0|none~1|';
    expect(refused(f)).toEqual([expect.stringMatching(new RegExp(`^log\\[${i}\\]\\.arch\\.arch: .*expected 3 node groups`))]);
  });

  it('refuses absurd block sizes and a structure that does not take the dataset’s images', () => {
    const cases: [(b: JsonObj & { blocks: JsonObj[] }) => void, RegExp][] = [
      [(b) => (b.blocks[2].channels = 1e9), /blocks\.blocks\[2\]\.channels must be ≤ 1024, not 1000000000/],
      [(b) => (b.blocks = Array.from({ length: 100_000 }, () => ({ channels: 8, stride: 1, ops: ['mb3_k3'] }))), /a chain has at most 12 blocks, the file lists 100000/],
      [(b) => (b.stemChannels = 4096), /blocks\.stemChannels must be ≤ 1024/],
      [(b) => (b.inputShape = [14, 14, 1]), /the structure takes 14×14×1 images, but "digits" has 8×8×1 images/],
      [(b) => (b.numClasses = 7), /the structure predicts 7 classes, but "digits" has 10/],
    ];
    for (const [edit, message] of cases) {
      const f = dna();
      edit(f.blocks as JsonObj & { blocks: JsonObj[] });
      f.arch = blockArchOf(f.blocks)!;
      expect(refused(f), String(message)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    }
  });
});

describe('Train on a block file builds the file’s structure', () => {
  // A chain unlike the defaults (one block of 4 channels at stride 2, one of 6): rebuilt from the
  // arch string in the method's own space, it would not even parse.
  const structure: BlockArchJson = { space: 'blocks', stemChannels: 4, inputShape: [8, 8, 1], numClasses: 10, blocks: [{ channels: 4, stride: 2, ops: ['mb3_k3'] }, { channels: 6, stride: 1, ops: ['mb3_k3', 'skip'] }] };
  const arch = 'mb3_k3|mb3_k3-skip';

  it('blockTrainTarget takes the structure when there is one, and the method space when there is none', () => {
    const t = blockTrainTarget(arch, structure, 'digits', () => defaultBlockSpace('digits'));
    expect(t.space.stages).toEqual([
      { channels: 4, stride: 2, layers: 1 },
      { channels: 6, stride: 1, layers: 2 },
    ]);
    expect(() => blockTrainTarget(arch, undefined, 'digits', () => defaultBlockSpace('digits'))).toThrow(/cannot train "mb3_k3\|mb3_k3-skip": .*expected 3 blocks/);
    expect(() => blockTrainTarget('mb3_k3|mb3_k3-mb3_k3', structure, 'digits', () => defaultBlockSpace('digits'))).toThrow(/disagrees with the block structure, which reads "mb3_k3\|mb3_k3-skip"/);
    expect(() => blockTrainTarget(arch, structure, 'fashion', () => defaultBlockSpace('fashion'))).toThrow(/takes 8×8×1 images, but "fashion" has 14×14×1/);
  });

  it('DNA and Cream train exactly that network: the final event carries the file’s structure', async () => {
    await cpu();
    const digits = await loadDatasetFromDisk('digits');
    for (const method of ['dna', 'cream'] as const) {
      const config = withDefaults({ method, seed: 1, final: { ...DEFAULT_CONFIG.final, epochs: 1, batchSize: 128 } });
      const events: RunEvent[] = [];
      const run = method === 'dna' ? runDna : runCream;
      await run(config, { dataset: digits }, new RunController(), (e) => events.push(e), arch, structure);
      const end = events.at(-1);
      expect(end, JSON.stringify(end)).toMatchObject({ type: 'run-end', status: 'completed' });
      const final = events.find((e): e is FinalEvent => e.type === 'final')!;
      expect(final.arch.arch).toBe(arch);
      expect(final.structure).toEqual(structure);
    }
  });
});
