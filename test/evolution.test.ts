import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type MethodId } from '../src/engine/core/config';
import type { RunEvent } from '../src/engine/core/events';
import { mean } from '../src/engine/core/metrics';
import { type BenchmarkTable, tableOptimum } from '../src/engine/evaluate/table';
import { findMethod } from '../src/engine/methods/registry';
import type { EvolutionMutationData, EvolutionPopulationData } from '../src/engine/methods/evolution';
import { cellFromString, NB201_EDGES, NB201_OPS, type Nb201Op } from '../src/engine/spaces/nb201';
import { searchOnTable, type TableSearchSpec } from '../scripts/lib/searchOnTable';
import { loadNb201Table, loadShippedTable, readShippedIndex } from '../scripts/lib/tables';
import { cpu, untimed, payloadProblems } from './helpers';

beforeAll(() => cpu());

const methodEvents = (events: RunEvent[], kind: string) =>
  events.filter((e): e is Extract<RunEvent, { type: 'method' }> => e.type === 'method' && e.method === 'evolution' && e.kind === kind);

/** Best search score among the first P queries (the initial population) and among all queries. */
function initialVsFinal(queries: { score: number }[], p: number) {
  return { initial: Math.max(...queries.slice(0, p).map((q) => q.score)), final: Math.max(...queries.map((q) => q.score)) };
}

async function seeds(spec: Omit<TableSearchSpec, 'seed'>, n: number) {
  const out = [];
  for (let seed = 1; seed <= n; seed++) out.push(await searchOnTable({ ...spec, seed }));
  return out;
}

describe('regularised evolution: registry and settings', () => {
  it('is registered beside random search', () => {
    expect(findMethod('evolution')?.space).toBe('nb201');
  });
});

describe('regularised evolution on the shipped exhaustive ground truth', () => {
  const entry = readShippedIndex()?.tables.find((t) => t.kind === 'exhaustive');
  let truth: BenchmarkTable;
  let ops: Nb201Op[];
  beforeAll(() => {
    if (!entry) throw new Error('public/benchmarks/index.json lists no exhaustive table: run `npm run truth:build`');
    truth = loadShippedTable(entry);
    ops = entry.ops;
  });

  // A table with known structure built from the ground truth: the search sees the mean test
  // accuracy itself, so "better" is unambiguous and the optimum is the table's best row.
  const known = (): BenchmarkTable => ({
    name: 'truth-test-as-search',
    columns: ['score', 'test'],
    provenance: [],
    rows: new Map([...truth.rows].map(([arch, rec]) => [arch, { score: rec.test_acc, test: rec.test_acc }])),
  });

  it('improves on its initial population and ends near the optimum', async () => {
    const table = known();
    const runs = await seeds({ method: 'evolution', table, source: 'custom', searchColumn: 'score', reportColumn: 'test', ops, budget: 40 }, 20);
    const gains = runs.map((r) => initialVsFinal(r.queries, 10));
    expect(gains.every((g) => g.final >= g.initial)).toBe(true);
    // On 64 cells a population of 10 sometimes starts with the optimum already (14 of 20 seeds
    // improved strictly when measured), so a strict gain is asked of most seeds, not all.
    expect(gains.filter((g) => g.final > g.initial).length).toBeGreaterThanOrEqual(12);
    expect(mean(gains.map((g) => g.final - g.initial))).toBeGreaterThan(0);
    // Every proposal stays inside the table's op subset (the lookup would throw otherwise).
    for (const r of runs) for (const q of r.queries) expect(cellFromString(q.arch).ops.every((o) => ops.includes(o))).toBe(true);
    const optimum = tableOptimum(table, 'test').value;
    expect(mean(runs.map((r) => optimum - r.reported))).toBeLessThan(mean(gains.map((g) => optimum - g.initial)));
  });

  it('searches the shipped table as the page does (val_acc searched, test_acc reported)', async () => {
    const runs = await seeds({ method: 'evolution', table: truth, source: entry!.id, searchColumn: 'val_acc', reportColumn: 'test_acc', ops, budget: 50 }, 10);
    for (const r of runs) {
      expect(r.queries).toHaveLength(50);
      expect(r.regret).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('regularised evolution on NAS-Bench-201 (CIFAR-10)', () => {
  const nb = loadNb201Table();
  const run = nb.table ? it : it.skip;
  if (!nb.table) console.warn(`skipping the NAS-Bench-201 checks: ${nb.reason}`);
  const spec = (method: MethodId) => ({
    method,
    table: nb.table!,
    source: 'custom',
    searchColumn: 'c10_valid_acc',
    reportColumn: 'c10_test_acc',
    ops: [...NB201_OPS],
    budget: 100,
  });

  run('improves on its initial population and beats random search at the same budget and seeds', async () => {
    const evo = await seeds(spec('evolution'), 20);
    const rnd = await seeds(spec('random'), 20);
    const gains = evo.map((r) => initialVsFinal(r.queries, 10));
    // The population of 10 random cells is improved upon by ~1.5 validation points on average.
    expect(mean(gains.map((g) => g.final - g.initial))).toBeGreaterThan(1);
    expect(gains.filter((g) => g.final > g.initial).length).toBeGreaterThanOrEqual(18);
    // NAS-Bench-201's own finding (REA above RS on CIFAR-10), on fixed seeds so it cannot flake.
    expect(mean(evo.map((r) => r.reported))).toBeGreaterThan(mean(rnd.map((r) => r.reported)));
  });
});

describe('regularised evolution: events, reproducibility, settings', () => {
  const nb = loadNb201Table();
  // Runs on NB-201 where present, else on the shipped exhaustive table.
  const pick = () => {
    if (nb.table) return { table: nb.table, searchColumn: 'c10_valid_acc', reportColumn: 'c10_test_acc', ops: [...NB201_OPS] as Nb201Op[], source: 'custom' };
    const entry = readShippedIndex()!.tables.find((t) => t.kind === 'exhaustive')!;
    return { table: loadShippedTable(entry), searchColumn: 'val_acc', reportColumn: 'test_acc', ops: entry.ops, source: entry.id };
  };

  it('is reproducible by seed and differs across seeds', async () => {
    const base = { ...pick(), method: 'evolution' as const, budget: 40 };
    const a = await searchOnTable({ ...base, seed: 7 });
    const b = await searchOnTable({ ...base, seed: 7 });
    const c = await searchOnTable({ ...base, seed: 8 });
    expect(untimed(a.events)).toEqual(untimed(b.events));
    expect(a.queries.map((q) => q.arch)).not.toEqual(c.queries.map((q) => q.arch));
  });

  it('emits the population, the tournament and the mutated edge, and removes the oldest', async () => {
    const P = 6;
    const r = await searchOnTable({ ...pick(), method: 'evolution', budget: 30, seed: 3, methodSettings: { evolution: { populationSize: P, sampleSize: 2 } } });
    const config = methodEvents(r.events, 'config');
    expect(config).toHaveLength(1);
    expect(config[0].data).toMatchObject({ populationSize: P, sampleSize: 2, budget: 30 });
    const mutations = methodEvents(r.events, 'mutation').map((e) => e.data as EvolutionMutationData);
    const pops = methodEvents(r.events, 'population').map((e) => e.data as EvolutionPopulationData);
    // As an imported file or saved run carries them, every method event passes its payload schema.
    const payloads = payloadProblems(r.events);
    expect(payloads.problems).toEqual([]);
    expect(payloads.checked).toBeGreaterThan(0);
    expect(mutations).toHaveLength(30 - P);
    expect(pops).toHaveLength(30);
    let previous: number[] = [];
    pops.forEach((p, i) => {
      expect(p.added).toBe(i);
      if (i < P) {
        expect(p.removed).toBeNull();
        expect(p.population).toEqual([...previous, i]);
      } else {
        expect(p.removed).toBe(previous[0]); // the oldest, whatever its score
        expect(p.population).toEqual([...previous.slice(1), i]);
        const m = mutations[i - P];
        expect(m.cycle).toBe(p.cycle);
        expect(m.sample).toHaveLength(2);
        expect(m.sample.every((s) => previous.includes(s))).toBe(true);
        expect(m.sample).toContain(m.parentIndex);
        expect(p.parentIndex).toBe(m.parentIndex);
        // The parent is the tournament's best by search score.
        const score = (k: number) => r.queries[k].score;
        expect(score(m.parentIndex)).toBe(Math.max(...m.sample.map(score)));
        // Parent and child differ on exactly the reported edge.
        const parent = cellFromString(m.parentArch).ops;
        const child = cellFromString(m.childArch).ops;
        expect(r.queries[i].arch).toBe(m.childArch);
        expect(parent.filter((o, e) => o !== child[e])).toHaveLength(1);
        expect(parent[m.edge]).toBe(m.fromOp);
        expect(child[m.edge]).toBe(m.toOp);
        expect([m.from, m.to]).toEqual([...NB201_EDGES[m.edge]]);
      }
      previous = p.population;
    });
    // The final pick is the best of the whole history, not of the last population.
    const best = Math.max(...r.queries.map((q) => q.score));
    const final = r.events.find((e) => e.type === 'final')!;
    expect(final.type === 'final' && final.score).toBe(best);
  });

  it('stops after the initial population when the budget is smaller than P', async () => {
    const r = await searchOnTable({ ...pick(), method: 'evolution', budget: 4, seed: 1 });
    expect(r.queries).toHaveLength(4);
    expect(methodEvents(r.events, 'mutation')).toHaveLength(0);
  });

  it('refuses invalid settings with a message naming them', async () => {
    await expect(searchOnTable({ ...pick(), method: 'evolution', budget: 10, seed: 1, methodSettings: { evolution: { populationSize: 1, sampleSize: 0 } } })).rejects.toThrow(
      /population size must be an integer ≥ 2.*sample size must be an integer ≥ 1/,
    );
  });
});

describe('the evolution view', () => {
  it('draws a real run: lifelines, the latest tournament and its mutated edge on the cell graph', async () => {
    const { renderToString } = await import('react-dom/server');
    const { createElement } = await import('react');
    const { EvolutionView } = await import('../src/app/panels/evolution/EvolutionView');
    const { foldEvolution, mutationView } = await import('../src/app/panels/evolution/evolutionState');
    const nb = loadNb201Table();
    const base = nb.table
      ? { table: nb.table, searchColumn: 'c10_valid_acc', reportColumn: 'c10_test_acc', ops: [...NB201_OPS] as Nb201Op[], source: 'custom' }
      : (() => {
          const entry = readShippedIndex()!.tables.find((t) => t.kind === 'exhaustive')!;
          return { table: loadShippedTable(entry), searchColumn: 'val_acc', reportColumn: 'test_acc', ops: entry.ops, source: entry.id };
        })();
    const r = await searchOnTable({ ...base, method: 'evolution', budget: 30, seed: 5 });
    const methodOnly = r.events.filter((e) => e.type === 'method');
    const model = foldEvolution(methodOnly);
    expect(model.members).toHaveLength(30);
    expect(model.population).toHaveLength(10);
    expect(model.members.filter((m) => m.retiredAt === null)).toHaveLength(10);
    expect(model.best?.score).toBe(Math.max(...r.queries.map((q) => q.score)));
    const last = mutationView(model, model.mutations.length)!;
    expect(last.child?.index).toBe(29);
    expect(last.removed?.index).toBe(19);

    const html = renderToString(createElement(EvolutionView, { events: methodOnly }));
    expect(html).toContain('data-testid="evolution-view"');
    expect(html).toContain(`data-edge="${last.mutation.edge}"`);
    expect(html).toContain(`data-parent="${last.mutation.parentIndex}"`);
    expect(html).toContain(`data-arch="${last.mutation.childArch}"`);
    // The highlight selects the edge by position: CellGraph's k-th <path class="edge"> is edge k,
    // keyed on data-edge in the stylesheet (an inline <style> would break the page's CSP).
    const css = readFileSync(path.resolve(__dirname, '..', 'src', 'app', 'panels', 'evolution', 'evolution.css'), 'utf8');
    expect(css).toContain(`.evo-mutation[data-edge='${last.mutation.edge}'] .cell-graph svg > path.edge:nth-of-type(${last.mutation.edge + 1})`);
    expect(html).not.toContain('<style');
    const child = html.slice(html.indexOf('data-testid="evolution-child-cell"'));
    const titles = [...child.matchAll(/<path class="edge[^"]*"[^>]*><title>(\d) → (\d)/g)].slice(0, 6).map((m) => [Number(m[1]), Number(m[2])]);
    expect(titles).toEqual(NB201_EDGES.map(([a, b]) => [a, b]));
  });
});
