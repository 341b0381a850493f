/**
 * DNA's architecture search, pure TypeScript (the page re-runs it as the budget slider moves):
 * choose one candidate path per block so that the summed block scores are smallest while the
 * whole network's cost (stem + head + the chosen paths) stays within a budget. It is a
 * multiple-choice knapsack; two solvers sit side by side:
 *
 *  - `exactSearch`: a dynamic programme over the blocks whose state is the partial cost — kept as
 *    the Pareto frontier of (cost, summed score), so no discretisation is needed and the answer
 *    is optimal for every budget at once;
 *  - `dnaTraversal`: the original's depth-first walk over the per-block lists sorted by score,
 *    with its two pruning rules (searching/process_potential.py in changlin31/DNA): a branch is
 *    cut when its cost already exceeds what the remaining blocks' cheapest paths leave, and once a
 *    feasible leaf is found at list position j, later leaves are searched only above j (cascading
 *    up when j = 0). The second rule is a heuristic: it can miss the optimum, which is why the
 *    page shows whether the two agree.
 */

export interface SearchCandidate {
  /** The path's key (ops joined by "-"). */
  key: string;
  /** Lower is better (DNA: the normalised distance to the teacher's feature). */
  score: number;
  /** Cost in the budget's unit (parameters or FLOPs). */
  cost: number;
}

export interface SearchProblem {
  /** One list per block, in any order. */
  blocks: SearchCandidate[][];
  /** Cost every architecture pays (stem and head). */
  fixedCost: number;
  /** Total cost allowed (fixed cost included). */
  limit: number;
}

export interface SearchAnswer {
  /** Index into each block's list (as given, not sorted). */
  choice: number[];
  score: number;
  cost: number;
}

export type SearchOutcome = { ok: true; answer: SearchAnswer } | { ok: false; message: string };

/** The cheapest architecture's cost: below it no architecture meets the budget. */
export function minimumCost(p: Pick<SearchProblem, 'blocks' | 'fixedCost'>): number {
  return p.fixedCost + p.blocks.reduce((s, list) => s + Math.min(...list.map((c) => c.cost)), 0);
}

export function maximumCost(p: Pick<SearchProblem, 'blocks' | 'fixedCost'>): number {
  return p.fixedCost + p.blocks.reduce((s, list) => s + Math.max(...list.map((c) => c.cost)), 0);
}

/** The message shown when no architecture meets the budget, or null when one does. */
export function infeasibleMessage(p: SearchProblem, unit = 'cost'): string | null {
  if (p.blocks.some((l) => l.length === 0)) return 'a block has no candidate paths';
  const min = minimumCost(p);
  if (min <= p.limit) return null;
  return `no architecture meets the budget of ${fmt(p.limit)} ${unit}: the cheapest one costs ${fmt(min)} ${unit} (stem and head ${fmt(p.fixedCost)} + the cheapest path of every block). Raise the budget to at least ${fmt(min)}.`;
}

const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(1));

export interface FrontierPoint {
  cost: number;
  score: number;
  choice: number[];
}

/**
 * The Pareto frontier of whole architectures: every (cost, summed score) that no other
 * architecture beats on both, cheapest first (so scores strictly fall along it). Built block by
 * block — the dynamic programme — keeping only non-dominated partial sums. Ties on score keep the
 * cheaper one, then the lexicographically smaller choice, so the answer is deterministic.
 */
export function paretoFrontier(p: Pick<SearchProblem, 'blocks' | 'fixedCost'>): FrontierPoint[] {
  let front: FrontierPoint[] = [{ cost: p.fixedCost, score: 0, choice: [] }];
  for (const list of p.blocks) {
    const next: FrontierPoint[] = [];
    for (const f of front) list.forEach((c, i) => next.push({ cost: f.cost + c.cost, score: f.score + c.score, choice: [...f.choice, i] }));
    next.sort((a, b) => a.cost - b.cost || a.score - b.score || lexCompare(a.choice, b.choice));
    front = [];
    for (const q of next) if (front.length === 0 || q.score < front[front.length - 1].score) front.push(q);
  }
  return front;
}

function lexCompare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** The best frontier point within a limit (the frontier is sorted by cost, scores falling). */
export function bestOnFrontier(front: readonly FrontierPoint[], limit: number): FrontierPoint | null {
  let best: FrontierPoint | null = null;
  for (const f of front) {
    if (f.cost > limit) break;
    best = f;
  }
  return best;
}

/** The exact optimum under the budget (dynamic programme over the Pareto frontier). */
export function exactSearch(p: SearchProblem, unit?: string): SearchOutcome {
  const why = infeasibleMessage(p, unit);
  if (why) return { ok: false, message: why };
  const best = bestOnFrontier(paretoFrontier(p), p.limit)!;
  return { ok: true, answer: { choice: best.choice, score: best.score, cost: best.cost } };
}

/** Every architecture, scored — for tests (brute force) and the page's scatter of all combinations. */
export function allCombinations(p: Pick<SearchProblem, 'blocks' | 'fixedCost'>, max = 200_000): { cost: Float64Array; score: Float64Array } | null {
  const n = p.blocks.reduce((k, l) => k * l.length, 1);
  if (n > max) return null;
  const cost = new Float64Array(n);
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let rest = i;
    let c = p.fixedCost;
    let s = 0;
    for (let b = p.blocks.length - 1; b >= 0; b--) {
      const list = p.blocks[b];
      const cand = list[rest % list.length];
      rest = Math.floor(rest / list.length);
      c += cand.cost;
      s += cand.score;
    }
    cost[i] = c;
    score[i] = s;
  }
  return { cost, score };
}

/** Exhaustive search: the reference the tests hold the dynamic programme to. */
export function bruteForceSearch(p: SearchProblem): SearchAnswer | null {
  const all = allCombinations(p, Number.MAX_SAFE_INTEGER)!;
  let best = -1;
  for (let i = 0; i < all.cost.length; i++) {
    if (all.cost[i] > p.limit) continue;
    if (best < 0 || all.score[i] < all.score[best]) best = i;
  }
  if (best < 0) return null;
  const choice: number[] = new Array(p.blocks.length);
  let rest = best;
  for (let b = p.blocks.length - 1; b >= 0; b--) {
    choice[b] = rest % p.blocks[b].length;
    rest = Math.floor(rest / p.blocks[b].length);
  }
  return { choice, score: all.score[best], cost: all.cost[best] };
}

/** What happened at one node of the traversal (a prefix of sorted positions, one per block so far). */
export type VisitStatus =
  /** an inner node whose subtree was entered */
  | 'expanded'
  /** cut: its cost leaves too little for the cheapest paths of the remaining blocks */
  | 'pruned-cost'
  /** a feasible leaf: it became the best so far */
  | 'best'
  /** a feasible leaf that did not beat the best so far */
  | 'feasible';

export interface Visit {
  /** Positions in each block's score-sorted list, one per level reached. */
  path: number[];
  status: VisitStatus;
}

export interface TraversalResult {
  outcome: SearchOutcome;
  /** Every node the walk touched, in order. Nodes never reached were cut by the order rule. */
  visits: Visit[];
  /** Each block's list order: sorted[b][position] = index in the block's given list. */
  sorted: number[][];
  /** Leaves in the space, and how many the walk evaluated. */
  leaves: number;
  leavesVisited: number;
  prunedByCost: number;
}

/**
 * The original DNA traversal, generalised from its five nested loops to any number of blocks.
 * `maxVisits` bounds the log kept for drawing (the walk itself always finishes).
 */
export function dnaTraversal(p: SearchProblem, unit?: string, maxVisits = 100_000): TraversalResult {
  const N = p.blocks.length;
  const sorted = p.blocks.map((list) => list.map((_, i) => i).sort((a, b) => list[a].score - list[b].score || list[a].cost - list[b].cost || a - b));
  const leaves = p.blocks.reduce((k, l) => k * l.length, 1);
  const visits: Visit[] = [];
  const why = infeasibleMessage(p, unit);
  if (why) return { outcome: { ok: false, message: why }, visits, sorted, leaves, leavesVisited: 0, prunedByCost: 0 };
  // Cost cap after block b: the budget less the cheapest paths of the blocks still to choose.
  const minCost = p.blocks.map((l) => Math.min(...l.map((c) => c.cost)));
  const cap = p.blocks.map((_, b) => p.limit - p.fixedCost - minCost.slice(b + 1).reduce((s, c) => s + c, 0));
  const lens = p.blocks.map((l) => l.length);
  const limit = [...lens];
  const at = new Array<number>(N).fill(0);
  let best: { pos: number[]; score: number; cost: number } | null = null;
  let leavesVisited = 0;
  let prunedByCost = 0;
  const log = (path: number[], status: VisitStatus) => {
    if (visits.length < maxVisits) visits.push({ path, status });
  };

  const walk = (level: number, cost: number, score: number) => {
    const list = p.blocks[level];
    for (let i = 0; i < lens[level]; i++) {
      // The order rule: positions at or beyond the level's limit are not searched.
      if (level > 0 && i >= limit[level]) {
        if (limit[level] === 0) {
          limit[level - 1] = at[level - 1];
          limit[level] = lens[level];
        }
        break;
      }
      at[level] = i;
      const cand = list[sorted[level][i]];
      const c = cost + cand.cost;
      const s = score + cand.score;
      const path = at.slice(0, level + 1);
      if (c > cap[level]) {
        prunedByCost++;
        log(path, 'pruned-cost');
        continue;
      }
      if (level < N - 1) {
        log(path, 'expanded');
        walk(level + 1, c, s);
        continue;
      }
      leavesVisited++;
      const improves = best === null || s < best.score;
      if (improves) best = { pos: [...at], score: s, cost: p.fixedCost + c };
      log(path, improves ? 'best' : 'feasible');
      // The first feasible leaf in sorted order is the best this prefix can do; later prefixes
      // (worse in an earlier block) are searched only above it.
      limit[level] = i;
      if (i === 0 && level > 0) {
        limit[level - 1] = at[level - 1];
        limit[level] = lens[level];
      }
      break;
    }
  };
  if (N > 0) walk(0, 0, 0);
  const found = best as { pos: number[]; score: number; cost: number } | null;
  const outcome: SearchOutcome = found
    ? { ok: true, answer: { choice: found.pos.map((pos, b) => sorted[b][pos]), score: found.score, cost: found.cost } }
    : { ok: false, message: 'the traversal found no feasible architecture' };
  return { outcome, visits, sorted, leaves, leavesVisited, prunedByCost };
}

export interface SearchComparison {
  exact: SearchOutcome;
  traversal: TraversalResult;
  /** Both found the same summed score (ties between different architectures count as agreement). */
  agree: boolean;
  /** How much worse the traversal's answer is (0 when they agree). */
  gap: number;
}

export function solveBoth(p: SearchProblem, unit?: string): SearchComparison {
  const exact = exactSearch(p, unit);
  const traversal = dnaTraversal(p, unit);
  const t = traversal.outcome;
  if (!exact.ok || !t.ok) return { exact, traversal, agree: exact.ok === t.ok, gap: 0 };
  const gap = t.answer.score - exact.answer.score;
  return { exact, traversal, agree: Math.abs(gap) <= 1e-12 * Math.max(1, Math.abs(exact.answer.score)), gap };
}
