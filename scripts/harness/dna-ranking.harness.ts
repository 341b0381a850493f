/**
 * The ranking study behind docs/dna.md — not part of the unit tests (skipped unless asked):
 *
 *   DNA_RANKING=truth npm run bench:dna-ranking   trains the ground truth, writes public/benchmarks/blocks-digits.csv
 *   DNA_RANKING=scores npm run bench:dna-ranking  DNA's and the one-shot supernet's scores of the sample (runs/dna-ranking-preds.json)
 *   DNA_RANKING=tau npm run bench:dna-ranking   Kendall τ of both against the truth, writes runs/dna-ranking.json
 *
 * The ground truth: TRUTH_COUNT distinct architectures drawn uniformly from the default block
 * space, each trained from scratch on the digits with the recipe below and two seeds. Every
 * finished training is appended to runs/dna-truth.jsonl, so a stopped build resumes.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadDatasetFromDisk, REPO_ROOT } from '../../src/cli/nodeIo';
import type { StandaloneSettings } from '../../src/engine/core/config';
import { kendallTau, mean, std } from '../../src/engine/core/metrics';
import { Rng } from '../../src/engine/core/rng';
import { DeviceData, recipeText } from '../../src/engine/nn/trainer';
import { retrainBlockArch } from '../../src/engine/methods/dna/final';
import { oneShotRanking, DEFAULT_ONE_SHOT } from '../../src/engine/methods/dna/oneShot';
import { blockScoreOf, rateBlocks } from '../../src/engine/methods/dna/ranking';
import { defaultDnaSettings } from '../../src/engine/methods/dna/settings';
import { loadTeacherFiles } from '../../src/engine/methods/dna/teacher';
import { installFastDepthwiseKernels } from '../../src/engine/nn/cpuKernelsDepthwise';
import { type BlockArch, blockArchCost, blockSpaceSize, formatBlockArch } from '../../src/engine/spaces/blocks';
import { datasetInfo } from '../../src/engine/data/datasets';
import { cpu } from '../../test/helpers';
import { blockTruthCsvPath, blockTruthFromEnv, blockTruthLogPath, blockTruthSample, blockTruthSpace } from '../lib/blockTruth';

const MODE = process.env.DNA_RANKING ?? '';
/** Which truth (scripts/lib/blockTruth.ts): DNA_TRUTH=digits (default) or fashion. */
const TRUTH = blockTruthFromEnv();
const TRUTH_COUNT = TRUTH.count;
const TRUTH_SEEDS = process.env.DNA_TRUTH_SEEDS ? process.env.DNA_TRUTH_SEEDS.split(',').map(Number) : TRUTH.seeds;
const SAMPLE_SEED = TRUTH.sampleSeed;
const RECIPE: StandaloneSettings = TRUTH.recipe;
const CSV = blockTruthCsvPath(TRUTH);
const LOG = blockTruthLogPath(TRUTH);
const OUT = path.join(REPO_ROOT, 'runs', 'dna-ranking.json');
const space = blockTruthSpace(TRUTH);
/** DNA_TRUTH_SHARD=i/n: this process trains the sample's architectures k with k mod n = i (two processes share the log). */
const SHARD = (() => {
  const m = /^(\d+)\/(\d+)$/.exec(process.env.DNA_TRUTH_SHARD ?? '0/1');
  if (!m || Number(m[1]) >= Number(m[2])) throw new Error(`DNA_TRUTH_SHARD must be i/n with 0 ≤ i < n (got ${JSON.stringify(process.env.DNA_TRUTH_SHARD)})`);
  return { i: Number(m[1]), n: Number(m[2]) };
})();

const truthSample = () => blockTruthSample(TRUTH);

interface TruthRow {
  arch: string;
  seed: number;
  valAcc: number;
  testAcc: number;
  trainLoss: number;
  seconds: number;
  recipe: string;
}

function readLog(): TruthRow[] {
  if (!existsSync(LOG)) return [];
  const recipe = JSON.stringify(RECIPE);
  return readFileSync(LOG, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TruthRow)
    .filter((r) => r.recipe === recipe);
}

const f = (v: number, d = 4) => v.toFixed(d);

function writeCsv(rows: TruthRow[], archs: BlockArch[]): void {
  const info = datasetInfo(TRUTH.dataset);
  const d = TRUTH.dataset === 'digits'
    ? 'digits 8×8 (UCI / scikit-learn), split seed 20201: train 1078 / val 359 / test 360, standardised with train statistics'
    : `${info.title}: train 8000 / val 2000 / test 2000 (the shipped subset's own split), standardised with train statistics`;
  const opsText = TRUTH.ops.includes('skip') ? 'MBConv k{3,5} × e{3,6} or skip where the layer keeps its shape' : 'MBConv k{3,5} × e{3,6}';
  const lines = [
    `# title: ${TRUTH.title}`,
    `# space: blocks (src/engine/spaces/blocks.ts, defaultBlockSpace("${TRUTH.dataset}", [${TRUTH.ops.join(', ')}])): stem 3×3 conv 8 → blocks of widths 8/16/24, strides 1/2/2, 2 layers each (${opsText}) → GAP → linear; ${blockSpaceSize(space).toLocaleString('en')} architectures`,
    `# sample: ${TRUTH_COUNT} distinct architectures, uniform, new Rng(${SAMPLE_SEED}).fork('dna/truth/sample')`,
    `# recipe: ${recipeText(RECIPE)}`,
    `# seeds: ${TRUTH_SEEDS.join(', ')} (each training draws from new Rng(seed).fork('truth/' + arch))`,
    `# dataset: ${d}`,
    `# software: tfjs ${tf.version.tfjs} (${tf.getBackend()} backend, the project's fast CPU kernels), Node ${process.version}`,
    `# machine: ${os.cpus()[0]?.model.trim() ?? 'unknown'} × ${os.cpus().length}`,
    `# date: ${new Date().toISOString().slice(0, 10)}`,
    `# command: ${TRUTH.dataset === 'digits' ? '' : `DNA_TRUTH=${TRUTH.dataset} `}DNA_RANKING=truth npm run bench:dna-ranking`,
    '# columns: val_acc / test_acc = accuracy % (mean over seeds); *_std = sample std over seeds; *_s<k> = seed k; train_loss = mean of the last 10 steps; params = trainable parameters; flops = conv + linear multiply-accumulates per image (blockArchCost)',
    ['arch', 'val_acc', 'test_acc', 'val_acc_std', 'test_acc_std', ...TRUTH_SEEDS.map((s) => `val_acc_s${s}`), ...TRUTH_SEEDS.map((s) => `test_acc_s${s}`), 'train_loss', 'params', 'flops'].join(','),
  ];
  for (const a of archs) {
    const arch = formatBlockArch(a);
    const per = TRUTH_SEEDS.map((s) => rows.find((r) => r.arch === arch && r.seed === s));
    if (per.some((r) => !r)) throw new Error(`${arch} lacks a seed`);
    const rs = per as TruthRow[];
    const val = rs.map((r) => r.valAcc);
    const test = rs.map((r) => r.testAcc);
    const cost = blockArchCost(a, space);
    lines.push([arch, f(mean(val)), f(mean(test)), f(std(val)), f(std(test)), ...val.map((v) => f(v)), ...test.map((v) => f(v)), f(mean(rs.map((r) => r.trainLoss))), cost.params, cost.flops].join(','));
  }
  mkdirSync(path.dirname(CSV), { recursive: true });
  writeFileSync(CSV, `${lines.join('\n')}\n`);
}

/** Reads the table back: arch → mean val / test accuracy. */
function readTruthCsv(text: string): { arch: string; valAcc: number; testAcc: number }[] {
  const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
  const header = lines[0].split(',');
  const col = (name: string) => header.indexOf(name);
  return lines.slice(1).map((l) => {
    const c = l.split(',');
    return { arch: c[col('arch')], valAcc: Number(c[col('val_acc')]), testAcc: Number(c[col('test_acc')]) };
  });
}

describe.skipIf(MODE !== 'truth')('ground truth for the block space (DNA_RANKING=truth, DNA_TRUTH=digits | fashion)', () => {
  it('trains the sample standalone and writes its CSV in public/benchmarks/', { timeout: 24 * 3600_000 }, async () => {
    await cpu();
    installFastDepthwiseKernels();
    const ds = await loadDatasetFromDisk(TRUTH.dataset);
    const data = new DeviceData(ds);
    const archs = truthSample();
    mkdirSync(path.dirname(LOG), { recursive: true });
    const ctx = { emit: () => {}, checkpoint: async () => {} };
    const total = archs.length * TRUTH_SEEDS.length;
    // Architecture by architecture, every seed of one before the next: a partial log holds whole
    // rows, so the truth's own seed-to-seed τ can be read while the build runs.
    for (let k = 0; k < archs.length; k++) {
      if (k % SHARD.n !== SHARD.i) continue;
      const arch = formatBlockArch(archs[k]);
      for (const seed of TRUTH_SEEDS) {
        // Read again each time: another shard appends to the same log.
        if (readLog().some((r) => r.arch === arch && r.seed === seed)) continue;
        const t0 = Date.now();
        const r = await retrainBlockArch(ctx, space, archs[k], data, RECIPE, new Rng(seed).fork(`truth/${arch}`), 'final', false);
        const row: TruthRow = { arch, seed, valAcc: r.valAcc, testAcc: r.testAcc!, trainLoss: r.trainLoss, seconds: (Date.now() - t0) / 1000, recipe: JSON.stringify(RECIPE) };
        appendFileSync(LOG, `${JSON.stringify(row)}\n`);
        console.log(`[${readLog().length}/${total}] #${k} ${arch} seed ${seed}: val ${r.valAcc.toFixed(2)} test ${r.testAcc!.toFixed(2)} (${row.seconds.toFixed(0)} s)`);
      }
    }
    data.dispose();
    const rows = readLog();
    const done = archs.filter((a) => TRUTH_SEEDS.every((s) => rows.some((r) => r.arch === formatBlockArch(a) && r.seed === s))).length;
    if (done < archs.length) {
      console.log(`${done} of ${archs.length} architectures have every seed; the CSV is written once the other shards finish (run this again then)`);
      return;
    }
    writeCsv(rows, archs);
    expect(readTruthCsv(readFileSync(CSV, 'utf8'))).toHaveLength(TRUTH_COUNT);
  });
});

interface Prediction {
  method: string;
  seed: number;
  scores: number[];
  seconds: number;
  note: string;
}

const PREDS = path.join(REPO_ROOT, 'runs', 'dna-ranking-preds.json');

/** Scores of the sample by DNA and by the one-shot supernet, per seed; cached so `tau` can run before the truth is complete. */
async function predictions(seeds: number[]): Promise<Prediction[]> {
  const cache: Prediction[] = existsSync(PREDS) ? JSON.parse(readFileSync(PREDS, 'utf8')) : [];
  const save = () => writeFileSync(PREDS, JSON.stringify(cache));
  const have = (method: string, seed: number) => cache.some((p) => p.method === method && p.seed === seed);
  const digits = await loadDatasetFromDisk('digits');
  const teacher = await loadTeacherFiles('digits', async (rel) => new Uint8Array(await readFile(path.join(REPO_ROOT, 'public', rel))));
  const archs = truthSample();
  const d = defaultDnaSettings('digits');
  for (const seed of seeds) {
    if (!have('dna (score)', seed)) {
      const rating = await rateBlocks({ dataset: digits, teacher, seed });
      const best = rating.blocks.map((b) => Math.min(...b.candidates.map((c) => c.mseOverVar)).toFixed(3)).join(' / ');
      const note = `${d.students.stepsPerBlock} steps per block × 3, batch ${d.students.batchSize}; best path MSE/var per block ${best}`;
      for (const metric of ['score', 'mse', 'mseOverVar'] as const) {
        cache.push({ method: `dna (${metric})`, seed, scores: archs.map((a) => -blockScoreOf(a, rating.blocks, metric)), seconds: rating.seconds, note });
      }
      save();
      console.log(`dna seed ${seed}: ${rating.seconds.toFixed(0)} s; ${note}`);
    }
    for (const steps of [DEFAULT_ONE_SHOT.steps, 3 * DEFAULT_ONE_SHOT.steps]) {
      const method = `one-shot ${steps} steps`;
      if (have(method, seed)) continue;
      const r = await oneShotRanking(archs, space, digits, seed, { ...DEFAULT_ONE_SHOT, steps });
      cache.push({ method, seed, scores: r.scores, seconds: r.seconds, note: `${steps} steps, batch ${DEFAULT_ONE_SHOT.batchSize}, SGD lr ${DEFAULT_ONE_SHOT.lr}; accuracy on ${DEFAULT_ONE_SHOT.evalBatch} validation images` });
      save();
      console.log(`${method} seed ${seed}: ${r.seconds.toFixed(0)} s`);
    }
  }
  return cache.filter((p) => seeds.includes(p.seed));
}

describe.skipIf(MODE !== 'tau' && MODE !== 'scores')('DNA vs one-shot ranking against the ground truth (DNA_RANKING=scores | tau)', () => {
  it('scores the sample (scores), and measures Kendall τ of both against the truth (tau)', { timeout: 24 * 3600_000 }, async () => {
    await cpu();
    installFastDepthwiseKernels();
    mkdirSync(path.dirname(PREDS), { recursive: true });
    const seeds = (process.env.DNA_SEEDS ?? '1,2,3').split(',').map(Number);
    const preds = await predictions(seeds);
    if (MODE === 'scores') return;
    const truth = readTruthCsv(readFileSync(CSV, 'utf8'));
    const archs = truthSample().map(formatBlockArch);
    expect(truth.map((t) => t.arch).sort()).toEqual([...archs].sort());
    const byArch = new Map(truth.map((t) => [t.arch, t]));
    const test = archs.map((a) => byArch.get(a)!.testAcc);
    const val = archs.map((a) => byArch.get(a)!.valAcc);
    const results = preds.map((p) => ({ method: p.method, seed: p.seed, tauTest: kendallTau(p.scores, test), tauVal: kendallTau(p.scores, val), seconds: p.seconds, note: p.note }));
    const params = truthSample().map((a) => blockArchCost(a, space).params);
    const flops = truthSample().map((a) => blockArchCost(a, space).flops);
    const csv = readFileSync(CSV, 'utf8');
    const header = csv.split('\n').find((l) => l.startsWith('arch,'))!.split(',');
    const rows = csv.split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('arch,')).map((l) => l.split(','));
    const col = (name: string) => rows.map((r) => Number(r[header.indexOf(name)]));
    const extra: { method: string; tauTest: number }[] = [
      { method: 'parameter count', tauTest: kendallTau(params, test) },
      { method: 'FLOPs', tauTest: kendallTau(flops, test) },
      { method: 'val_acc vs test_acc (truth noise)', tauTest: kendallTau(val, test) },
    ];
    if (header.includes('test_acc_s0') && header.includes('test_acc_s1')) extra.push({ method: 'test_acc seed 0 vs seed 1 (truth noise)', tauTest: kendallTau(col('test_acc_s0'), col('test_acc_s1')) });
    writeFileSync(OUT, JSON.stringify({ date: new Date().toISOString(), tfjs: tf.version.tfjs, results, extra }, null, 2));
    const byMethod = new Map<string, typeof results>();
    for (const r of results) byMethod.set(r.method, [...(byMethod.get(r.method) ?? []), r]);
    for (const [m, rs] of byMethod) {
      const t = rs.map((r) => r.tauTest);
      const v = rs.map((r) => r.tauVal);
      console.log(`${m}: τ vs test ${mean(t).toFixed(3)} ± ${std(t).toFixed(3)} (${t.map((x) => x.toFixed(3)).join(', ')}); τ vs val ${mean(v).toFixed(3)} ± ${std(v).toFixed(3)}; ${mean(rs.map((r) => r.seconds)).toFixed(0)} s per seed`);
    }
    for (const e of extra) console.log(`${e.method}: τ ${e.tauTest.toFixed(3)}`);
    expect(results.length).toBeGreaterThan(0);
  });
});
