import type { z } from '../../core/schema';
import type { admissionSchema } from './events';

/**
 * The prioritized path board: the K best paths seen so far, by accuracy and FLOPs. Pure
 * bookkeeping — what an entry remembers for the matching network (its stored images and its own
 * prediction on them) is an opaque `memory` the owner disposes when the entry leaves.
 */

/** Why a path entered the board (null: it did not). */
export type Admission = z.output<typeof admissionSchema>;

export interface BoardCandidate {
  arch: string;
  /** Accuracy in percent (the board's metric). */
  acc: number;
  flops: number;
}

export interface BoardEntry<M> extends BoardCandidate {
  /** Unique per run, in order of entry. */
  id: number;
  /** Training step at which the path entered (or was last re-measured). */
  step: number;
  memory: M;
}

/**
 * The entry rule, as the original's `PrioritizedBoard.isUpdate`: a path enters a board that is not
 * full; or one whose accuracy beats the worst entry's by more than `gap`; or beats it at all while
 * costing fewer FLOPs. `board` is sorted best first, so the worst entry is the last.
 */
export function admission(board: readonly BoardCandidate[], size: number, gap: number, c: BoardCandidate): Admission | null {
  if (board.length < size) return 'not-full';
  const worst = board[board.length - 1];
  if (c.acc > worst.acc + gap) return 'gap';
  if (c.acc > worst.acc && c.flops < worst.flops) return 'fewer-flops';
  return null;
}

/** Board order: higher accuracy first; on equal accuracy fewer FLOPs first, then the earlier entry. */
export function boardOrder(a: BoardCandidate & { id: number }, b: BoardCandidate & { id: number }): number {
  return b.acc - a.acc || a.flops - b.flops || a.id - b.id;
}

export interface OfferResult<M> {
  /** Null when the path was turned away. */
  admitted: Admission | 'refresh' | null;
  entry: BoardEntry<M> | null;
  /** Entries trimmed off the end (their memory already disposed). */
  evicted: BoardEntry<M>[];
}

export class PriorityBoard<M> {
  private list: BoardEntry<M>[] = [];
  private nextId = 0;

  constructor(
    readonly size: number,
    readonly gap: number,
    private readonly release: (memory: M) => void,
  ) {}

  get entries(): readonly BoardEntry<M>[] {
    return this.list;
  }

  get full(): boolean {
    return this.list.length >= this.size;
  }

  get worst(): BoardEntry<M> | undefined {
    return this.list[this.list.length - 1];
  }

  /** What the rule would say, without changing anything. */
  wouldAdmit(c: BoardCandidate): Admission | null {
    return admission(this.list, this.size, this.gap, c);
  }

  /**
   * Offers a path. `memory` is taken only when the path enters; otherwise the caller keeps (and
   * disposes) it. A path already on the board is re-measured in place ('refresh') instead of
   * entering twice: a board of K copies of one path would teach nothing new.
   */
  offer(c: BoardCandidate, step: number, memory: M): OfferResult<M> {
    const existing = this.list.find((e) => e.arch === c.arch);
    if (existing) {
      this.release(existing.memory);
      existing.acc = c.acc;
      existing.flops = c.flops;
      existing.step = step;
      existing.memory = memory;
      this.list.sort(boardOrder);
      return { admitted: 'refresh', entry: existing, evicted: [] };
    }
    const why = this.wouldAdmit(c);
    if (!why) return { admitted: null, entry: null, evicted: [] };
    const entry: BoardEntry<M> = { ...c, id: this.nextId++, step, memory };
    this.list.push(entry);
    this.list.sort(boardOrder);
    // An admitted path beats the worst entry, so the trim never removes the newcomer.
    const evicted = this.list.splice(this.size);
    for (const e of evicted) this.release(e.memory);
    return { admitted: why, entry, evicted };
  }

  dispose(): void {
    for (const e of this.list) this.release(e.memory);
    this.list = [];
  }
}
