import type { RunConfig } from '../core/config';
import type { Phase, RunEvent } from '../core/events';
import { findMethod } from './registry';
import { nb201Plan, type WorkCounter, type WorkStage } from './workCost';

/**
 * How far a run has come and how long it has left (the plan itself is each method's, see
 * workCost.ts and the plugins' `planWork`). Pure and free of TensorFlow.js, so the page can plan
 * before the worker has done anything.
 */
export type { WorkCounter, WorkStage } from './workCost';

/** The run's stages in the order it does them: the method's own plan, or the NB-201 one. */
export function planWork(config: RunConfig): WorkStage[] {
  return findMethod(config.method)?.planWork?.(config) ?? nb201Plan(config);
}

/** What the log shows done so far, counted incrementally (see WorkTally). */
export interface WorkCounts {
  train: Partial<Record<Phase, number>>;
  candidates: number;
  progress: Record<string, number>;
  /** Keyed `method/kind`. */
  method: Record<string, number>;
}

export function emptyCounts(): WorkCounts {
  return { train: {}, candidates: 0, progress: {}, method: {} };
}

export function countEvent(c: WorkCounts, e: RunEvent): void {
  if (e.type === 'train') c.train[e.phase] = (c.train[e.phase] ?? 0) + 1;
  else if (e.type === 'candidate') c.candidates++;
  else if (e.type === 'progress') c.progress[e.unit] = e.done;
  else if (e.type === 'method') {
    // Any method's event: one unit, or one per row where its payload carries rows (training curves).
    const rows = typeof e.data === 'object' && e.data !== null && 'rows' in e.data ? e.data.rows : undefined;
    const key = `${e.method}/${e.kind}`;
    c.method[key] = (c.method[key] ?? 0) + (Array.isArray(rows) ? rows.length : 1);
  }
}

function counted(c: WorkCounter, counts: WorkCounts): number {
  switch (c.kind) {
    case 'train':
      return counts.train[c.phase] ?? 0;
    case 'candidates':
      return counts.candidates;
    case 'progress':
      return counts.progress[c.unit] ?? 0;
    case 'method':
      return counts.method[`${c.method}/${c.event}`] ?? 0;
    case 'none':
      return 0;
  }
}

/** Total work in calibration steps. */
export function planCost(stages: WorkStage[]): number {
  return stages.reduce((sum, s) => sum + s.units * s.cost, 0);
}

/**
 * Work done in calibration steps. A stage that leaves no countable trace in the log (NAO's
 * predictor, DNA's rating) counts as done once a later stage has begun.
 */
export function workDone(stages: WorkStage[], counts: WorkCounts): number {
  const done = stages.map((s) => Math.min(counted(s.counter, counts), s.units));
  let total = 0;
  for (let i = 0; i < stages.length; i++) {
    // Counted stages use their count: NAO's supernet rounds interleave with its candidates.
    const n = stages[i].counter.kind === 'none' ? (done.slice(i + 1).some((d) => d > 0) ? stages[i].units : 0) : done[i];
    total += n * stages[i].cost;
  }
  return total;
}

export interface RunEstimate {
  /** Seconds the whole run should take. */
  totalSeconds: number;
  /** Seconds still to go, from the run's own pace once it has one. */
  remainingSeconds: number;
  /** Fraction of the planned work done. */
  fraction: number;
  /** True when the pace comes from the run itself rather than the calibration. */
  fromRun: boolean;
}

/**
 * Before a run: the plan at the calibration's rate. During a run: the remaining work at the pace
 * the run has kept so far (elapsed ÷ work done), once enough is done for that pace to mean
 * something; until then, still the calibration.
 */
export function estimateRun(stages: WorkStage[], msPerStep: number, progress?: { counts: WorkCounts; elapsedMs: number }): RunEstimate {
  const total = planCost(stages);
  const planned = (total * msPerStep) / 1000;
  if (!progress || total === 0) return { totalSeconds: planned, remainingSeconds: planned, fraction: 0, fromRun: false };
  const done = Math.min(workDone(stages, progress.counts), total);
  const fraction = done / total;
  const elapsed = progress.elapsedMs / 1000;
  // Before 5 % of the work, the start-up (data, first-step compile) would dominate the pace.
  const fromRun = fraction >= 0.05 && elapsed > 0;
  const secondsPerUnit = fromRun ? elapsed / done : msPerStep / 1000;
  const remaining = Math.max(0, (total - done) * secondsPerUnit);
  return { totalSeconds: elapsed + remaining, remainingSeconds: remaining, fraction, fromRun };
}
