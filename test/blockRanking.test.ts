import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/cli/nodeIo';
import { type BlockRankingFile, checkBlockRankingFile, claimVerdict } from '../src/app/panels/benchmark/blockRanking';
import { readBlockTruth } from '../scripts/lib/blockRanking';
import { BLOCK_TRUTHS } from '../scripts/lib/blockTruth';

/**
 * The shipped block-ranking file (npm run bench -- --only blocks): it fits the schema the page
 * reads it with, covers every built block truth with every evaluator over three seeds and both
 * methods' claims, and the schema refuses a verdict its interval does not support.
 */
const FILE = path.join(REPO_ROOT, 'public', 'benchmarks', 'block-ranking.json');
const raw = () => JSON.parse(readFileSync(FILE, 'utf8')) as BlockRankingFile;

describe('block-space ranking and the methods’ claims', () => {
  it('a claim holds when its interval lies above 0, is reversed below, and is not told apart across it', () => {
    expect(claimVerdict(0.01, 0.3)).toBe('holds');
    expect(claimVerdict(-0.3, -0.01)).toBe('reversed');
    expect(claimVerdict(-0.1, 0.2)).toBe('not told apart');
    expect(claimVerdict(0, 0.2)).toBe('not told apart');
  });

  it('the shipped file fits the schema: every built truth, five evaluators over three seeds, both claims, every seed pair of the truth', () => {
    const f = checkBlockRankingFile(raw());
    const built = Object.values(BLOCK_TRUTHS).filter((t) => readBlockTruth(t) !== null);
    expect(f.truths.map((t) => t.id).sort()).toEqual(built.map((t) => t.id).sort());
    expect(f.seeds).toHaveLength(3);
    for (const t of f.truths) {
      const truth = readBlockTruth(built.find((b) => b.id === t.id))!;
      expect(t.archs).toBe(truth.archs.length);
      expect(t.evaluators.map((e) => e.id)).toEqual(['dna-score', 'dna-mse', 'one-shot', 'cream-distill', 'cream-plain']);
      expect(t.claims.map((c) => c.method)).toEqual(['dna', 'cream']);
      const seeds = Object.keys(truth.columns).filter((c) => /^test_acc_s\d+$/.test(c)).length;
      expect(t.ceiling).toHaveLength((seeds * (seeds - 1)) / 2);
      for (const e of t.evaluators) expect(e.tau).toBeCloseTo(e.perSeed.reduce((a, b) => a + b, 0) / e.perSeed.length, 9);
      // A claim's difference is the difference of its two evaluators' τ.
      for (const c of t.claims) expect(c.diff).toBeCloseTo(t.evaluators.find((e) => e.id === c.better)!.tau - t.evaluators.find((e) => e.id === c.than)!.tau, 9);
    }
  });

  it('refuses a verdict its interval does not support, a claim on an evaluator it lacks, or a missing seed — naming where', () => {
    const good = raw();
    const t0 = good.truths[0];
    const c0 = t0.claims[0];
    const bad = (truth: unknown) => () => checkBlockRankingFile({ ...good, truths: [truth] });
    const wrong = c0.verdict === 'holds' ? 'reversed' : 'holds';
    expect(bad({ ...t0, claims: [{ ...c0, verdict: wrong }] })).toThrow(/truths\[0\]\.claims\[0\].*verdict must follow the interval/);
    expect(bad({ ...t0, claims: [{ ...c0, than: 'nobody' }] })).toThrow(/compare two of the truth’s evaluators/);
    expect(bad({ ...t0, evaluators: [{ ...t0.evaluators[0], perSeed: [0.1] }, ...t0.evaluators.slice(1)] })).toThrow(/one τ per seed/);
    expect(bad({ ...t0, claims: [{ ...c0, lo: c0.diff + 0.1, hi: 2 }] })).toThrow(/lo ≤ diff ≤ hi/);
    expect(() => checkBlockRankingFile({ ...good, schema: 2 })).toThrow(/schema/);
  });
});
