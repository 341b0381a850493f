import { type BlockSpace, blockPaths, fixedCost, pathCost, pathKey } from '../../spaces/blocks';
import type { BudgetMetric } from './events';
import type { SearchProblem } from './search';
import type { DnaSettings } from './settings';

/** The knapsack DNA solves: each block's paths (blockPaths order) with their scores and costs in the metric. */
export function searchProblem(space: BlockSpace, scores: readonly (readonly number[])[], metric: BudgetMetric, limit: number): SearchProblem {
  return {
    blocks: space.stages.map((_, b) =>
      blockPaths(space, b).map((ops, i) => ({ key: pathKey(ops), score: scores[b][i], cost: pathCost(space, b, ops)[metric] })),
    ),
    fixedCost: fixedCost(space)[metric],
    limit,
  };
}

/** Cheapest and dearest architecture of the space in a metric. */
export function costRange(space: BlockSpace, metric: BudgetMetric): { min: number; max: number } {
  let min = fixedCost(space)[metric];
  let max = min;
  space.stages.forEach((_, b) => {
    const costs = blockPaths(space, b).map((ops) => pathCost(space, b, ops)[metric]);
    min += Math.min(...costs);
    max += Math.max(...costs);
  });
  return { min, max };
}

/** The run's budget: the given limit, or `fraction` of the way from the cheapest to the dearest architecture. */
export function budgetLimit(space: BlockSpace, settings: Pick<DnaSettings, 'search'>): number {
  const { limit, fraction, metric } = settings.search;
  if (limit !== null) return limit;
  const { min, max } = costRange(space, metric);
  return Math.round(min + fraction * (max - min));
}
