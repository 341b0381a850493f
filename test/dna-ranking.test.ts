/**
 * The ranking study behind docs/dna.md — not part of the unit tests (skipped unless asked):
 *
 *   DNA_RANKING=truth npx vitest run test/dna-ranking.test.ts   trains the ground truth, writes public/benchmarks/blocks-digits.csv
 *   DNA_RANKING=tau   npx vitest run test/dna-ranking.test.ts   DNA vs one-shot Kendall τ against it, writes runs/dna-ranking.json
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
import { loadDatasetFromDisk, REPO_ROOT } from '../src/cli/nodeIo';
import type { StandaloneSettings } from '../src/engine/core/config';
import { kendallTau, mean, std } from '../src/engine/core/metrics';
import { Rng } from '../src/engine/core/rng';
import { DeviceData, recipeText } from '../src/engine/evaluate/standalone';
import { retrainBlockArch } from '../src/engine/methods/dna/final';
import { oneShotRanking, DEFAULT_ONE_SHOT } from '../src/engine/methods/dna/oneShot';
import { blockScoreOf, rateBlocks } from '../src/engine/methods/dna/ranking';
import { defaultDnaSettings } from '../src/engine/methods/dna/settings';
import { loadTeacherFiles } from '../src/engine/methods/dna/teacher';
import { installFastDepthwiseKernels } from '../src/engine/nn/cpuKernelsDepthwise';
import { type BlockArch, blockArchCost, blockArchFromString, defaultBlockSpace, formatBlockArch, sampleBlockArch } from '../src/engine/spaces/blocks';
import { cpu } from './helpers';

const MODE = process.env.DNA_RANKING ?? '';
const TRUTH_COUNT = 40;
const TRUTH_SEEDS = [0, 1];
const SAMPLE_SEED = 2020;
const RECIPE: StandaloneSettings = { epochs: 5, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 };
const CSV = path.join(REPO_ROOT, 'public', 'benchmarks', 'blocks-digits.csv');
const LOG = path.join(REPO_ROOT, 'runs', 'dna-truth.jsonl');
const OUT = path.join(REPO_ROOT, 'runs', 'dna-ranking.json');
const space = defaultBlockSpace('digits');

/** The sample: distinct architectures, uniform over the default space, from a fixed seed. */
function truthSample(): BlockArch[] {
  const rng = new Rng(SAMPLE_SEED).fork('dna/truth/sample');
  const seen = new Set<string>();
  const out: BlockArch[] = [];
  while (out.length < TRUTH_COUNT) {
    const a = sampleBlockArch(space, rng);
    if (seen.has(formatBlockArch(a))) continue;
    seen.add(formatBlockArch(a));
    out.push(a);
  }
  return out;
}

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
  const lines = [
    '# title: Digits · DNA/Cream block space (3 blocks × 2 layers × MBConv k{3,5} × e{3,6}): 40 sampled architectures',
    '# space: blocks (src/engine/spaces/blocks.ts, defaultBlockSpace("digits")): stem 3×3 conv 8 → blocks of widths 8/16/24, strides 1/2/2, 2 layers each → GAP → linear; 4096 architectures',
    `# sample: ${TRUTH_COUNT} distinct architectures, uniform, new Rng(${SAMPLE_SEED}).fork('dna/truth/sample')`,
    `# recipe: ${recipeText(RECIPE)}`,
    `# seeds: ${TRUTH_SEEDS.join(', ')} (each training draws from new Rng(seed).fork('truth/' + arch))`,
    '# dataset: digits 8×8 (UCI / scikit-learn), split seed 20201: train 1078 / val 359 / test 360, standardised with train statistics',
    `# software: tfjs ${tf.version.tfjs} (${tf.getBackend()} backend, the project's fast CPU kernels), Node ${process.version}`,
    `# machine: ${os.cpus()[0]?.model.trim() ?? 'unknown'} × ${os.cpus().length}`,
    `# date: ${new Date().toISOString().slice(0, 10)}`,
    '# command: DNA_RANKING=truth npx vitest run test/dna-ranking.test.ts',
    '# columns: val_acc / test_acc = accuracy % (mean over seeds); *_std = sample std over seeds; *_s<k> = seed k; train_loss = mean of the last 10 steps; params = trainable parameters; flops = conv + linear multiply-accumulates per image (blockArchCost)',
    'arch,val_acc,test_acc,val_acc_std,test_acc_std,val_acc_s0,val_acc_s1,test_acc_s0,test_acc_s1,train_loss,params,flops',
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

describe.skipIf(MODE !== 'truth')('ground truth for the block space (DNA_RANKING=truth)', () => {
  it('trains the sample standalone and writes public/benchmarks/blocks-digits.csv', { timeout: 24 * 3600_000 }, async () => {
    await cpu();
    installFastDepthwiseKernels();
    const digits = await loadDatasetFromDisk('digits');
    const data = new DeviceData(digits);
    const archs = truthSample();
    mkdirSync(path.dirname(LOG), { recursive: true });
    const rows = readLog();
    const ctx = { emit: () => {}, checkpoint: async () => {} };
    let k = 0;
    for (const seed of TRUTH_SEEDS) {
      for (const a of archs) {
        k++;
        const arch = formatBlockArch(a);
        if (rows.some((r) => r.arch === arch && r.seed === seed)) continue;
        const t0 = Date.now();
        const r = await retrainBlockArch(ctx, space, a, data, RECIPE, new Rng(seed).fork(`truth/${arch}`), 'final', false);
        const row: TruthRow = { arch, seed, valAcc: r.valAcc, testAcc: r.testAcc!, trainLoss: r.trainLoss, seconds: (Date.now() - t0) / 1000, recipe: JSON.stringify(RECIPE) };
        rows.push(row);
        appendFileSync(LOG, `${JSON.stringify(row)}\n`);
        console.log(`[${k}/${archs.length * TRUTH_SEEDS.length}] ${arch} seed ${seed}: val ${r.valAcc.toFixed(2)} test ${r.testAcc!.toFixed(2)} (${row.seconds.toFixed(0)} s)`);
      }
    }
    data.dispose();
    writeCsv(rows, archs);
    expect(readTruthCsv(readFileSync(CSV, 'utf8'))).toHaveLength(TRUTH_COUNT);
  });
});

describe.skipIf(MODE !== 'tau')('DNA vs one-shot ranking against the ground truth (DNA_RANKING=tau)', () => {
  it('measures Kendall τ of both on the same architectures', { timeout: 24 * 3600_000 }, async () => {
    await cpu();
    installFastDepthwiseKernels();
    const digits = await loadDatasetFromDisk('digits');
    const teacher = await loadTeacherFiles('digits', async (rel) => new Uint8Array(await readFile(path.join(REPO_ROOT, 'public', rel))));
    const truth = readTruthCsv(readFileSync(CSV, 'utf8'));
    const archs = truth.map((t) => blockArchFromString(t.arch, space));
    const test = truth.map((t) => t.testAcc);
    const val = truth.map((t) => t.valAcc);
    const seeds = (process.env.DNA_SEEDS ?? '1,2,3').split(',').map(Number);
    const results: Record<string, unknown>[] = [];
    const dnaSettings = defaultDnaSettings('digits');
    for (const seed of seeds) {
      const rating = await rateBlocks({ dataset: digits, teacher, seed });
      for (const metric of ['score', 'mse', 'mseOverVar'] as const) {
        const pred = archs.map((a) => -blockScoreOf(a, rating.blocks, metric));
        results.push({ method: `dna (${metric})`, seed, tauTest: kendallTau(pred, test), tauVal: kendallTau(pred, val), seconds: rating.seconds, steps: `${dnaSettings.students.stepsPerBlock} per block × 3, batch ${dnaSettings.students.batchSize}` });
      }
      console.log(JSON.stringify(results.at(-3)));
      for (const steps of [DEFAULT_ONE_SHOT.steps, 3 * DEFAULT_ONE_SHOT.steps]) {
        const os1 = await oneShotRanking(archs, space, digits, seed, { ...DEFAULT_ONE_SHOT, steps });
        results.push({ method: `one-shot ${steps} steps`, seed, tauTest: kendallTau(os1.scores, test), tauVal: kendallTau(os1.scores, val), seconds: os1.seconds, steps: `${steps}, batch ${DEFAULT_ONE_SHOT.batchSize}` });
        console.log(JSON.stringify(results.at(-1)));
      }
    }
    // Cost alone as a predictor: the baseline any ranking should beat.
    const params = archs.map((a) => blockArchCost(a, space).params);
    results.push({ method: 'parameter count', seed: null, tauTest: kendallTau(params, test), tauVal: kendallTau(params, val) });
    results.push({ method: 'val vs test (ground-truth noise)', seed: null, tauTest: kendallTau(val, test), tauVal: 1 });
    mkdirSync(path.dirname(OUT), { recursive: true });
    writeFileSync(OUT, JSON.stringify({ date: new Date().toISOString(), tfjs: tf.version.tfjs, results }, null, 2));
    const byMethod = new Map<string, number[]>();
    for (const r of results) byMethod.set(r.method as string, [...(byMethod.get(r.method as string) ?? []), r.tauTest as number]);
    for (const [m, taus] of byMethod) console.log(`${m}: τ(test) = ${mean(taus).toFixed(3)} ± ${std(taus).toFixed(3)} over ${taus.length} seed(s): ${taus.map((t) => t.toFixed(3)).join(', ')}`);
    expect(results.length).toBeGreaterThan(0);
  });
});
