import type { RunEvent } from '../../../engine/core/events';
import type { BoardData, BoardEntryView, CreamSetupData, FinalPickData, MetaRow, StepRow } from '../../../engine/methods/cream/events';
import { isCreamEvent } from '../../../engine/methods/cream/events';
import type { BlockOp } from '../../../engine/spaces/blocks';

/**
 * Everything the Cream view draws, folded from the run's `method` events (method 'cream') alone,
 * so a replayed log gives the same picture as the live run.
 */
export interface CreamModel {
  setup: CreamSetupData | null;
  rows: StepRow[];
  metas: MetaRow[];
  /** The board after each change, in order. */
  boards: BoardData[];
  board: BoardEntryView[];
  /** Ids that entered / left with the latest board change (the cards animate them). */
  entered: Set<number>;
  left: BoardEntryView[];
  /** Every entry ever seen, by id (a left card keeps its numbers). */
  byId: Map<number, BoardEntryView>;
  final: FinalPickData | null;
  lr: number | null;
}

export function foldCream(events: readonly RunEvent[]): CreamModel {
  const m: CreamModel = { setup: null, rows: [], metas: [], boards: [], board: [], entered: new Set(), left: [], byId: new Map(), final: null, lr: null };
  for (const e of events) {
    if (!isCreamEvent(e)) continue;
    if (e.kind === 'setup') m.setup = e.data;
    else if (e.kind === 'steps') {
      const d = e.data;
      for (const r of d.rows) m.rows.push(r);
      for (const r of d.metas) m.metas.push(r);
      m.lr = d.lr;
    } else if (e.kind === 'board') {
      const d = e.data;
      m.left = d.left.map((id) => m.byId.get(id)).filter((x): x is BoardEntryView => !!x);
      for (const en of d.entries) m.byId.set(en.id, en);
      m.boards.push(d);
      m.board = d.entries;
      m.entered = new Set(d.entered);
    } else if (e.kind === 'final-pick') m.final = e.data;
  }
  return m;
}

/** Splits a canonical block string ("a-b|c-d"; "," between layers is read too, as parseBlockArch does) into ops per block. */
export function archBlocks(arch: string): BlockOp[][] {
  return arch.split('|').map((b) => b.split(/[-,]/).map((o) => o.trim()) as BlockOp[]);
}

/** The region of accuracy × FLOPs a new path would enter from, given the board as it stands. */
export type EntryRegion = { kind: 'all' } | { kind: 'rule'; worstAcc: number; worstFlops: number; gap: number } | null;

export function entryRegion(model: CreamModel): EntryRegion {
  const s = model.setup;
  if (!s) return null;
  const warm = model.rows.length > 0 && model.rows[model.rows.length - 1].phase === 'board';
  if (!warm) return null;
  if (model.board.length < s.boardSize) return { kind: 'all' };
  const worst = model.board[model.board.length - 1];
  return { kind: 'rule', worstAcc: worst.acc, worstFlops: worst.flops, gap: s.gap };
}

/** How often each op appears at each layer among the board's paths: [{ layer label, counts }]. */
export function boardOpFrequency(model: CreamModel): { label: string; counts: Record<string, number> }[] {
  const s = model.setup;
  if (!s) return [];
  const out = s.stages.flatMap((st, b) => Array.from({ length: st.layers }, (_, l) => ({ label: `block ${b + 1} · layer ${l + 1}`, counts: {} as Record<string, number> })));
  for (const e of model.board) {
    let k = 0;
    for (const ops of archBlocks(e.arch)) {
      for (const op of ops) {
        const c = out[k++]?.counts;
        if (c) c[op] = (c[op] ?? 0) + 1;
      }
    }
  }
  return out;
}

/** Last row that was matched against the board (its scores and chosen teacher). */
export function lastMatched(model: CreamModel): StepRow | undefined {
  for (let i = model.rows.length - 1; i >= 0; i--) if (model.rows[i].scores) return model.rows[i];
  return undefined;
}

/** Exponential moving average of a series (NaN / null points skipped), for readable curves through batch noise. */
export function ema(points: { x: number; y: number | null }[], alpha = 0.1): [number, number][] {
  let v = NaN;
  const out: [number, number][] = [];
  for (const p of points) {
    if (p.y === null || !Number.isFinite(p.y)) continue;
    v = Number.isFinite(v) ? v + alpha * (p.y - v) : p.y;
    out.push([p.x, v]);
  }
  return out;
}
