import { z } from '../../../engine/core/schema';
import { benchFileHeader, checkBenchFile, useBenchFile } from './benchFile';

/**
 * public/benchmarks/ranking-over-training.json, written by `npm run bench -- --only
 * ranking-curve`: how well a weight-sharing supernet ranks each truth table's cells after 100,
 * 300, 1,000, 3,000 training steps (the NB-201 cell supernet for the shipped NB-201 tables, the
 * block one-shot supernet for the block-space truth) — Kendall τ against the table's truth column with its
 * bootstrap 95 % interval (over the cells and the supernet's seeds), beside the table's own
 * seed-to-seed τ, the ceiling no evaluator can be expected to pass. The page draws it beside a
 * supernet-scored search (RankingCurvePanel); the bench checks its own output against the same
 * schema before writing it.
 */
const interval = z.object({ tau: z.number().min(-1).max(1), lo: z.number().min(-1).max(1), hi: z.number().min(-1).max(1) }).refine((t) => t.lo <= t.tau + 1e-9 && t.tau <= t.hi + 1e-9, { message: 'must hold lo ≤ tau ≤ hi' });

const point = z
  .object({
    steps: z.number().int().positive(),
    tau: z.number().min(-1).max(1),
    lo: z.number().min(-1).max(1),
    hi: z.number().min(-1).max(1),
    /** τ of each supernet seed alone, in the order of `seeds`. */
    perSeed: z.array(z.number().min(-1).max(1)).min(1).max(20),
  })
  .refine((p) => p.lo <= p.tau + 1e-9 && p.tau <= p.hi + 1e-9, { message: 'must hold lo ≤ tau ≤ hi' });

const table = z.object({
  /** The table's id in public/benchmarks/index.json. */
  id: z.string().min(1).max(200),
  title: z.string().min(1).max(300),
  /** The space the cells come from: the page shows a table beside a search of that space. */
  space: z.enum(['nb201', 'blocks']),
  /** What was trained and how it scores a cell, in one sentence. */
  evaluator: z.string().min(1).max(1000),
  cells: z.number().int().positive(),
  truth: z.string().min(1).max(100),
  /** The truth's seed-to-seed τ (first two seeds) with its interval; null for a one-seed table. */
  ceiling: interval.nullable(),
  points: z.array(point).min(1).max(50),
});

export const RankingCurveFileSchema = z
  .object({
    ...benchFileHeader,
    tables: z.array(table).max(20),
  })
  .refine((f) => f.tables.every((t) => t.points.every((p) => p.perSeed.length === f.seeds.length)), { message: 'every point must give one τ per seed' })
  .refine((f) => f.tables.every((t) => t.points.every((p, i) => i === 0 || p.steps > t.points[i - 1].steps)), { message: 'each table’s points must come in increasing steps' });

export type RankingCurveFile = z.output<typeof RankingCurveFileSchema>;
export type RankingCurveTable = RankingCurveFile['tables'][number];

const FILE = 'benchmarks/ranking-over-training.json';

export const checkRankingCurveFile = (raw: unknown): RankingCurveFile => checkBenchFile(RankingCurveFileSchema, FILE, raw);

/** The file for a panel (benchFile.ts): fetched once per page, a damaged one named in one line. */
export const useRankingCurves = (baseUrl: string) => useBenchFile(baseUrl, FILE, checkRankingCurveFile);
