import type { RunEvent } from '../engine/core/events';
import { applyEvent, emptyRun, endBatch, type RunData } from './runState';

/**
 * The timeline: the page at any moment of a run is the fold of a prefix of its log. Plain TS, so
 * tests drive it without a page.
 *
 * Seeking refolds from the nearest snapshot at or before the target rather than from the start:
 * `applyEvent` is O(1) per event, so a refold of the whole log is already fast, but a drag over a
 * long run asks for many refolds per second. Snapshots are deep copies taken every SNAPSHOT_EVERY
 * events on the first pass; a seek then applies at most that many events.
 */
export const SNAPSHOT_EVERY = 1000;

/** A deep copy of a fold (events themselves are immutable and shared). */
function cloneRun(d: RunData): RunData {
  return {
    ...d,
    log: d.log.slice(),
    train: d.train.slice(),
    val: d.val.slice(),
    candidates: d.candidates.slice(),
    improvements: d.improvements.slice(),
    methodEvents: d.methodEvents.slice(),
    methodAll: d.methodAll.slice(),
    messages: d.messages.slice(),
    versions: { ...d.versions },
    segmentStarts: d.segmentStarts.slice(),
    phaseProgress: d.phaseProgress && { ...d.phaseProgress },
    progress: d.progress && { ...d.progress },
    work: { train: { ...d.work.train }, candidates: d.work.candidates, progress: { ...d.work.progress }, method: { ...d.work.method } },
  };
}

/** Seeks over one log; snapshots are valid as long as the log only grows. */
export class PrefixFolder {
  private snapshots: RunData[] = [];

  constructor(
    private readonly log: readonly RunEvent[],
    private readonly every = SNAPSHOT_EVERY,
  ) {}

  seek(k: number): RunData {
    const every = this.every;
    const target = Math.max(0, Math.min(k, this.log.length));
    const slot = Math.floor(target / every);
    // snapshots[j] is the fold of the first j·every events; build up to the one needed.
    if (this.snapshots.length === 0) this.snapshots.push(emptyRun());
    while (this.snapshots.length <= slot) {
      const n = this.snapshots.length;
      const next = cloneRun(this.snapshots[n - 1]);
      for (let i = (n - 1) * every; i < n * every; i++) applyEvent(next, this.log[i]);
      this.snapshots.push(next);
    }
    const d = cloneRun(this.snapshots[slot]);
    for (let i = slot * every; i < target; i++) applyEvent(d, this.log[i]);
    endBatch(d);
    return d;
  }
}

/** The last index i (exclusive count) such that every event before it happened at or before time t. */
export function countAtTime(log: readonly RunEvent[], t: number): number {
  // Event times never decrease within a run, so a binary search finds the boundary.
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (log[mid].t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface TimelineMark {
  /** Events applied once the timeline stands on this mark: the marked event included. */
  at: number;
  t: number;
  kind: 'phase' | 'milestone';
  label: string;
}

/** Which method events are milestones worth a jump and a mark, per method, with their label. */
export type MilestoneKinds = Record<string, Record<string, (data: unknown) => string>>;

export function timelineMarks(log: readonly RunEvent[], milestones: MilestoneKinds): TimelineMark[] {
  const out: TimelineMark[] = [];
  log.forEach((e, i) => {
    if (e.type === 'phase') out.push({ at: i + 1, t: e.t, kind: 'phase', label: e.detail || e.phase });
    else if (e.type === 'method') {
      const label = milestones[e.method]?.[e.kind];
      if (label) out.push({ at: i + 1, t: e.t, kind: 'milestone', label: label(e.data) });
    }
  });
  return out;
}

/**
 * The next moment of interest after `count` applied events: the next candidate, or the next
 * milestone of the method (a NAO round, a DNA block rated, a Cream board change). Returns the
 * count to seek to (the interesting event applied), or null at the end.
 */
export function nextInterest(log: readonly RunEvent[], count: number, milestones: MilestoneKinds): number | null {
  for (let i = Math.max(0, count); i < log.length; i++) {
    const e = log[i];
    if (e.type === 'candidate' || e.type === 'final' || (e.type === 'method' && milestones[e.method]?.[e.kind])) return i + 1;
  }
  return null;
}
