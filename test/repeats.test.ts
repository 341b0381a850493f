import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RunController } from '../src/engine/core/runLoop';
import { type RepeatRun, summarizeRepeats } from '../src/engine/core/repeats';
import { bootstrapMean, formatMeanStd, formatPaired, mean, median, pairedDifference, quantile, std, stdErr, summarize } from '../src/engine/core/stats';
import type { WorkerCommand } from '../src/worker/protocol';
import { runRepeatCommand } from '../src/worker/runCommand';
import { searchOnTable } from '../scripts/lib/searchOnTable';
import { loadShippedTable, readShippedIndex } from '../scripts/lib/tables';
import { cpu } from './helpers';

beforeAll(() => cpu());

describe('summary statistics (shared by the page and the bench)', () => {
  it('mean, std (n − 1), standard error, median and type-7 quartiles', () => {
    const v = [4, 1, 3, 2];
    expect(mean(v)).toBe(2.5);
    expect(std(v)).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(stdErr(v)).toBeCloseTo(Math.sqrt(5 / 3) / 2, 12);
    expect(median(v)).toBe(2.5);
    expect(quantile(v, 0.25)).toBe(1.75);
    expect(quantile(v, 0.75)).toBe(3.25);
    expect(quantile([7], 0.25)).toBe(7);
    expect(summarize([5])).toEqual({ n: 1, mean: 5, std: 0, se: 0, median: 5, q1: 5, q3: 5 });
    expect(Number.isNaN(mean([]))).toBe(true);
    expect(formatMeanStd([1, 2, 3])).toBe('2.00 ± 1.00');
  });

  it('pairs a difference by key and ignores unpaired keys', () => {
    const a = new Map([[1, 10], [2, 12], [3, 11], [9, 100]]);
    const b = new Map([[1, 9], [2, 9], [3, 11]]);
    const d = pairedDifference(a, b); // differences 1, 3, 0
    expect(d.n).toBe(3);
    expect(d.mean).toBeCloseTo(4 / 3, 12);
    expect(d.se).toBeCloseTo(std([1, 3, 0]) / Math.sqrt(3), 12);
    expect(formatPaired(d)).toBe('+1.33 ± 0.88');
  });

  it('bootstraps a mean: a point for constant values, the resample support for two, ≈ ±1.96 plug-in SE for many', () => {
    expect(bootstrapMean([2, 2, 2])).toEqual({ mean: 2, lo: 2, hi: 2, level: 0.95 });
    // n = 2: a resample's mean is 0, ½ or 1 with chances ¼, ½, ¼, so the 95 % interval spans [0, 1].
    expect(bootstrapMean([0, 1])).toMatchObject({ mean: 0.5, lo: 0, hi: 1 });
    // 0…99: the bootstrap's spread of the mean is the plug-in σ/√n = 28.87/10, so about 49.5 ± 5.66.
    const v = Array.from({ length: 100 }, (_, i) => i);
    const b = bootstrapMean(v);
    expect(b.mean).toBe(49.5);
    expect(b.lo).toBeGreaterThan(49.5 - 5.66 - 0.4);
    expect(b.lo).toBeLessThan(49.5 - 5.66 + 0.4);
    expect(b.hi).toBeGreaterThan(49.5 + 5.66 - 0.4);
    expect(b.hi).toBeLessThan(49.5 + 5.66 + 0.4);
    // A narrower level gives a narrower interval; the same call gives the same interval.
    const half = bootstrapMean(v, { level: 0.5 });
    expect(half.hi - half.lo).toBeLessThan((b.hi - b.lo) / 2);
    expect(bootstrapMean(v)).toEqual(b);
  });

  it('bands carry a short run’s last best-so-far forward and skip the baseline’s own difference', () => {
    const runs: RepeatRun[] = [
      { method: 'random', seed: 1, bestSoFar: [1, 2, 3], reported: 3 },
      { method: 'random', seed: 2, bestSoFar: [2, 2, 2], reported: 2 },
      { method: 'nao', seed: 1, bestSoFar: [5], reported: 5 },
      { method: 'nao', seed: 2, bestSoFar: [1, 4, 4], reported: 4 },
    ];
    const [rnd, nao] = summarizeRepeats(runs);
    expect(rnd.vsBaseline).toBeNull();
    expect(rnd.band.map((b) => b.median)).toEqual([1.5, 2, 2.5]);
    expect(nao.band.map((b) => b.median)).toEqual([3, 4.5, 4.5]);
    expect(nao.vsBaseline).toMatchObject({ n: 2, mean: 2 });
  });
});

describe('repeat over seeds: the worker command gives the bench’s numbers', () => {
  const entry = readShippedIndex()!.tables.find((t) => t.id === 'digits-nb201-skip-conv3-exhaustive')!;
  const file = path.join(__dirname, '..', 'public', 'benchmarks', entry.file);
  const seeds = [1, 2, 3, 4, 5];
  const spec = { budget: 12, source: entry.id, searchColumn: entry.defaultSearchColumn, reportColumn: entry.defaultReportColumn, ops: entry.ops };
  const cmd: Extract<WorkerCommand, { type: 'repeat' }> = {
    type: 'repeat',
    runId: 1,
    spec: { ...spec, methods: ['random', 'evolution'], seeds },
    tableCsv: { name: entry.file, text: readFileSync(file, 'utf8') },
  };

  it('same seeds, same picks, same printed mean ± std and paired difference', async () => {
    const runs: RepeatRun[] = [];
    const end = await runRepeatCommand(cmd, () => new RunController(), () => false, (r) => runs.push(r));
    expect(end).toEqual({ status: 'completed' });
    expect(runs.map((r) => `${r.method}:${r.seed}`)).toEqual([...seeds.map((s) => `random:${s}`), ...seeds.map((s) => `evolution:${s}`)]);
    const page = summarizeRepeats(runs);

    const table = loadShippedTable(entry);
    const bench: Record<string, Awaited<ReturnType<typeof searchOnTable>>[]> = {};
    for (const method of ['random', 'evolution'] as const) {
      bench[method] = [];
      for (const seed of seeds) bench[method].push(await searchOnTable({ ...spec, method, table, seed }));
    }
    for (const s of page) {
      const b = bench[s.method];
      expect(runs.filter((r) => r.method === s.method).map((r) => r.reported)).toEqual(b.map((r) => r.reported));
      expect(runs.filter((r) => r.method === s.method).map((r) => r.bestSoFar)).toEqual(b.map((r) => r.bestSoFar));
      expect(s.final.mean).toBe(mean(b.map((r) => r.reported)));
      expect(formatMeanStd(runs.filter((r) => r.method === s.method).map((r) => r.reported))).toBe(formatMeanStd(b.map((r) => r.reported)));
      expect(s.band).toHaveLength(spec.budget);
      // The curve ends at the pick: random and evolution report the best candidate by the search column.
      for (const r of b) expect(r.bestSoFar.at(-1)).toBe(r.reported);
    }
    const diff = bench.evolution.map((r, i) => r.reported - bench.random[i].reported);
    const evo = page.find((s) => s.method === 'evolution')!;
    expect(evo.vsBaseline!.mean).toBeCloseTo(mean(diff), 12);
    expect(evo.vsBaseline!.se).toBeCloseTo(stdErr(diff), 12);
  });

  it('a stop ends the repeat between runs and says so', async () => {
    const runs: RepeatRun[] = [];
    const end = await runRepeatCommand(cmd, () => new RunController(), () => runs.length >= 2, (r) => runs.push(r));
    expect(end.status).toBe('stopped');
    expect(runs).toHaveLength(2);
  });

  it('a bad table is an error message, not a throw', async () => {
    const end = await runRepeatCommand({ ...cmd, tableCsv: { name: 'bad.csv', text: 'nope\n1' } }, () => new RunController(), () => false, () => undefined);
    expect(end.status).toBe('error');
    expect(end.message).toMatch(/bad\.csv/);
  });
});
