/**
 * The ranking study behind docs/dna.md — not part of the unit tests (skipped unless asked):
 *
 *   DNA_RANKING=truth npm run bench:dna-ranking   trains the ground truth, writes public/benchmarks/blocks-<dataset>.csv
 *   DNA_RANKING=noise npm run bench:dna-ranking   the truth's seed-to-seed τ so far, from its log
 *
 * DNA_TRUTH=digits (default) | fashion | fashion-rf picks the truth (scripts/lib/blockTruth.ts): its sample of
 * distinct architectures, each trained from scratch with its recipe and seeds. Every finished
 * training is appended to its log in runs/, so a stopped build resumes; DNA_TRUTH_SHARD=i/n splits
 * the build across processes. The evaluators' τ on a truth is the bench's (`npm run bench --
 * --only blocks`), with bootstrap intervals.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { StandaloneSettings } from '../../src/engine/core/config';
import { kendallTauBootstrap, mean, std } from '../../src/engine/core/metrics';
import { Rng } from '../../src/engine/core/rng';
import { DeviceData, recipeText } from '../../src/engine/nn/trainer';
import { retrainBlockArch } from '../../src/engine/methods/dna/final';
import { installFastDepthwiseKernels } from '../../src/engine/nn/cpuKernelsDepthwise';
import { type BlockArch, blockArchCost, blockSpaceSize, formatBlockArch } from '../../src/engine/spaces/blocks';
import { datasetInfo } from '../../src/engine/data/datasets';
import { cpu } from '../../test/helpers';
import { blockOpsText, blockTruthCommand, blockTruthCsvPath, blockTruthFromEnv, blockTruthLogPath, blockTruthSample, blockTruthSpace, FASHION_FULL_DIR, loadBlockTruthData } from '../lib/blockTruth';

const MODE = process.env.DNA_RANKING ?? '';
/** Which truth (scripts/lib/blockTruth.ts): DNA_TRUTH=digits (default), fashion or fashion-rf. */
const TRUTH = blockTruthFromEnv();
const TRUTH_COUNT = TRUTH.count;
const TRUTH_SEEDS = process.env.DNA_TRUTH_SEEDS ? process.env.DNA_TRUTH_SEEDS.split(',').map(Number) : TRUTH.seeds;
const SAMPLE_SEED = TRUTH.sampleSeed;
const RECIPE: StandaloneSettings = TRUTH.recipe;
const CSV = blockTruthCsvPath(TRUTH);
const LOG = blockTruthLogPath(TRUTH);
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
  /** 'pilot': taken over from the pilot's log (DNA_RANKING=pilot at the truth's recipe). */
  from?: 'pilot';
}

const PILOT_LOG = LOG.replace(/\.jsonl$/, '-pilot.jsonl');
interface PilotRow {
  arch: string;
  seed: number;
  epochs: number;
  testImages: number;
  valAcc: number;
  testAcc: number;
  trainLoss: number;
  params: number;
  seconds: number;
  /** The whole recipe; rows from before it was logged carry the truth's recipe at their epochs. */
  recipe?: string;
}
function readPilot(): (PilotRow & { recipe: string })[] {
  if (!existsSync(PILOT_LOG)) return [];
  return readFileSync(PILOT_LOG, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as PilotRow)
    .map((r) => ({ ...r, recipe: r.recipe ?? JSON.stringify({ ...RECIPE, epochs: r.epochs }) }));
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
    : TRUTH.fullTest
      ? `${info.title}: train 8000 / val 2000 (the shipped subset's own split), test the official 10,000 test images (${FASHION_FULL_DIR}), standardised with train statistics`
      : `${info.title}: train 8000 / val 2000 / test 2000 (the shipped subset's own split), standardised with train statistics`;
  const opsText = blockOpsText(TRUTH.ops);
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
    `# command: ${blockTruthCommand(TRUTH)}`,
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

describe.skipIf(MODE !== 'truth')('ground truth for the block space (DNA_RANKING=truth, DNA_TRUTH=digits | fashion | fashion-rf)', () => {
  it('trains the sample standalone and writes its CSV in public/benchmarks/', { timeout: 24 * 3600_000 }, async () => {
    await cpu();
    installFastDepthwiseKernels();
    const data = new DeviceData(await loadBlockTruthData(TRUTH));
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
        // A pilot training at the truth's recipe is this very training (same code, data, seed
        // stream; CPU runs repeat bit for bit), so the build takes it over instead of repeating it.
        const piloted = readPilot().find((r) => r.arch === arch && r.seed === seed && r.recipe === JSON.stringify(RECIPE));
        if (piloted) {
          const row: TruthRow = { arch, seed, valAcc: piloted.valAcc, testAcc: piloted.testAcc, trainLoss: piloted.trainLoss, seconds: piloted.seconds, recipe: piloted.recipe, from: 'pilot' };
          appendFileSync(LOG, `${JSON.stringify(row)}\n`);
          continue;
        }
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

/**
 * Before hours go into a truth's design (DNA_RANKING=pilot): do its architectures differ by more
 * than a training seed moves them? The sample's DNA_PILOT_ARCHS (default 2) smallest and as many
 * largest architectures by parameters, seeds 0 and 1, trained with the truth's recipe at each of
 * DNA_PILOT_EPOCHS (default "6,15") epochs, measured on the truth's test set; appended to
 * runs/<log>-pilot.jsonl (resumable, DNA_TRUTH_SHARD splits it). The 6-epoch Fashion design's
 * 2,000-image test put 8 architectures within 84.6–86.2 % with a seed moving one by ±0.42 points.
 */
describe.skipIf(MODE !== 'pilot')('a truth design, piloted on its extremes (DNA_RANKING=pilot)', () => {
  it('trains the smallest and largest architectures at each epoch count and prints the gaps', { timeout: 24 * 3600_000 }, async () => {
    await cpu();
    installFastDepthwiseKernels();
    const n = Number(process.env.DNA_PILOT_ARCHS ?? 2);
    const epochsList = (process.env.DNA_PILOT_EPOCHS ?? '6,15').split(',').map(Number);
    // DNA_PILOT_SAMPLE=k: the sample's first k architectures (uniform over the space) instead of
    // the extremes, so the pilot predicts the truth's own seed-to-seed τ directly.
    const k = Number(process.env.DNA_PILOT_SAMPLE ?? 0);
    const byParams = [...truthSample()].sort((a, b) => blockArchCost(a, space).params - blockArchCost(b, space).params);
    const picks = k > 0 ? truthSample().slice(0, k) : [...byParams.slice(0, n), ...byParams.slice(-n)];
    const file = PILOT_LOG;
    const read = readPilot;
    const data = new DeviceData(await loadBlockTruthData(TRUTH));
    const ctx = { emit: () => {}, checkpoint: async () => {} };
    const jobs = epochsList.flatMap((epochs) => picks.flatMap((a) => [0, 1].map((seed) => ({ a, seed, epochs }))));
    for (const [j, { a, seed, epochs }] of jobs.entries()) {
      if (j % SHARD.n !== SHARD.i) continue;
      const arch = formatBlockArch(a);
      if (read().some((r) => r.arch === arch && r.seed === seed && r.epochs === epochs)) continue;
      const t0 = Date.now();
      const recipe = { ...RECIPE, epochs };
      const r = await retrainBlockArch(ctx, space, a, data, recipe, new Rng(seed).fork(`truth/${arch}`), 'final', false);
      const row: PilotRow = { arch, seed, epochs, testImages: data.test.n, valAcc: r.valAcc, testAcc: r.testAcc!, trainLoss: r.trainLoss, params: blockArchCost(a, space).params, seconds: (Date.now() - t0) / 1000, recipe: JSON.stringify(recipe) };
      appendFileSync(file, `${JSON.stringify(row)}\n`);
      console.log(`pilot ${epochs} epochs, ${arch} (${row.params} params) seed ${seed}: test ${r.testAcc!.toFixed(2)} val ${r.valAcc.toFixed(2)} loss ${r.trainLoss.toFixed(3)} (${row.seconds.toFixed(0)} s)`);
    }
    data.dispose();
    for (const epochs of epochsList) {
      const rows = read().filter((r) => r.epochs === epochs);
      for (const a of picks) {
        const accs = rows.filter((r) => r.arch === formatBlockArch(a)).map((r) => r.testAcc.toFixed(2));
        console.log(`${epochs} epochs: ${formatBlockArch(a)} (${blockArchCost(a, space).params} params): ${accs.join(', ') || '–'}`);
      }
    }
    for (const epochs of epochsList) {
      const rows = read().filter((r) => r.epochs === epochs);
      const done = picks.map(formatBlockArch).filter((a) => [0, 1].every((sd) => rows.some((r) => r.arch === a && r.seed === sd)));
      if (done.length < 4) continue;
      const acc = (a: string, sd: number) => rows.find((r) => r.arch === a && r.seed === sd)!.testAcc;
      const r = kendallTauBootstrap([done.map((a) => acc(a, 0))], done.map((a) => acc(a, 1)), new Rng(`pilot:${epochs}`));
      console.log(`${epochs} epochs: seed 0 vs seed 1 over ${done.length} architectures: τ ${r.tau.toFixed(3)} [${r.lo.toFixed(3)}, ${r.hi.toFixed(3)}]`);
    }
    expect(picks.length).toBe(k > 0 ? k : 2 * n);
  });
});

/**
 * The truth's own noise while it is built (DNA_RANKING=noise): Kendall τ between every two seeds'
 * test accuracy over the architectures that have every seed so far, with its bootstrap interval.
 * Cheap (no training): the figure that says whether the truth's design can reach τ ≥ 0.7 before
 * hours are spent finishing it.
 */
describe.skipIf(MODE !== 'noise')('the truth against itself, from its log (DNA_RANKING=noise)', () => {
  it('prints seed-to-seed τ over the complete architectures', () => {
    const rows = readLog();
    const archs = truthSample().map(formatBlockArch).filter((a) => TRUTH_SEEDS.every((s) => rows.some((r) => r.arch === a && r.seed === s)));
    const acc = (a: string, s: number) => rows.find((r) => r.arch === a && r.seed === s)!.testAcc;
    console.log(`${TRUTH.id}: ${archs.length} of ${TRUTH_COUNT} architectures have seeds ${TRUTH_SEEDS.join(', ')}`);
    if (archs.length < 4) return;
    const f = (v: number) => v.toFixed(3);
    for (const [i, a] of TRUTH_SEEDS.entries()) {
      for (const b of TRUTH_SEEDS.slice(i + 1)) {
        const r = kendallTauBootstrap([archs.map((x) => acc(x, a))], archs.map((x) => acc(x, b)), new Rng(`noise:${a}:${b}`));
        console.log(`test_acc seed ${a} vs seed ${b}: τ ${f(r.tau)} [${f(r.lo)}, ${f(r.hi)}]`);
      }
    }
    // One seed against the mean of the others: how far averaging seeds steadies the truth.
    if (TRUTH_SEEDS.length > 2) {
      for (const a of TRUTH_SEEDS) {
        const rest = TRUTH_SEEDS.filter((s) => s !== a);
        const r = kendallTauBootstrap([archs.map((x) => acc(x, a))], archs.map((x) => mean(rest.map((s) => acc(x, s)))), new Rng(`noise:${a}:rest`));
        console.log(`test_acc seed ${a} vs the mean of seeds ${rest.join(', ')}: τ ${f(r.tau)} [${f(r.lo)}, ${f(r.hi)}]`);
      }
    }
    const test = archs.map((a) => mean(TRUTH_SEEDS.map((s) => acc(a, s))));
    const spread = archs.map((a) => std(TRUTH_SEEDS.map((s) => acc(a, s))));
    console.log(`test accuracy ${f(Math.min(...test))}–${f(Math.max(...test))} % (mean over seeds); seed std per architecture ${f(mean(spread))} on average`);
    expect(archs.length).toBeGreaterThan(0);
  });
});
