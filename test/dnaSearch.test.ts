import { describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/core/rng';
import { budgetLimit, costRange, searchProblem } from '../src/engine/methods/dna/problem';
import {
  allCombinations,
  bruteForceSearch,
  dnaTraversal,
  exactSearch,
  infeasibleMessage,
  minimumCost,
  paretoFrontier,
  type SearchProblem,
  solveBoth,
} from '../src/engine/methods/dna/search';
import { defaultDnaSettings } from '../src/engine/methods/dna/settings';
import { blockPaths, defaultBlockSpace } from '../src/engine/spaces/blocks';

/** A random multiple-choice knapsack: 1–4 blocks of 1–7 candidates, integer costs, a limit between the cheapest and dearest. */
function randomProblem(rng: Rng): SearchProblem {
  const N = 1 + rng.int(4);
  const blocks = Array.from({ length: N }, (_, b) =>
    Array.from({ length: 1 + rng.int(7) }, (_, i) => ({ key: `b${b}c${i}`, score: Math.round(rng.uniform(0, 2) * 1000) / 1000, cost: 1 + rng.int(50) })),
  );
  const fixedCost = rng.int(20);
  const min = minimumCost({ blocks, fixedCost });
  const max = blocks.reduce((s, l) => s + Math.max(...l.map((c) => c.cost)), fixedCost);
  return { blocks, fixedCost, limit: Math.round(min + rng.next() * (max - min)) };
}

describe("DNA's budgeted search", () => {
  it('the exact dynamic programme is optimal on 500 random small cases (checked by brute force), and the traversal is always feasible', () => {
    const rng = new Rng(2020);
    let disagreements = 0;
    for (let t = 0; t < 500; t++) {
      const p = randomProblem(rng);
      const truth = bruteForceSearch(p)!;
      const exact = exactSearch(p);
      expect(exact.ok).toBe(true);
      if (!exact.ok) continue;
      expect(exact.answer.score).toBeCloseTo(truth.score, 9);
      expect(exact.answer.cost).toBeLessThanOrEqual(p.limit);
      const recomputed = exact.answer.choice.reduce((s, i, b) => s + p.blocks[b][i].score, 0);
      expect(recomputed).toBeCloseTo(exact.answer.score, 9);
      expect(exact.answer.choice.reduce((s, i, b) => s + p.blocks[b][i].cost, p.fixedCost)).toBe(exact.answer.cost);
      const tr = dnaTraversal(p);
      expect(tr.outcome.ok).toBe(true);
      if (!tr.outcome.ok) continue;
      const a = tr.outcome.answer;
      expect(a.choice.reduce((s, i, b) => s + p.blocks[b][i].cost, p.fixedCost)).toBe(a.cost);
      expect(a.cost).toBeLessThanOrEqual(p.limit);
      expect(a.score).toBeGreaterThanOrEqual(truth.score - 1e-9);
      if (a.score > truth.score + 1e-9) disagreements++;
    }
    // The traversal's order rule is a heuristic: it does miss the optimum sometimes, and the page says so.
    expect(disagreements).toBeGreaterThan(0);
    expect(disagreements).toBeLessThan(250);
  });

  it('the Pareto frontier answers every budget at once', () => {
    const rng = new Rng(7);
    for (let t = 0; t < 100; t++) {
      const p = randomProblem(rng);
      const front = paretoFrontier(p);
      for (let i = 1; i < front.length; i++) {
        expect(front[i].cost).toBeGreaterThan(front[i - 1].cost);
        expect(front[i].score).toBeLessThan(front[i - 1].score);
      }
      const all = allCombinations(p)!;
      for (const limit of [minimumCost(p), p.limit, p.limit + 10]) {
        let best = Infinity;
        for (let i = 0; i < all.cost.length; i++) if (all.cost[i] <= limit) best = Math.min(best, all.score[i]);
        const on = front.filter((f) => f.cost <= limit).at(-1)!;
        expect(on.score).toBeCloseTo(best, 9);
      }
    }
  });

  it('a budget that no architecture meets gets a clear message, from both solvers', () => {
    const p: SearchProblem = {
      blocks: [
        [
          { key: 'a', score: 1, cost: 10 },
          { key: 'b', score: 0.5, cost: 30 },
        ],
        [
          { key: 'c', score: 1, cost: 5 },
          { key: 'd', score: 0.2, cost: 50 },
        ],
      ],
      fixedCost: 100,
      limit: 114,
    };
    const msg = 'no architecture meets the budget of 114 parameters: the cheapest one costs 115 parameters (stem and head 100 + the cheapest path of every block). Raise the budget to at least 115.';
    expect(infeasibleMessage(p, 'parameters')).toBe(msg);
    expect(exactSearch(p, 'parameters')).toEqual({ ok: false, message: msg });
    expect(dnaTraversal(p, 'parameters').outcome).toEqual({ ok: false, message: msg });
    expect(exactSearch({ ...p, limit: 115 })).toEqual({ ok: true, answer: { choice: [0, 0], score: 2, cost: 115 } });
    expect(solveBoth({ ...p, limit: 1000 })).toMatchObject({ agree: true, gap: 0, exact: { ok: true, answer: { choice: [1, 1] } } });
  });

  it('logs the traversal: visited leaves, branches cut by cost, and positions in score order', () => {
    const p: SearchProblem = {
      blocks: [
        [
          { key: 'cheap-bad', score: 0.9, cost: 1 },
          { key: 'dear-good', score: 0.1, cost: 10 },
        ],
        [
          { key: 'dear-good', score: 0.1, cost: 10 },
          { key: 'cheap-bad', score: 0.8, cost: 1 },
        ],
      ],
      fixedCost: 0,
      limit: 11,
    };
    const r = dnaTraversal(p);
    expect(r.sorted).toEqual([
      [1, 0],
      [0, 1],
    ]);
    // 'dear-good' then 'dear-good' (cost 20) is cut, 'dear-good' then 'cheap-bad' (11) is the best; under the order
    // rule the next prefix tries only block 2's position 0, which fits but does not beat it.
    expect(r.visits).toEqual([
      { path: [0], status: 'expanded' },
      { path: [0, 0], status: 'pruned-cost' },
      { path: [0, 1], status: 'best' },
      { path: [1], status: 'expanded' },
      { path: [1, 0], status: 'feasible' },
    ]);
    expect(r.outcome).toEqual({ ok: true, answer: { choice: [1, 1], score: 0.9, cost: 11 } });
    expect(r.leavesVisited).toBe(2);
    expect(r.prunedByCost).toBe(1);
  });

  it('builds the playground problem from the block space: costs per path, the fixed cost, the default budget', () => {
    const space = defaultBlockSpace('digits');
    const settings = defaultDnaSettings('digits');
    const scores = space.stages.map((_, b) => blockPaths(space, b).map((_, i) => i / 10));
    const p = searchProblem(space, scores, 'params', budgetLimit(space, settings));
    const { min, max } = costRange(space, 'params');
    expect(p.limit).toBe(Math.round((min + max) / 2));
    expect(minimumCost(p)).toBe(min);
    const both = solveBoth(p, 'parameters');
    expect(both.exact.ok).toBe(true);
    expect(allCombinations(p)!.cost.length).toBe(4096);
    expect(bruteForceSearch(p)!.score).toBeCloseTo(both.exact.ok ? both.exact.answer.score : NaN, 9);
  });
});
