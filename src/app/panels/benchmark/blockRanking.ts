import { z } from '../../../engine/core/schema';
import { benchFileHeader, checkBenchFile, useBenchFile } from './benchFile';

/**
 * public/benchmarks/block-ranking.json, written by `npm run bench -- --only blocks`: how well each
 * block-space evaluator (DNA's block ratings, a plain one-shot supernet, Cream's supernet with and
 * without distillation, and the cost proxies) ranks a block-space truth's architectures trained
 * from scratch — Kendall τ with its bootstrap 95 % interval over the architectures and the
 * evaluator's seeds, beside the truth's own seed-to-seed τ (the ceiling) — and whether each
 * method's central claim holds there: the paired difference in τ with its interval. The page shows
 * it beside a DNA or Cream run (BlockRankingPanel); the bench checks its own output against this
 * schema before writing it.
 */
const bounded = z.number().min(-1).max(1);
const interval = z
  .object({ tau: bounded, lo: bounded, hi: bounded })
  .refine((t) => t.lo <= t.tau + 1e-9 && t.tau <= t.hi + 1e-9, { message: 'must hold lo ≤ tau ≤ hi' });

const evaluator = z
  .object({
    id: z.string().min(1).max(100),
    title: z.string().min(1).max(300),
    /** How it was trained and how it scores, in one sentence. */
    note: z.string().max(1000),
    tau: bounded,
    lo: bounded,
    hi: bounded,
    /** τ of each seed alone, in the order of the file's `seeds`. */
    perSeed: z.array(bounded).min(1).max(20),
    /** Training seconds per seed on the bench's machine. */
    seconds: z.number().nonnegative(),
  })
  .refine((t) => t.lo <= t.tau + 1e-9 && t.tau <= t.hi + 1e-9, { message: 'must hold lo ≤ tau ≤ hi' });

export const CLAIM_VERDICTS = ['holds', 'reversed', 'not told apart'] as const;

const claim = z
  .object({
    /** The method whose claim it is: the page shows it beside that method's run. */
    method: z.enum(['dna', 'cream']),
    /** The claim in words, e.g. "DNA's block ratings rank better than a plain weight-sharing supernet". */
    text: z.string().min(1).max(300),
    /** Evaluator ids: τ(better) − τ(than) is the difference measured. */
    better: z.string().min(1).max(100),
    than: z.string().min(1).max(100),
    diff: z.number().min(-2).max(2),
    lo: z.number().min(-2).max(2),
    hi: z.number().min(-2).max(2),
    /** holds: the interval lies above 0; reversed: below 0; not told apart: it holds 0. */
    verdict: z.enum(CLAIM_VERDICTS),
  })
  .refine((c) => c.lo <= c.diff + 1e-9 && c.diff <= c.hi + 1e-9, { message: 'must hold lo ≤ diff ≤ hi' })
  .refine((c) => c.verdict === claimVerdict(c.lo, c.hi), { message: 'verdict must follow the interval (holds above 0, reversed below, else not told apart)' });

const truth = z
  .object({
    /** The truth's id: public/benchmarks/<id>.csv. */
    id: z.string().min(1).max(100),
    title: z.string().min(1).max(300),
    archs: z.number().int().positive(),
    /** Lowest and highest test accuracy (%, mean over the truth's seeds). */
    testRange: z.tuple([z.number(), z.number()]),
    /** The recipe, seeds, date and command the truth was built with. */
    provenance: z.string().max(2000),
    /** Every pair of the truth's own seeds: τ of one's test accuracy against the other's. */
    ceiling: z.array(interval.and(z.object({ seeds: z.tuple([z.number().int(), z.number().int()]) }))).max(20),
    evaluators: z.array(evaluator).min(1).max(20),
    /** Cost proxies (parameters, FLOPs): no training, one value each. */
    proxies: z.array(interval.and(z.object({ id: z.string().min(1).max(100), title: z.string().min(1).max(300) }))).max(10),
    claims: z.array(claim).max(10),
  })
  .refine((t) => t.claims.every((c) => [c.better, c.than].every((id) => t.evaluators.some((e) => e.id === id))), { message: 'a claim must compare two of the truth’s evaluators' });

export const BlockRankingFileSchema = z
  .object({
    ...benchFileHeader,
    truths: z.array(truth).max(10),
  })
  .refine((f) => f.truths.every((t) => t.evaluators.every((e) => e.perSeed.length === f.seeds.length)), { message: 'every evaluator must give one τ per seed' });

export type BlockRankingFile = z.output<typeof BlockRankingFileSchema>;
export type BlockRankingTruth = BlockRankingFile['truths'][number];
export type BlockRankingClaim = BlockRankingTruth['claims'][number];

/** A claim "a ranks better than b" holds at this scale when the interval of τ(a) − τ(b) lies above 0. */
export function claimVerdict(lo: number, hi: number): (typeof CLAIM_VERDICTS)[number] {
  return lo > 0 ? 'holds' : hi < 0 ? 'reversed' : 'not told apart';
}

const FILE = 'benchmarks/block-ranking.json';

export const checkBlockRankingFile = (raw: unknown): BlockRankingFile => checkBenchFile(BlockRankingFileSchema, FILE, raw);

/** The file for a panel (benchFile.ts): fetched once per page, a damaged one named in one line. */
export const useBlockRanking = (baseUrl: string) => useBenchFile(baseUrl, FILE, checkBlockRankingFile);
