/**
 * NAO against random search and regularised evolution on the NAS-Bench-201 table, at the same
 * budget, over many seeds, paired by seed — a measurement, not a unit test: it runs only when
 * NAO_COMPARE=1 (an hour or more on 2 cores; random search and evolution take milliseconds a run).
 *
 *   npm run bench:nao-compare
 *
 * Environment: NAO_SEEDS (20), NAO_BUDGET (100), NAO_METHODS ("random,evolution,nao"), NAO_SHARD ("0/1":
 * this process runs seeds with index % n == i, so several processes can share the work),
 * NAO_COMPARE_OUT (results file, JSON lines; finished runs found there are not run again),
 * NAO_SETTINGS (JSON over NAO's defaults, to measure a variant; use another NAO_COMPARE_OUT for it).
 * Searched column c10_valid_acc, reported column c10_test_acc; evolution at its defaults (NB-201's REA,
 * P = 10, S = 3).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { installFastCpuKernels } from '../../src/engine/nn/cpuKernels';
import { REPO_ROOT, useCpuBackend } from '../../src/cli/nodeIo';
import { withDefaults, type MethodId } from '../../src/engine/core/config';
import { mean, std } from '../../src/engine/core/metrics';
import { RunController } from '../../src/engine/core/runLoop';
import type { RunEvent } from '../../src/engine/core/events';
import { parseBenchmarkCsv } from '../../src/engine/evaluate/table';
import { runSearch } from '../../src/engine/run';

const TABLE_PATH = path.resolve(REPO_ROOT, '../shared/datasets/nas-bench-201/nb201_cifar10.csv');
const enabled = process.env.NAO_COMPARE === '1' && existsSync(TABLE_PATH);
const SEEDS = Number(process.env.NAO_SEEDS ?? 20);
const BUDGET = Number(process.env.NAO_BUDGET ?? 100);
const METHODS = (process.env.NAO_METHODS ?? 'random,evolution,nao').split(',') as MethodId[];
const [SHARD, SHARDS] = (process.env.NAO_SHARD ?? '0/1').split('/').map(Number);
const NAO_SETTINGS = JSON.parse(process.env.NAO_SETTINGS ?? '{}') as Record<string, unknown>;
const OUT = process.env.NAO_COMPARE_OUT ?? path.join(REPO_ROOT, 'runs', 'nao-compare.jsonl');

interface Row {
  method: string;
  seed: number;
  budget: number;
  queries: number;
  bestValid: number;
  test: number;
  fromInitialPool: boolean | null;
  seconds: number;
}

describe.skipIf(!enabled)('NAO vs random search and evolution on NAS-Bench-201 (CIFAR-10)', () => {
  it(`${METHODS.join(' vs ')} at ${BUDGET} queries over ${SEEDS} seeds`, { timeout: 24 * 3600_000 }, async () => {
    await useCpuBackend();
    installFastCpuKernels();
    const table = parseBenchmarkCsv(readFileSync(TABLE_PATH, 'utf8'), 'nb201_cifar10');
    mkdirSync(path.dirname(OUT), { recursive: true });
    const done = new Set<string>();
    const rows: Row[] = [];
    if (existsSync(OUT)) {
      for (const line of readFileSync(OUT, 'utf8').split('\n').filter(Boolean)) {
        const r = JSON.parse(line) as Row;
        if (r.budget !== BUDGET) continue;
        rows.push(r);
        done.add(`${r.method}/${r.seed}`);
      }
    }
    for (let seed = 1; seed <= SEEDS; seed++) {
      if ((seed - 1) % SHARDS !== SHARD) continue;
      for (const method of METHODS) {
        if (done.has(`${method}/${seed}`)) continue;
        const config = withDefaults({ method, evaluator: 'table', budget: BUDGET, seed, table: { source: 'custom', searchColumn: 'c10_valid_acc', reportColumn: 'c10_test_acc' }, methodSettings: { nao: NAO_SETTINGS } });
        const events: RunEvent[] = [];
        const t0 = performance.now();
        await runSearch(config, { table }, new RunController(), (e) => events.push(e));
        const end = events.at(-1);
        if (end?.type !== 'run-end' || end.status !== 'completed') throw new Error(`${method} seed ${seed}: ${JSON.stringify(end)}`);
        const final = events.find((e) => e.type === 'final') as Extract<RunEvent, { type: 'final' }>;
        const summary = events.find((e) => e.type === 'method' && e.method === 'nao' && e.kind === 'summary') as { data: { fromInitialPool: boolean } } | undefined;
        const row: Row = {
          method,
          seed,
          budget: BUDGET,
          queries: events.filter((e) => e.type === 'candidate').length,
          bestValid: final.score,
          test: final.metrics.reported,
          fromInitialPool: summary ? summary.data.fromInitialPool : null,
          seconds: Math.round((performance.now() - t0) / 100) / 10,
        };
        rows.push(row);
        appendFileSync(OUT, `${JSON.stringify(row)}\n`);
        console.log(JSON.stringify(row));
      }
    }
    for (const method of METHODS) {
      const r = rows.filter((x) => x.method === method);
      const pm = (v: number[]) => `${mean(v).toFixed(2)} ± ${std(v).toFixed(2)}`;
      const initial = r.filter((x) => x.fromInitialPool !== null);
      console.log(
        `${method}: n=${r.length} test ${pm(r.map((x) => x.test))} | best valid ${pm(r.map((x) => x.bestValid))} | queries ${pm(r.map((x) => x.queries))} | ${mean(r.map((x) => x.seconds)).toFixed(0)} s/run` +
          (initial.length ? ` | pick from initial pool ${initial.filter((x) => x.fromInitialPool).length}/${initial.length}` : ''),
      );
    }
  });
});
