import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/engine/core/config';
import { kendallTau, mean, std, topKOverlap } from '../src/engine/core/metrics';
import { Rng } from '../src/engine/core/rng';
import type { Dataset } from '../src/engine/data/datasets';
import { DeviceData } from '../src/engine/evaluate/standalone';
import { retrainArch } from '../src/engine/methods/cream/final';
import { creamRankingScores } from '../src/engine/methods/cream/ranking';
import { creamSpace } from '../src/engine/methods/cream/run';
import { defaultCreamSettings } from '../src/engine/methods/cream/settings';
import { installFastDepthwiseKernels } from '../src/engine/nn/cpuKernelsDepthwise';
import { blockArchCost, blockArchFromString, formatBlockArch, sampleBlockArch } from '../src/engine/spaces/blocks';
import { loadDatasetFromDisk, REPO_ROOT } from '../src/cli/nodeIo';
import { cpu } from './helpers';

/**
 * How well Cream's supernet ranks block-space architectures: Kendall τ between supernet path
 * accuracy and standalone accuracy, with and without distillation. Hours of CPU, so skipped
 * unless asked for:
 *
 *   CREAM_RANKING=1 npx vitest run test/creamRanking.test.ts
 *
 * Ground truth: public/benchmarks/blocks-digits.csv when it exists (columns arch and test_acc);
 * otherwise this file's own sample of CREAM_TRUTH_COUNT (default 24) distinct architectures of
 * Cream's default space, each trained standalone with the final-retrain recipe (DEFAULT_CONFIG.final)
 * and cached in runs/ (git-ignored), so a rerun trains only what is missing. Supernet seeds:
 * CREAM_SEEDS (default "1"). Results go to runs/cream-ranking.json and the console.
 */
const ENABLED = !!process.env.CREAM_RANKING;
const SEEDS = (process.env.CREAM_SEEDS ?? '1').split(',').map(Number);
const COUNT = Number(process.env.CREAM_TRUTH_COUNT ?? 24);
const TRUTH_CSV = path.join(REPO_ROOT, 'public', 'benchmarks', 'blocks-digits.csv');
const CACHE_DIR = path.join(REPO_ROOT, 'runs');
const CACHE = path.join(CACHE_DIR, 'cream-truth-digits.json');
const OUT = path.join(CACHE_DIR, 'cream-ranking.json');
const TRUTH_SEED = 0;
const HOUR = 3_600_000;

interface TruthRow {
  arch: string;
  flops: number;
  valAcc: number;
  testAcc: number;
}

let digits: Dataset;

function sampleArchs(): string[] {
  const space = creamSpace({ dataset: 'digits' }, defaultCreamSettings('digits'));
  const rng = new Rng(2020).fork('cream/truth-sample');
  const out = new Set<string>();
  while (out.size < COUNT) out.add(formatBlockArch(sampleBlockArch(space, rng)));
  return [...out];
}

function readCsvTruth(): TruthRow[] | null {
  if (!existsSync(TRUTH_CSV)) return null;
  const [head, ...lines] = readFileSync(TRUTH_CSV, 'utf8').trim().split(/\r?\n/);
  const cols = head.split(',');
  const ia = cols.indexOf('arch');
  const it = cols.indexOf('test_acc');
  const iv = cols.indexOf('val_acc');
  if (ia < 0 || it < 0) return null;
  // Block arch strings contain commas: the CSV quotes them.
  return lines.map((l) => {
    const cells = l.match(/("[^"]*"|[^,]+)/g)!.map((c) => c.replace(/^"|"$/g, ''));
    const arch = cells[ia];
    return { arch, flops: NaN, valAcc: iv >= 0 ? Number(cells[iv]) : NaN, testAcc: Number(cells[it]) };
  });
}

async function ownTruth(): Promise<TruthRow[]> {
  const cached: Record<string, TruthRow> = existsSync(CACHE) ? JSON.parse(readFileSync(CACHE, 'utf8')) : {};
  const space = creamSpace({ dataset: 'digits' }, defaultCreamSettings('digits'));
  const data = new DeviceData(digits);
  const recipe = DEFAULT_CONFIG.final;
  try {
    for (const arch of sampleArchs()) {
      if (cached[arch]) continue;
      const t0 = performance.now();
      const a = blockArchFromString(arch, space);
      const r = await retrainArch({ emit: () => {}, checkpoint: async () => {} }, space, a, data, recipe, new Rng(TRUTH_SEED).fork(`truth/${arch}`), 'final', false);
      cached[arch] = { arch, flops: blockArchCost(a, space).flops, valAcc: r.valAcc, testAcc: r.testAcc! };
      mkdirSync(CACHE_DIR, { recursive: true });
      writeFileSync(CACHE, JSON.stringify(cached, null, 1));
      console.log(`truth ${Object.keys(cached).length}/${COUNT}: ${arch} test ${r.testAcc!.toFixed(2)}% val ${r.valAcc.toFixed(2)}% (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
  } finally {
    data.dispose();
  }
  return sampleArchs().map((a) => cached[a]);
}

describe.skipIf(!ENABLED)('Cream supernet ranking against standalone training (digits)', () => {
  beforeAll(async () => {
    await cpu();
    installFastDepthwiseKernels();
    digits = await loadDatasetFromDisk('digits');
  });

  it(
    'measures Kendall τ with and without distillation',
    async () => {
      const csv = readCsvTruth();
      const truth = csv ?? (await ownTruth());
      const source = csv ? 'public/benchmarks/blocks-digits.csv' : `own sample of ${truth.length} archs, standalone ${DEFAULT_CONFIG.final.epochs} epochs (seed ${TRUTH_SEED})`;
      if (process.env.CREAM_RANKING === 'truth') return;
      const archs = truth.map((t) => t.arch);
      const y = truth.map((t) => t.testAcc);
      const results: Record<string, { seed: number; tau: number; top5: number; trainSeconds: number; note: string; scores: number[] }[]> = { on: [], off: [] };
      for (const seed of SEEDS) {
        for (const distill of [true, false]) {
          const out = await creamRankingScores(archs, digits, seed, distill);
          const tau = kendallTau(out.scores, y);
          results[distill ? 'on' : 'off'].push({ seed, tau, top5: topKOverlap(out.scores, y, 5), trainSeconds: out.trainSeconds, note: out.note, scores: out.scores });
          console.log(`seed ${seed}, distillation ${distill ? 'on' : 'off'}: τ = ${tau.toFixed(3)} (${out.trainSeconds.toFixed(0)} s)`);
        }
      }
      const line = (k: 'on' | 'off') => `${mean(results[k].map((r) => r.tau)).toFixed(3)} ± ${std(results[k].map((r) => r.tau)).toFixed(3)}`;
      console.log(`truth: ${source}\nτ with distillation ${line('on')}, without ${line('off')} (seeds ${SEEDS.join(', ')})`);
      mkdirSync(CACHE_DIR, { recursive: true });
      writeFileSync(OUT, JSON.stringify({ source, seeds: SEEDS, truth, results }, null, 1));
      expect(results.on.length).toBe(SEEDS.length);
    },
    12 * HOUR,
  );
});
