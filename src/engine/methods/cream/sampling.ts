import type { Rng } from '../../core/rng';
import { type BlockArch, type BlockOp, type BlockSpace, layerOps } from '../../spaces/blocks';
import type { PathSampling } from './settings';

/** One categorical draw from unnormalised weights. */
export function drawWeighted<T>(items: readonly T[], weights: readonly number[], rng: Rng): T {
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return rng.choice(items);
  let u = rng.next() * total;
  for (let i = 0; i < items.length; i++) {
    u -= weights[i];
    if (u < 0) return items[i];
  }
  return items[items.length - 1];
}

/** How often each op appears at each layer among the given paths: counts[block][layer][op]. */
export function opCounts(space: BlockSpace, archs: readonly BlockArch[]): Record<string, number>[][] {
  const counts = space.stages.map((st) => Array.from({ length: st.layers }, () => ({}) as Record<string, number>));
  for (const a of archs) a.blocks.forEach((ops, b) => ops.forEach((op, l) => (counts[b][l][op] = (counts[b][l][op] ?? 0) + 1)));
  return counts;
}

/**
 * Draws the path a step trains. 'uniform': each layer's op uniformly among those it allows.
 * 'prior': from fixed op weights (the original's PRE_PROB). 'board': from how often each op
 * appears at that layer among the board's paths, plus one (the original's 'teacher' option
 * counts ops over all layers together; per layer keeps the depth-wise pattern).
 */
export function samplePath(space: BlockSpace, rng: Rng, mode: PathSampling, prior: Partial<Record<BlockOp, number>>, board: readonly BlockArch[]): BlockArch {
  const counts = mode === 'board' && board.length > 0 ? opCounts(space, board) : null;
  return {
    blocks: space.stages.map((st, b) =>
      Array.from({ length: st.layers }, (_, l) => {
        const ops = layerOps(space, b, l);
        if (mode === 'prior') return drawWeighted(ops, ops.map((o) => prior[o] ?? 0), rng);
        if (counts) return drawWeighted(ops, ops.map((o) => (counts[b][l][o] ?? 0) + 1), rng);
        return rng.choice(ops);
      }),
    ),
  };
}
