import { check, z } from '../core/schema';
import { quote } from '../core/quote';
import type { Rng } from '../core/rng';

/**
 * The NAS-Bench-201 cell: 4 nodes, 6 edges i→j (i < j), each edge one of 5 ops.
 * Node j sums op(node i) over its incoming edges; node 3 is the cell's output.
 * Canonical string: |op~0|+|op~0|op~1|+|op~0|op~1|op~2|  (edges 0→1 | 0→2, 1→2 | 0→3, 1→3, 2→3).
 */
export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
export type Nb201Op = (typeof NB201_OPS)[number];

/** Edges in canonical order: [from, to]. */
export const NB201_EDGES: ReadonlyArray<readonly [number, number]> = [
  [0, 1],
  [0, 2],
  [1, 2],
  [0, 3],
  [1, 3],
  [2, 3],
];
export const NB201_NODES = 4;
export const NB201_SPACE_SIZE = NB201_OPS.length ** NB201_EDGES.length; // 15,625

/**
 * The ops a run's NB-201 space allows: the config's `space.ops` (a subset, e.g. a table's
 * exhaustive {skip, conv3×3}), or all five when it lists none. Unknown names are left out here;
 * `nb201SpaceProblems` is what refuses them before a run starts.
 */
export function spaceOps(space: Readonly<Record<string, unknown>>): Nb201Op[] {
  const r = nb201SpaceSchema.safeParse(space);
  const ops = r.success ? r.data.ops : [];
  return ops.length === 0 ? [...NB201_OPS] : ops.filter(isNb201Op);
}

/** The NB-201 space's settings in a run config (`config.space`): the ops an edge may take. */
export const nb201SpaceSchema = z.strictObject({
  ops: z.array(z.string()).max(40).default([]).describe('the ops an edge may take, a subset of none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3; empty: all five'),
});

/** Why a run's `space.ops` cannot be searched in NB-201, empty when it can. */
export function nb201SpaceProblems(given: Readonly<Record<string, unknown>>): string[] {
  const r = check(nb201SpaceSchema, given, { root: 'space' });
  if (!r.ok) return r.errors;
  const space = r.value;
  const bad = space.ops.filter((o) => !isNb201Op(o));
  if (bad.length > 0) return [`unknown op(s) in the space: ${bad.map((o) => JSON.stringify(o.slice(0, 40))).join(', ')} (ops: ${NB201_OPS.join(', ')})`];
  const twice = space.ops.find((o, i) => space.ops.indexOf(o) !== i);
  // A repeated op would be drawn twice as often: a different search than the list says.
  if (twice) return [`the space lists ${twice} twice`];
  if (space.ops.length === 1) return ['the space needs at least two ops'];
  return [];
}

/** A cell: one op per edge, in NB201_EDGES order. */
export interface Nb201Cell {
  readonly ops: readonly Nb201Op[];
}

export interface CellEdge {
  from: number;
  to: number;
  op: Nb201Op;
}

export function isNb201Op(s: string): s is Nb201Op {
  return (NB201_OPS as readonly string[]).includes(s);
}

export function formatCell(cell: Nb201Cell): string {
  const o = cell.ops;
  return `|${o[0]}~0|+|${o[1]}~0|${o[2]}~1|+|${o[3]}~0|${o[4]}~1|${o[5]}~2|`;
}

export type ParseResult = { ok: true; cell: Nb201Cell } | { ok: false; reason: string };

/** Parses a canonical arch string; on failure says exactly what is wrong. */
export function parseCell(text: string): ParseResult {
  const s = text.trim();
  if (!s.startsWith('|') || !s.endsWith('|')) return { ok: false, reason: `${quote(text)}: an arch string starts and ends with "|"` };
  const groups = s.split('+');
  if (groups.length !== 3) return { ok: false, reason: `${quote(text)}: expected 3 node groups separated by "+", found ${groups.length}` };
  const ops: Nb201Op[] = [];
  for (let g = 0; g < 3; g++) {
    const node = g + 1;
    const inner = groups[g];
    if (!inner.startsWith('|') || !inner.endsWith('|')) return { ok: false, reason: `node ${node}: group ${quote(inner)} must be wrapped in "|"` };
    const parts = inner.slice(1, -1).split('|');
    if (parts.length !== node) return { ok: false, reason: `node ${node}: expected ${node} incoming edge(s), found ${parts.length}` };
    for (let i = 0; i < parts.length; i++) {
      const m = /^([a-z0-9_]+)~(\d+)$/.exec(parts[i]);
      if (!m) return { ok: false, reason: `node ${node}: ${quote(parts[i])} is not of the form op~input` };
      const [, op, from] = m;
      if (!isNb201Op(op)) return { ok: false, reason: `node ${node}: unknown op ${quote(op)} (ops: ${NB201_OPS.join(', ')})` };
      if (Number(from) !== i) return { ok: false, reason: `node ${node}: edge ${i + 1} must come from node ${i}, not ${from}` };
      ops.push(op);
    }
  }
  return { ok: true, cell: { ops } };
}

export function cellFromString(text: string): Nb201Cell {
  const r = parseCell(text);
  if (!r.ok) throw new Error(r.reason);
  return r.cell;
}

export function validateCell(cell: { ops: readonly string[] }): string | null {
  if (!Array.isArray(cell.ops)) return 'ops must be an array';
  if (cell.ops.length !== NB201_EDGES.length) return `a cell has ${NB201_EDGES.length} edges, got ${cell.ops.length}`;
  for (const op of cell.ops) if (!isNb201Op(op)) return `unknown op "${op}"`;
  return null;
}

export function cellEdges(cell: Nb201Cell): CellEdge[] {
  return NB201_EDGES.map(([from, to], e) => ({ from, to, op: cell.ops[e] }));
}

/** Lexicographic base-5 index in NB201_OPS order (not the NAS-Bench-201 file index). */
export function cellIndex(cell: Nb201Cell): number {
  return cell.ops.reduce((acc, op) => acc * NB201_OPS.length + NB201_OPS.indexOf(op), 0);
}

export function cellAt(index: number): Nb201Cell {
  if (!Number.isInteger(index) || index < 0 || index >= NB201_SPACE_SIZE) throw new Error(`cell index ${index} out of range`);
  const ops: Nb201Op[] = new Array(NB201_EDGES.length);
  for (let e = NB201_EDGES.length - 1; e >= 0; e--) {
    ops[e] = NB201_OPS[index % NB201_OPS.length];
    index = Math.floor(index / NB201_OPS.length);
  }
  return { ops };
}

export function sampleCell(rng: Rng, ops: readonly Nb201Op[] = NB201_OPS): Nb201Cell {
  return { ops: NB201_EDGES.map(() => rng.choice(ops)) };
}

/** Regularised evolution's mutation: one edge gets a different op. */
export function mutateCell(cell: Nb201Cell, rng: Rng, ops: readonly Nb201Op[] = NB201_OPS): Nb201Cell {
  const e = rng.int(NB201_EDGES.length);
  const others = ops.filter((o) => o !== cell.ops[e]);
  const next = [...cell.ops];
  next[e] = rng.choice(others);
  return { ops: next };
}

/**
 * Whether any path carries signal from node 0 to node 3 (an all-"none" route gives a constant
 * output). Such cells are valid members of the space — NAS-Bench-201 lists them at 10% accuracy —
 * so this is information for the learner, not a validation failure.
 */
export function isConnected(cell: Nb201Cell): boolean {
  const reach = [true, false, false, false];
  NB201_EDGES.forEach(([from, to], e) => {
    if (reach[from] && cell.ops[e] !== 'none') reach[to] = true;
  });
  return reach[3];
}

export function countOps(cell: Nb201Cell): Record<Nb201Op, number> {
  const c = Object.fromEntries(NB201_OPS.map((o) => [o, 0])) as Record<Nb201Op, number>;
  for (const op of cell.ops) c[op]++;
  return c;
}
