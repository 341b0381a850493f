import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/engine/core/config';
import { kendallTau, mean, std, topKOverlap } from '../../src/engine/core/metrics';
import { Rng } from '../../src/engine/core/rng';
import type { RunEvent, Untimed } from '../../src/engine/core/events';
import type { Dataset } from '../../src/engine/data/datasets';
import { DeviceData } from '../../src/engine/nn/trainer';
import type { StepRow, StepsData } from '../../src/engine/methods/cream/events';
import { retrainArch } from '../../src/engine/methods/cream/final';
import { scoreBlockArchs, trainCreamSupernet } from '../../src/engine/methods/cream/ranking';
import { creamSpace } from '../../src/engine/methods/cream/run';
import { defaultCreamSettings, mergeCreamSettings } from '../../src/engine/methods/cream/settings';
import { CreamSupernet, pathVariables } from '../../src/engine/methods/cream/supernet';
import { exportWeights, importWeights, type WeightEntry } from '../../src/engine/nn/blocks/weights';
import { installFastDepthwiseKernels } from '../../src/engine/nn/cpuKernelsDepthwise';
import { type BlockArch, blockArchCost, blockArchFromString, formatBlockArch, layerOps, sampleBlockArch } from '../../src/engine/spaces/blocks';
import { loadDatasetFromDisk, REPO_ROOT } from '../../src/cli/nodeIo';
import { cpu } from '../../test/helpers';

/**
 * How well Cream's supernet ranks block-space architectures: Kendall τ between supernet path
 * accuracy (shared weights, whole validation split) and standalone test accuracy, with and
 * without distillation. Hours of CPU, so skipped unless asked for:
 *
 *   npm run bench:cream-ranking
 *
 * CREAM_RANKING=train only trains (and caches) the supernets; =truth only builds the own ground
 * truth. Supernets are trained with Cream's default digits settings (runCream's search phase, seeds
 * CREAM_SEEDS, default "1") and their weights cached in runs/ (git-ignored), so scoring can be redone
 * against any list of architectures. Ground truth: public/benchmarks/blocks-digits.csv when it
 * exists (columns arch, test_acc); otherwise this file's own sample of CREAM_TRUTH_COUNT (default
 * 20) distinct architectures of the default space, each trained standalone with the final-retrain
 * recipe for CREAM_TRUTH_EPOCHS (default 5) epochs, cached in runs/. CREAM_TRUTH_JSONL=<file>
 * ranks against another truth given as JSON lines instead. Results: console and
 * runs/cream-ranking.json.
 */
const MODE = process.env.CREAM_RANKING ?? '';
const SEEDS = (process.env.CREAM_SEEDS ?? '1').split(',').map(Number);
const COUNT = Number(process.env.CREAM_TRUTH_COUNT ?? 20);
const TRUTH_EPOCHS = Number(process.env.CREAM_TRUTH_EPOCHS ?? 5);
const TRUTH_CSV = path.join(REPO_ROOT, 'public', 'benchmarks', 'blocks-digits.csv');
const RUNS = path.join(REPO_ROOT, 'runs');
const TRUTH_CACHE = path.join(RUNS, `cream-truth-digits-e${TRUTH_EPOCHS}.json`);
const OUT = path.join(RUNS, 'cream-ranking.json');
const TRUTH_SEED = 0;
const HOUR = 3_600_000;

interface TruthRow {
  arch: string;
  valAcc: number;
  testAcc: number;
}

let digits: Dataset;
const settings = defaultCreamSettings('digits');
const space = creamSpace({ dataset: 'digits' }, settings);
const canonical = (a: string) => formatBlockArch(blockArchFromString(a, space));

function sampleArchs(): string[] {
  const rng = new Rng(2020).fork('cream/truth-sample');
  const out = new Set<string>();
  while (out.size < COUNT) out.add(formatBlockArch(sampleBlockArch(space, rng)));
  return [...out];
}

/** CREAM_TRUTH_JSONL: another standalone truth as JSON lines with `arch` and `testAcc` (e.g. a table still being built); seeds are averaged. */
function jsonlTruth(): TruthRow[] | null {
  const file = process.env.CREAM_TRUTH_JSONL;
  if (!file) return null;
  const by = new Map<string, { val: number[]; test: number[] }>();
  for (const line of readFileSync(path.resolve(REPO_ROOT, file), 'utf8').split(/\r?\n/)) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { arch: string; valAcc?: number; testAcc: number };
    const a = canonical(r.arch);
    const e = by.get(a) ?? { val: [], test: [] };
    e.test.push(r.testAcc);
    if (r.valAcc !== undefined) e.val.push(r.valAcc);
    by.set(a, e);
  }
  return [...by].map(([arch, e]) => ({ arch, valAcc: mean(e.val), testAcc: mean(e.test) }));
}

function csvTruth(): TruthRow[] | null {
  if (!existsSync(TRUTH_CSV)) return null;
  const [head, ...lines] = readFileSync(TRUTH_CSV, 'utf8').trim().split(/\r?\n/);
  const cols = head.split(',');
  const [ia, it, iv] = ['arch', 'test_acc', 'val_acc'].map((c) => cols.indexOf(c));
  if (ia < 0 || it < 0) return null;
  // Canonical block strings have no commas (layers are joined by '-'); quoted cells are read too.
  return lines.map((l) => {
    const cells = l.match(/("[^"]*"|[^,]+)/g)!.map((c) => c.replace(/^"|"$/g, ''));
    return { arch: canonical(cells[ia]), valAcc: iv >= 0 ? Number(cells[iv]) : NaN, testAcc: Number(cells[it]) };
  });
}

async function ownTruth(): Promise<TruthRow[]> {
  const cached: Record<string, TruthRow> = existsSync(TRUTH_CACHE) ? JSON.parse(readFileSync(TRUTH_CACHE, 'utf8')) : {};
  const data = new DeviceData(digits);
  const recipe = { ...DEFAULT_CONFIG.final, epochs: TRUTH_EPOCHS };
  try {
    for (const arch of sampleArchs()) {
      if (cached[arch]) continue;
      const t0 = performance.now();
      const r = await retrainArch({ emit: () => {}, checkpoint: async () => {} }, space, blockArchFromString(arch, space), data, recipe, new Rng(TRUTH_SEED).fork(`truth/${arch}`), 'final', false);
      cached[arch] = { arch, valAcc: r.valAcc, testAcc: r.testAcc! };
      mkdirSync(RUNS, { recursive: true });
      writeFileSync(TRUTH_CACHE, JSON.stringify(cached, null, 1));
      console.log(`truth ${Object.keys(cached).length}/${COUNT}: ${arch} test ${r.testAcc!.toFixed(2)}% val ${r.valAcc.toFixed(2)}% (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
  } finally {
    data.dispose();
  }
  return sampleArchs().map((a) => cached[a]);
}

const weightsFile = (seed: number, distill: boolean) => path.join(RUNS, `cream-supernet-digits-s${seed}-${distill ? 'distill' : 'plain'}`);

/** Trains the supernet (or finds it cached) and returns where its weights are. */
async function trainedSupernet(seed: number, distill: boolean): Promise<{ file: string; trainSeconds: number; note: string }> {
  const file = weightsFile(seed, distill);
  if (existsSync(`${file}.json`)) return JSON.parse(readFileSync(`${file}.json`, 'utf8')).meta;
  const t0 = performance.now();
  let window: StepRow[] = [];
  const progress = (e: Untimed<RunEvent>) => {
    if (e.type !== 'method' || e.kind !== 'steps') return;
    window.push(...(e.data as StepsData).rows);
    const last = window[window.length - 1];
    if ((last.step + 1) % 100 !== 0) return;
    const avg = (f: (r: StepRow) => number | null) => {
      const v = window.map(f).filter((x): x is number => x !== null);
      return v.length ? mean(v).toFixed(3) : '–';
    };
    console.log(`seed ${seed}, distillation ${distill ? 'on' : 'off'}: step ${last.step + 1} (${((performance.now() - t0) / 1000).toFixed(0)} s); mean over the last 100: path acc ${avg((r) => r.acc)}%, CE ${avg((r) => r.ce)}, KD ${avg((r) => r.kd)}, ρ ${avg((r) => r.rho)}`);
    window = [];
  };
  const trained = await trainCreamSupernet({ dataset: digits, seed, distill, emit: progress });
  try {
    const { entries, data } = await exportWeights(trained.supernet.net.store);
    const meta = { file, trainSeconds: trained.trainSeconds, note: trained.note };
    mkdirSync(RUNS, { recursive: true });
    writeFileSync(`${file}.bin`, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    writeFileSync(`${file}.json`, JSON.stringify({ meta, entries }));
    console.log(`trained seed ${seed}, distillation ${distill ? 'on' : 'off'}: ${trained.trainSeconds.toFixed(0)} s`);
    return meta;
  } finally {
    trained.dispose();
  }
}

/** Rebuilds the supernet from cached weights and scores the architectures by path accuracy. */
async function scoreFromCache(seed: number, distill: boolean, archs: string[]): Promise<number[]> {
  const file = weightsFile(seed, distill);
  const { entries } = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { entries: WeightEntry[] };
  const buf = readFileSync(`${file}.bin`);
  const values = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const s = mergeCreamSettings(settings, { distill: { enabled: distill } });
  const data = new DeviceData(digits);
  const supernet = new CreamSupernet(space, data, s, new Rng(seed).fork('cream'));
  try {
    // Every op at every layer it is allowed, so every weight of the file has its variable.
    for (const op of space.ops) {
      const arch: BlockArch = { blocks: space.stages.map((st, b) => Array.from({ length: st.layers }, (_, l) => (layerOps(space, b, l).includes(op) ? op : layerOps(space, b, l)[0]))) };
      pathVariables(supernet.net, arch);
    }
    importWeights(supernet.net.store, entries, values);
    return await scoreBlockArchs({ supernet, settings: s, trainSeconds: 0, note: '', dispose: () => {} }, archs);
  } finally {
    supernet.dispose();
    data.dispose();
  }
}

describe.skipIf(!MODE)('Cream supernet ranking against standalone training (digits)', () => {
  beforeAll(async () => {
    await cpu();
    installFastDepthwiseKernels();
    digits = await loadDatasetFromDisk('digits');
  });

  it(
    'measures Kendall τ with and without distillation',
    async () => {
      const trained: Record<string, Awaited<ReturnType<typeof trainedSupernet>>> = {};
      if (MODE !== 'truth') for (const seed of SEEDS) for (const distill of [true, false]) trained[`${seed}/${distill}`] = await trainedSupernet(seed, distill);
      if (MODE === 'train') return;
      const given = jsonlTruth();
      const csv = given ? null : csvTruth();
      const truth = given ?? csv ?? (await ownTruth());
      if (MODE === 'truth') return;
      const source = given
        ? `${process.env.CREAM_TRUTH_JSONL} (${truth.length} architectures)`
        : csv
          ? `public/benchmarks/blocks-digits.csv (${truth.length} architectures)`
          : `own sample of ${truth.length} architectures, each trained standalone once (seed ${TRUTH_SEED}) with the final-retrain recipe for ${TRUTH_EPOCHS} epochs`;
      const archs = truth.map((t) => t.arch);
      const y = truth.map((t) => t.testAcc);
      const results: Record<'on' | 'off', { seed: number; tau: number; top5: number; trainSeconds: number; note: string; scores: number[] }[]> = { on: [], off: [] };
      for (const seed of SEEDS) {
        for (const distill of [true, false]) {
          const scores = await scoreFromCache(seed, distill, archs);
          const tau = kendallTau(scores, y);
          const t = trained[`${seed}/${distill}`];
          results[distill ? 'on' : 'off'].push({ seed, tau, top5: topKOverlap(scores, y, 5), trainSeconds: t.trainSeconds, note: t.note, scores });
          console.log(`seed ${seed}, distillation ${distill ? 'on' : 'off'}: τ = ${tau.toFixed(3)}, top-5 overlap ${topKOverlap(scores, y, 5).toFixed(2)} (trained in ${t.trainSeconds.toFixed(0)} s)`);
        }
      }
      const flops = archs.map((a) => blockArchCost(blockArchFromString(a, space), space).flops);
      const line = (k: 'on' | 'off') => `${mean(results[k].map((r) => r.tau)).toFixed(3)} ± ${std(results[k].map((r) => r.tau)).toFixed(3)}`;
      console.log(`truth: ${source}\nτ with distillation ${line('on')}, without ${line('off')} (seeds ${SEEDS.join(', ')}); FLOPs alone: τ = ${kendallTau(flops, y).toFixed(3)}`);
      mkdirSync(RUNS, { recursive: true });
      writeFileSync(process.env.CREAM_TRUTH_JSONL ? OUT.replace('.json', '-jsonl.json') : OUT, JSON.stringify({ source, seeds: SEEDS, truth, flopsTau: kendallTau(flops, y), results }, null, 1));
      expect(results.on.length).toBe(SEEDS.length);
    },
    24 * HOUR,
  );
});
