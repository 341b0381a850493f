import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/cli/nodeIo';
import { checkBenchmarkIndex } from '../src/app/panels/benchmark/benchmarkIndex';
import { checkRankingCurveFile, type RankingCurveFile } from '../src/app/panels/benchmark/rankingCurve';
import { readBlockTruth } from '../scripts/lib/blockRanking';
import { BLOCK_TRUTHS } from '../scripts/lib/blockTruth';

/**
 * The shipped "ranking quality over training" file (npm run bench -- --only ranking-curve): it
 * fits the schema the page reads it with, covers the stages and seeds for every shipped
 * table, and the schema refuses what would draw a wrong picture.
 */
const FILE = path.join(REPO_ROOT, 'public', 'benchmarks', 'ranking-over-training.json');
const raw = () => JSON.parse(readFileSync(FILE, 'utf8')) as RankingCurveFile;

describe('ranking quality over training', () => {
  it('the shipped file fits the schema: every shipped NB-201 table and every built block truth to 3,000 steps, three supernet seeds', () => {
    const f = checkRankingCurveFile(raw());
    const index = checkBenchmarkIndex(JSON.parse(readFileSync(path.join(REPO_ROOT, 'public', 'benchmarks', 'index.json'), 'utf8')));
    const nb = f.tables.filter((t) => t.space === 'nb201');
    expect(nb.map((t) => t.id).sort()).toEqual(index.tables.map((t) => t.id).sort());
    const blocks = f.tables.filter((t) => t.space === 'blocks');
    const built = Object.values(BLOCK_TRUTHS).flatMap((t) => {
      const truth = readBlockTruth(t);
      return truth ? [[t.id, truth.archs.length] as const] : [];
    });
    expect(blocks.map((t) => [t.id, t.cells]).sort()).toEqual(built.map(([id, n]) => [id, n]).sort());
    expect(f.seeds.length).toBeGreaterThanOrEqual(3);
    expect(f.command).toBe('npm run bench -- --only ranking-curve');
    for (const t of [...nb, ...blocks]) expect(t.points.map((p) => p.steps)).toEqual([100, 300, 1000, 3000]);
    for (const t of nb) {
      expect(t.cells).toBe(index.tables.find((e) => e.id === t.id)!.rows);
    }
    for (const t of f.tables) {
      // τ is the mean of the seeds' τ, and each interval holds it.
      for (const p of t.points) expect(p.tau).toBeCloseTo(p.perSeed.reduce((a, b) => a + b, 0) / p.perSeed.length, 9);
      expect(t.ceiling).not.toBeNull();
    }
  });

  it('refuses a file whose interval misses its τ, whose steps go back, or which lacks a seed’s τ — naming where', () => {
    const good = raw();
    const t0 = good.tables[0];
    const bad = (tables: unknown) => () => checkRankingCurveFile({ ...good, tables });
    expect(bad([{ ...t0, points: [{ ...t0.points[0], lo: t0.points[0].tau + 0.1, hi: 1 }] }])).toThrow(/tables\[0\]\.points\[0\].*lo ≤ tau ≤ hi/);
    expect(bad([{ ...t0, points: [t0.points[1], t0.points[0]] }])).toThrow(/increasing steps/);
    expect(bad([{ ...t0, points: [{ ...t0.points[0], perSeed: [0.1] }] }])).toThrow(/one τ per seed/);
    expect(bad([{ ...t0, points: [{ ...t0.points[0], tau: 1.5 }] }])).toThrow(/tables\[0\]\.points\[0\]\.tau/);
    expect(() => checkRankingCurveFile({ ...good, schema: 2 })).toThrow(/schema/);
  });
});
