import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, withDefaults } from '../src/engine/core/config';
import type { RunEvent } from '../src/engine/core/events';
import {
  ARCHITECTURE_FILE_VERSION,
  architectureJsonSchema,
  READABLE_VERSIONS,
  architectureFileName,
  buildArchitectureFile,
  buildArchitectureFileFromLog,
  parseArchitectureFile,
  stringifyArchitectureFile,
  validateArchitectureFile,
  type FinalEvent,
  type RunStartEvent,
} from '../src/engine/export';
import schema from '../src/engine/export/architecture.schema.json';
import { METHOD_CATALOG } from '../src/engine/methods/catalog';
import { NB201_OPS } from '../src/engine/spaces/nb201';
import { BLOCK_OPS, blockArchFromString, blockArchToJson, defaultBlockSpace } from '../src/engine/spaces/blocks';
import { applyEvent, emptyRun, statusOf } from '../src/app/runState';

const ARCH = '|nor_conv_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|avg_pool_3x3~1|nor_conv_3x3~2|';

const runStart: RunStartEvent = {
  type: 'run-start',
  t: 0,
  config: withDefaults({ budget: 5, seed: 7 }),
  backend: 'cpu',
  tfjsVersion: '4.22.0',
  datasetSizes: { train: 1078, val: 359, test: 360 },
};
const final: FinalEvent = {
  type: 'final',
  t: 9000,
  arch: { space: 'nb201', arch: ARCH },
  candidateIndex: 3,
  score: 71.5,
  metrics: { testAcc: 93.1, valAcc: 92.4, testLoss: 0.25, valLoss: 0.27, trainLoss: NaN },
  cost: { params: 12345, flops: 678901 },
  recipe: 'SGD momentum 0.9 (Nesterov), lr 0.05 cosine to 0, 10 epoch(s)',
};
const log: RunEvent[] = [
  runStart,
  { type: 'phase', t: 1, phase: 'supernet', detail: 'training', total: 2 },
  { type: 'train', t: 2, phase: 'supernet', step: 0, loss: 2.3, acc: 0.1, lr: 0.05 },
  { type: 'val', t: 3, phase: 'supernet', step: 0, loss: NaN, acc: 12 },
  { type: 'candidate', t: 4, index: 0, arch: { space: 'nb201', arch: ARCH }, score: 71.5, metrics: {}, cost: { params: 1, flops: 2 }, origin: 'uniform sample' },
  { type: 'progress', t: 5, done: 1, total: 5, unit: 'candidates' },
  final,
  { type: 'run-end', t: 9001, status: 'completed' },
];

const ajv = new Ajv({ allErrors: true });
const validateSchema = ajv.compile(schema);
const build = () => buildArchitectureFile({ runStart, final, appVersion: '0.1.0', createdAt: new Date('2025-03-01T10:00:00Z') });
/** What a file looks like after being written and read back. */
const roundTrip = (v: unknown) => JSON.parse(JSON.stringify(v)) as Record<string, unknown>;

function rejected(json: unknown): string[] {
  const r = validateArchitectureFile(json);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors;
}

describe('architecture file', () => {
  it('builds a file that the JSON Schema and the validator accept', () => {
    const file = roundTrip(build());
    expect(validateSchema(file), JSON.stringify(validateSchema.errors)).toBe(true);
    const r = validateArchitectureFile(file);
    expect(r.ok ? [] : r.errors).toEqual([]);
    expect(file).toMatchObject({ schema: 'nas-playground/architecture', version: 2, space: 'nb201', arch: ARCH, seed: 7, backend: 'cpu' });
    expect(file.versions).toEqual({ tfjs: '4.22.0', app: '0.1.0' });
    expect(file.createdAt).toBe('2025-03-01T10:00:00.000Z');
    expect((file.metrics as Record<string, unknown>).trainLoss).toBeNull();
    expect((file.dataset as { id: string }).id).toBe('digits');
    expect(file.edges).toEqual([
      { from: 0, to: 1, op: 'nor_conv_3x3' },
      { from: 0, to: 2, op: 'skip_connect' },
      { from: 1, to: 2, op: 'none' },
      { from: 0, to: 3, op: 'nor_conv_1x1' },
      { from: 1, to: 3, op: 'avg_pool_3x3' },
      { from: 2, to: 3, op: 'nor_conv_3x3' },
    ]);
    expect(architectureFileName(build())).toMatch(/^nas-playground-[0-9a-f]{8}\.json$/);
  });

  it('carries the event log when asked, and it still validates after a JSON round trip', () => {
    const file = roundTrip(buildArchitectureFileFromLog(log, { appVersion: '0.1.0', includeLog: true }));
    expect(validateSchema(file), JSON.stringify(validateSchema.errors)).toBe(true);
    expect(validateArchitectureFile(file).ok).toBe(true);
    expect((file.log as unknown[]).length).toBe(log.length);
    expect(buildArchitectureFileFromLog(log, { appVersion: '0.1.0' }).log).toBeUndefined();
  });

  it('records the table as the data source for a table run', () => {
    const tableStart: RunStartEvent = { ...runStart, config: withDefaults({ evaluator: 'table' }) };
    const file = roundTrip(buildArchitectureFile({ runStart: tableStart, final, appVersion: '0.1.0', table: { name: 'nb201_c10.csv' } }));
    expect(validateSchema(file)).toBe(true);
    expect(file.dataset).toMatchObject({ id: 'benchmark-table', preprocessing: { source: 'benchmark table nb201_c10.csv' } });
  });

  it('uses the preprocessing recorded in run-start, and omits the search record for a trained-only cell', () => {
    const preprocessing = { source: 'x.gz', scale: 'pixel / 16', downsample: 'none', standardise: { mean: 0.3, std: 0.4, from: 'train split' }, split: 's', splitSeed: 20201 };
    const trained = roundTrip(
      buildArchitectureFile({ runStart: { ...runStart, preprocessing, trainArch: ARCH }, final: { ...final, candidateIndex: -1 }, appVersion: '0.1.0' }),
    );
    expect(validateSchema(trained), JSON.stringify(validateSchema.errors)).toBe(true);
    expect(validateArchitectureFile(trained).ok).toBe(true);
    expect(trained.search).toBeUndefined();
    expect((trained.dataset as { preprocessing: unknown }).preprocessing).toMatchObject({ standardise: { mean: 0.3, std: 0.4 } });
  });

  it('ships the JSON Schema generated from the zod schema, which says what the code reads', () => {
    // Staleness itself: test/lessons.test.ts compares every generated schema with its shipped copy.
    type Branch = { properties: { space: { const: string }; version: { enum?: number[]; const?: number } }; required: string[] };
    const s = schema as unknown as { oneOf: Branch[]; definitions: { op: { enum: string[] }; blockOp: { enum: string[] }; runConfig: { properties: { method: { pattern: string } } } } };
    expect(s).toEqual(architectureJsonSchema());
    const [nb201, blocks] = s.oneOf;
    expect(nb201.properties.space.const).toBe('nb201');
    expect(nb201.properties.version.enum).toEqual([...READABLE_VERSIONS]);
    expect(blocks.properties.version.const).toBe(ARCHITECTURE_FILE_VERSION);
    expect(Math.max(...READABLE_VERSIONS)).toBe(ARCHITECTURE_FILE_VERSION);
    expect(s.definitions.op.enum).toEqual([...NB201_OPS]);
    expect(s.definitions.blockOp.enum).toEqual([...BLOCK_OPS]);
    // Methods are not an enum (a registered method would need an edit here): every id fits the pattern.
    for (const m of METHOD_CATALOG) expect(m.id).toMatch(new RegExp(s.definitions.runConfig.properties.method.pattern));
    for (const key of nb201.required) expect(build()).toHaveProperty(key);
    expect(Object.keys(DEFAULT_CONFIG)).toEqual(expect.arrayContaining(['method', 'dataset', 'evaluator', 'budget', 'seed', 'speed']));
  });

  it('rejects malformed JSON text with a message', () => {
    const r = parseArchitectureFile('{"schema": "nas-playground/architecture", ');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/not valid JSON/);
  });

  it('rejects a bad JSON shape', () => {
    expect(rejected([1, 2, 3])[0]).toMatch(/expected a JSON object/);
    expect(rejected({ hello: 'world' })[0]).toMatch(/not a NAS Playground architecture file/);
    const f = roundTrip(build());
    f.cost = 'cheap';
    f.metrics = { testAcc: 'high' };
    delete f.backend;
    const errs = rejected(f);
    expect(errs).toEqual(expect.arrayContaining([expect.stringMatching(/^cost must be an object/), expect.stringMatching(/^metrics\.testAcc must be a number/), expect.stringMatching(/^backend is missing \(a string is needed\)/)]));
    expect(validateSchema(f)).toBe(false);
  });

  it('rejects an unknown version with a clear message', () => {
    const f = { ...roundTrip(build()), version: 99 };
    const errs = rejected(f);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(/unsupported file version 99.*reads versions 1 and 2.*newer/);
    expect(validateSchema(f)).toBe(false);
  });

  it('rejects an unknown op, in edges or in arch', () => {
    const f = roundTrip(build());
    (f.edges as { op: string }[])[2].op = 'conv_5x5';
    expect(rejected(f)).toEqual([expect.stringMatching(/edges\[2\]\.op: unknown op "conv_5x5"/)]);
    expect(validateSchema(f)).toBe(false);

    const g = roundTrip(build());
    g.arch = ARCH.replace('none~1', 'sep_conv~1');
    expect(rejected(g)[0]).toMatch(/^arch: .*unknown op "sep_conv"/);
    expect(validateSchema(g)).toBe(false);
  });

  it('rejects edges that disagree with arch', () => {
    const f = roundTrip(build());
    (f.edges as { op: string }[])[0].op = 'avg_pool_3x3';
    expect(rejected(f)).toEqual([expect.stringMatching(/edges\[0\]: edge 0→1 has op "avg_pool_3x3" but arch says "nor_conv_3x3"/)]);

    const g = roundTrip(build());
    (g.edges as { from: number; to: number }[])[1] = { from: 0, to: 1, op: 'nor_conv_3x3' } as never;
    expect(rejected(g)).toEqual([expect.stringMatching(/edge 0→1 is listed twice/)]);

    const h = roundTrip(build());
    (h.edges as unknown[]).pop();
    expect(rejected(h)[0]).toMatch(/a cell has 6 edges, the file lists 5/);
  });

  it('rejects an invalid config, seed mismatch and a bad date', () => {
    const f = roundTrip(build());
    (f.config as Record<string, unknown>).method = 'genetic';
    f.seed = 8;
    f.createdAt = 'yesterday';
    const errs = rejected(f);
    expect(errs).toEqual(
      expect.arrayContaining([expect.stringMatching(/config: unknown method "genetic" \(methods: random, evolution/), expect.stringMatching(/seed 8 disagrees with config\.seed 7/), expect.stringMatching(/createdAt must be an ISO 8601/)]),
    );
  });

  it('rejects a log event a replay could not read', () => {
    const f = roundTrip(buildArchitectureFileFromLog(log, { appVersion: '0.1.0', includeLog: true }));
    (f.log as Record<string, unknown>[])[2].loss = 'low';
    (f.log as Record<string, unknown>[])[3].type = 'teleport';
    expect(rejected(f)).toEqual([expect.stringMatching(/log\[2\]\.loss must be a number/), expect.stringMatching(/log\[3\]\.type: unknown event type "teleport"/)]);
  });
});

describe('stringifyArchitectureFile', () => {
  it('writes JSON that reads back to the same file, with or without a log', () => {
    const withLog = buildArchitectureFileFromLog(log, { appVersion: '0.1.0', includeLog: true });
    const back = parseArchitectureFile(stringifyArchitectureFile(withLog));
    expect(back.ok).toBe(true);
    // Read back, a null measurement is NaN again, and it writes out as the same JSON.
    if (back.ok) expect(roundTrip(back.file)).toEqual(roundTrip(withLog));
    const plain = build();
    expect(JSON.parse(stringifyArchitectureFile(plain))).toEqual(roundTrip(plain));
  });
});

describe('an exported log replays through the page reducer', () => {
  it('derives the same run from the file as from the live events, NaN turned null included', () => {
    const live = emptyRun();
    for (const e of log) applyEvent(live, e);
    const file = parseArchitectureFile(stringifyArchitectureFile(buildArchitectureFileFromLog(log, { appVersion: '0.1.0', includeLog: true })));
    expect(file.ok).toBe(true);
    if (!file.ok) return;
    const replay = emptyRun();
    for (const e of file.file.log!) applyEvent(replay, e);
    for (const d of [live, replay]) {
      expect(d.runStart?.config.seed).toBe(7);
      expect(d.train).toHaveLength(1);
      expect(d.train[0].acc).toBeCloseTo(10); // a fraction in train events, % on the chart
      expect(d.val[0].loss).toBeNaN(); // null in the file reads as a missing value again
      expect(d.candidates.map((c) => c.bestSoFar)).toEqual([71.5]);
      expect(d.progress).toEqual({ done: 1, total: 5, unit: 'candidates' });
      expect(d.final?.arch.arch).toBe(ARCH);
      expect(statusOf(d, 'idle', true)).toBe('done');
    }
  });
});

describe('a run that trained one given architecture', () => {
  it('exports without a search block and validates', async () => {
    const { buildArchitectureFile } = await import('../src/engine/export/architectureFile');
    const { withDefaults } = await import('../src/engine/core/config');
    const arch = '|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|';
    const file = buildArchitectureFile({
      runStart: { type: 'run-start', t: 0, config: withDefaults(), backend: 'cpu', tfjsVersion: '4.22.0', trainArch: arch },
      final: { type: 'final', t: 1, arch: { space: 'nb201', arch }, candidateIndex: -1, score: 90, metrics: { testAcc: 91, valAcc: 90 }, cost: { params: 1, flops: 2 }, recipe: 'r' },
      appVersion: '0.1.0',
    });
    expect(file.search).toBeUndefined();
    const { validateArchitectureFile } = await import('../src/engine/export/architectureFile');
    expect(validateArchitectureFile(JSON.parse(JSON.stringify(file))).ok).toBe(true);
  });
});

describe('architecture file, block space (DNA and Cream, version 2)', () => {
  const space = defaultBlockSpace('digits', [...BLOCK_OPS]);
  const BARCH = 'mb3_k3-skip|mb6_k5-mb3_k5|mb3_k5-mb6_k3';
  const arch = blockArchFromString(BARCH, space);
  const blockStart: RunStartEvent = { ...runStart, config: withDefaults({ method: 'dna', seed: 7 }) };
  const blockFinal: FinalEvent = { ...final, arch: { space: 'blocks', arch: BARCH }, structure: blockArchToJson(arch, space) };
  const buildBlock = () => roundTrip(buildArchitectureFile({ runStart: blockStart, final: blockFinal, appVersion: '0.1.0', createdAt: new Date('2025-03-01T10:00:00Z') }));

  it('exports the chain with its structure, and the schema and validator accept it', () => {
    const f = buildBlock();
    expect(f).toMatchObject({ version: 2, space: 'blocks', arch: BARCH });
    expect(f.edges).toBeUndefined();
    expect(f.blocks).toEqual({
      space: 'blocks',
      stemChannels: space.stemChannels,
      inputShape: space.inputShape,
      numClasses: 10,
      blocks: space.stages.map((st, b) => ({ channels: st.channels, stride: st.stride, ops: arch.blocks[b] })),
    });
    expect(validateSchema(f), JSON.stringify(validateSchema.errors)).toBe(true);
    const r = validateArchitectureFile(f);
    expect(r.ok ? [] : r.errors).toEqual([]);
    expect(parseArchitectureFile(stringifyArchitectureFile(r.ok ? r.file : (null as never))).ok).toBe(true);
  });

  it('refuses to export a block result whose final event has no structure', () => {
    expect(() => buildArchitectureFile({ runStart: blockStart, final: { ...blockFinal, structure: undefined }, appVersion: '0.1.0' })).toThrow(/no block structure/);
  });

  it('rejects an unknown block op, a structure that disagrees with arch, and skip where the shape changes', () => {
    const f = buildBlock();
    (f.blocks as { blocks: { ops: string[] }[] }).blocks[1].ops[0] = 'mb9_k7';
    expect(rejected(f)).toEqual([expect.stringMatching(/blocks\.blocks\[1\]\.ops\[0\]: unknown op "mb9_k7"/)]);
    expect(validateSchema(f)).toBe(false);

    const g = buildBlock();
    g.arch = 'mb3_k3-skip|mb6_k5-mb3_k5|mb3_k5-mb6_k5';
    expect(rejected(g)).toEqual([expect.stringMatching(/disagrees with the block structure, which reads "mb3_k3-skip\|mb6_k5-mb3_k5\|mb3_k5-mb6_k3"/)]);

    const h = buildBlock();
    // Block 2 starts with stride 2 and a width change: an identity cannot stand there.
    (h.blocks as { blocks: { ops: string[] }[] }).blocks[1].ops[0] = 'skip';
    h.arch = 'mb3_k3-skip|skip-mb3_k5|mb3_k5-mb6_k3';
    expect(rejected(h)).toEqual([expect.stringMatching(/blocks: block 2, layer 1: skip is not allowed/)]);
  });

  it('rejects a block chain in a version 1 file, and a missing structure', () => {
    const f = { ...buildBlock(), version: 1 };
    expect(rejected(f)).toEqual([expect.stringMatching(/needs a version 2 file/)]);
    expect(validateSchema(f)).toBe(false);
    const g = buildBlock();
    delete g.blocks;
    expect(rejected(g)[0]).toMatch(/blocks must be an object/);
    expect(validateSchema(g)).toBe(false);
  });

  it('still reads a version 1 NB-201 file', () => {
    const f = { ...roundTrip(build()), version: 1 };
    expect(validateSchema(f), JSON.stringify(validateSchema.errors)).toBe(true);
    expect(validateArchitectureFile(f).ok).toBe(true);
  });
});
