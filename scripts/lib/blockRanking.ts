import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadDatasetFromDisk, loadTeacherFromDisk, REPO_ROOT } from '../../src/cli/nodeIo';
import type { Dataset } from '../../src/engine/data/datasets';
import { archHash } from '../../src/engine/export/architectureFile';
import { creamRankingScores } from '../../src/engine/methods/cream/ranking';
import { DEFAULT_ONE_SHOT, oneShotRanking } from '../../src/engine/methods/dna/oneShot';
import { blockScoreOf, rateBlocks } from '../../src/engine/methods/dna/ranking';
import { defaultDnaSettings } from '../../src/engine/methods/dna/settings';
import { installFastDepthwiseKernels } from '../../src/engine/nn/cpuKernelsDepthwise';
import { blockArchCost, blockArchFromString } from '../../src/engine/spaces/blocks';
import { BLOCK_TRUTHS, type BlockTruthSpec, blockTruthCsvPath, blockTruthSpace } from './blockTruth';

/**
 * Ranking quality on the block space (DNA, Cream): each evaluator scores every architecture of a
 * block-space ground truth (public/benchmarks/blocks-<dataset>.csv, scripts/lib/blockTruth.ts) on
 * that truth's dataset and space; bench.ts turns the scores into Kendall τ and top-k overlap.
 * Training an evaluator takes minutes, so its scores are cached in runs/bench-blocks-cache.json
 * under (truth, evaluator, seed, the exact list of architectures); --fresh ignores the cache.
 */
const CACHE = path.join(REPO_ROOT, 'runs', 'bench-blocks-cache.json');

export interface BlockTruth {
  archs: string[];
  columns: Record<string, number[]>;
  provenance: string[];
}

export function readBlockTruth(t: BlockTruthSpec = BLOCK_TRUTHS.digits): BlockTruth | null {
  const file = blockTruthCsvPath(t);
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter(Boolean);
  const provenance = lines.filter((l) => l.startsWith('#')).map((l) => l.slice(1).trim());
  const [head, ...rows] = lines.filter((l) => !l.startsWith('#'));
  const cols = head.split(',');
  const cells = rows.map((r) => r.split(','));
  const columns: Record<string, number[]> = {};
  for (const [i, c] of cols.entries()) if (c !== 'arch') columns[c] = cells.map((r) => Number(r[i]));
  return { archs: cells.map((r) => r[cols.indexOf('arch')]), columns, provenance };
}

export interface BlockScores {
  scores: number[];
  seconds: number;
  note: string;
}

export interface BlockRanker {
  id: string;
  title: string;
  score(archs: string[], dataset: Dataset, seed: number): Promise<BlockScores>;
}

/** DNA's block ratings, read two ways (its normalised score, and plain MSE); one rating per truth and seed serves both. */
const dnaRatings = new Map<string, Promise<Awaited<ReturnType<typeof rateBlocks>>>>();
async function dnaRating(t: BlockTruthSpec, dataset: Dataset, seed: number) {
  const key = `${t.id}/${seed}`;
  if (!dnaRatings.has(key)) dnaRatings.set(key, loadTeacherFromDisk(t.dataset).then((teacher) => rateBlocks({ dataset, teacher, seed, settings: { ops: [...t.ops] } })));
  return dnaRatings.get(key)!;
}
function dnaRanker(t: BlockTruthSpec, metric: 'score' | 'mse', title: string): BlockRanker {
  const space = blockTruthSpace(t);
  return {
    id: `dna-${metric}`,
    title,
    async score(archs, dataset, seed) {
      const r = await dnaRating(t, dataset, seed);
      const st = defaultDnaSettings(t.dataset).students;
      return {
        scores: archs.map((a) => -blockScoreOf(blockArchFromString(a, space), r.blocks, metric)),
        seconds: r.seconds,
        note: `default DNA settings (pretrained teacher, ${st.stepsPerBlock} steps per block, batch ${st.batchSize}); every path rated on held-out data after BN recalibration; summed ${metric === 'score' ? 'normalised score' : 'plain MSE'} over blocks, lower ranks higher`,
      };
    },
  };
}

/** Every block-space evaluator, each on the truth's dataset and space (its ops, skip included where the truth has it). */
export function blockRankers(t: BlockTruthSpec): BlockRanker[] {
  const space = blockTruthSpace(t);
  const ops = { ops: [...t.ops] };
  return [
    dnaRanker(t, 'score', 'DNA block-wise distillation: summed block scores'),
    dnaRanker(t, 'mse', 'DNA block-wise distillation: summed plain MSE'),
    {
      id: 'one-shot',
      title: 'Plain weight-sharing supernet on the block space (uniform single path, no teacher)',
      async score(archs, dataset, seed) {
        const r = await oneShotRanking(archs.map((a) => blockArchFromString(a, space)), space, dataset, seed, DEFAULT_ONE_SHOT);
        const s = DEFAULT_ONE_SHOT;
        return { scores: r.scores, seconds: r.seconds, note: `${s.steps} steps, batch ${s.batchSize}, SGD lr ${s.lr}; accuracy with the shared weights on ${s.evalBatch} validation images` };
      },
    },
    {
      id: 'cream-distill',
      title: 'Cream supernet, distillation on (prioritized paths teach)',
      async score(archs, dataset, seed) {
        const r = await creamRankingScores(archs, dataset, seed, true, ops);
        return { scores: r.scores, seconds: r.trainSeconds, note: r.note };
      },
    },
    {
      id: 'cream-plain',
      title: 'Cream supernet, distillation off (SPOS-like)',
      async score(archs, dataset, seed) {
        const r = await creamRankingScores(archs, dataset, seed, false, ops);
        return { scores: r.scores, seconds: r.trainSeconds, note: r.note };
      },
    },
  ];
}

/** Scores from the cache when the same truth, evaluator, seed and architecture list were measured before. */
export async function blockScores(t: BlockTruthSpec, r: BlockRanker, archs: string[], seed: number, fresh: boolean): Promise<BlockScores & { cached: boolean }> {
  // The digits truth's entries predate the truth in the key; they keep their old key.
  const key = `${t.id === 'blocks-digits' ? '' : `${t.id}/`}${r.id}/s${seed}/${archs.length}-${archHash(archs.join(' '))}`;
  const cache: Record<string, BlockScores> = existsSync(CACHE) ? JSON.parse(readFileSync(CACHE, 'utf8')) : {};
  if (!fresh && cache[key]) return { ...cache[key], cached: true };
  installFastDepthwiseKernels();
  const out = await r.score(archs, await loadDatasetFromDisk(t.dataset), seed);
  // Read again: another process may have added its own entries while this one trained.
  const now: Record<string, BlockScores> = existsSync(CACHE) ? JSON.parse(readFileSync(CACHE, 'utf8')) : {};
  now[key] = out;
  mkdirSync(path.dirname(CACHE), { recursive: true });
  writeFileSync(CACHE, JSON.stringify(now));
  return { ...out, cached: false };
}

export const blockCosts = (t: BlockTruthSpec, archs: string[]) => {
  const space = blockTruthSpace(t);
  return archs.map((a) => blockArchCost(blockArchFromString(a, space), space));
};
