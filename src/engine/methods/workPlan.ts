import type { RunConfig } from '../core/config';
import type { Phase, RunEvent } from '../core/events';
import type { DatasetId } from '../data/datasets';
import { blockPaths, defaultBlockSpace } from '../spaces/blocks';
import { creamSettingsOf } from './cream/settings';
import { dnaSettingsOf } from './dna/settings';
import { parseNaoSettings, planRounds } from './nao/settings';

/**
 * How long a run will take, before it starts and while it runs. A run is planned as stages of
 * countable work (supernet steps, candidates, student steps, retraining steps); each unit's cost
 * is expressed in "calibration steps", the one supernet training step (digits, batch 64) that the
 * worker times when it chooses a backend. Seconds = units × cost × the measured ms per calibration
 * step. The costs were measured on a CPU (`npm run bench:estimate`, docs/benchmarks.md); a GPU
 * changes the ratios, which is why the page re-estimates from the run's own pace once it starts.
 * Pure and free of TensorFlow.js, so the page can plan before the worker has done anything.
 */

/** How a stage's progress shows in the event log. */
export type WorkCounter =
  | { kind: 'train'; phase: Phase }
  | { kind: 'candidates' }
  | { kind: 'progress'; unit: string }
  /** Rows of a method's own events (`data.rows`, else one per event), e.g. NAO's predictor epochs. */
  | { kind: 'method'; method: string; event: string }
  | { kind: 'none' };

export interface WorkStage {
  label: string;
  units: number;
  unit: string;
  /** Calibration steps per unit. */
  cost: number;
  counter: WorkCounter;
}

/** Training images per dataset (test/workPlan.test.ts checks them against the loaded splits). */
export const TRAIN_IMAGES: Record<DatasetId, number> = { digits: 1078, fashion: 8000 };
/** Pixels per image relative to the digits' 8×8: convolution cost grows with them. */
const PIXELS: Record<DatasetId, number> = { digits: 1, fashion: (14 * 14) / 64 };

/**
 * Cost of one unit of each kind of work in calibration steps, on the CPU backend (Node and the
 * browser's worker agree to within noise). Measured by `npm run bench:estimate` on 2026-12-02.
 */
export const WORK_COST = {
  /** An NB-201 cell trained one step at batch 64 (a supernet path or a standalone cell). */
  nb201Step: 1,
  /** A step of the final retrain, its validation and test passes spread over its steps. */
  nb201FinalStep: 1.5,
  /** A candidate scored with the supernet's shared weights on 256 validation images. */
  nb201Score: 1,
  /** One minibatch of NAO's encoder–predictor–decoder. */
  naoBatch: 0.25,
  /** A DNA student step at batch 16 (the teacher's block forward included). */
  dnaStudentStep: 0.5,
  /** A DNA path rated: BN recalibration and 256 held-out images. */
  dnaRatePath: 0.5,
  /** A Cream supernet step at batch 32 (board, matching network and meta updates folded in). */
  creamStep: 2.5,
  /** A block-space network (DNA's or Cream's) trained one step at batch 64. */
  blockStep: 3,
} as const;

/** The batch sampler drops the last partial batch (engine/data/datasets.ts). */
const stepsPerEpoch = (dataset: DatasetId, batch: number) => Math.floor(TRAIN_IMAGES[dataset] / batch);

/** The run's stages in the order it does them. */
export function planWork(config: RunConfig): WorkStage[] {
  const f = PIXELS[config.dataset];
  const finalRetrain = (retrains: number, stepCost: number): WorkStage[] =>
    config.final.enabled && config.evaluator !== 'table'
      ? [{ label: retrains > 1 ? `final retrains (${retrains})` : 'final retrain', units: retrains * config.final.epochs * stepsPerEpoch(config.dataset, config.final.batchSize), unit: 'steps', cost: stepCost * f * (config.final.batchSize / 64), counter: { kind: 'train', phase: 'final' } }]
      : [];
  if (config.method === 'dna') {
    const s = dnaSettingsOf(config);
    const space = defaultBlockSpace(config.dataset, s.ops);
    const blocks = space.stages.length;
    const paths = space.stages.reduce((n, _, b) => n + blockPaths(space, b).length, 0);
    const teacher: WorkStage[] =
      s.teacher.source === 'train'
        ? [{ label: 'teacher training', units: s.teacher.epochs * stepsPerEpoch(config.dataset, s.teacher.batchSize), unit: 'steps', cost: WORK_COST.blockStep * f * (s.teacher.batchSize / 64), counter: { kind: 'none' } }]
        : [];
    return [
      ...teacher,
      { label: 'student blocks', units: blocks * s.students.stepsPerBlock, unit: 'student steps', cost: WORK_COST.dnaStudentStep * f * (s.students.batchSize / 16), counter: { kind: 'progress', unit: 'student steps' } },
      { label: 'rating every path', units: paths, unit: 'paths', cost: WORK_COST.dnaRatePath * f, counter: { kind: 'none' } },
      // Only the chosen network's retraining is drawn step by step; every retrain reports when done.
      ...(config.final.enabled
        ? [{ label: `final retrains (${1 + s.final.randomBaselines})`, units: 1 + s.final.randomBaselines, unit: 'retrains', cost: config.final.epochs * stepsPerEpoch(config.dataset, config.final.batchSize) * WORK_COST.blockStep * f * (config.final.batchSize / 64), counter: { kind: 'progress', unit: 'retrains' } } satisfies WorkStage]
        : []),
    ];
  }
  if (config.method === 'cream') {
    const s = creamSettingsOf(config);
    return [
      { label: 'supernet with the board', units: s.supernet.steps, unit: 'steps', cost: WORK_COST.creamStep * f * (s.supernet.batchSize / 32), counter: { kind: 'progress', unit: 'steps' } },
      // The pick and one random path of similar FLOPs.
      ...finalRetrain(2, WORK_COST.blockStep),
    ];
  }
  const stages: WorkStage[] = [];
  let evaluations = config.budget;
  let extraSupernetSteps = 0;
  let predictor: WorkStage | null = null;
  if (config.method === 'nao') {
    const s = parseNaoSettings(config.methodSettings.nao ?? {});
    const rescore = config.evaluator === 'supernet' && s.wsRescorePool;
    const initial = Math.min(s.initialPool, config.space.ops.length ** 6, config.budget);
    const plan = planRounds(s, initial, config.budget, rescore);
    evaluations = plan.evaluations;
    if (config.evaluator === 'supernet') extraSupernetSteps = plan.rounds * s.wsStepsPerIteration;
    const meanPool = initial + (plan.rounds * s.newPerIteration) / 2;
    const batches = Math.ceil((meanPool * (s.augment ? 1.2 : 1)) / s.batchSize);
    const epochs = plan.rounds > 0 ? s.epochs + (plan.rounds - 1) * s.warmEpochs : 0;
    predictor = { label: 'predictor training', units: epochs, unit: 'epochs', cost: batches * WORK_COST.naoBatch, counter: { kind: 'method', method: 'nao', event: 'loss' } };
  }
  if (config.evaluator === 'supernet') {
    const sn = config.supernet;
    stages.push({ label: 'supernet training', units: sn.steps + extraSupernetSteps, unit: 'steps', cost: WORK_COST.nb201Step * f * (sn.batchSize / 64), counter: { kind: 'train', phase: 'supernet' } });
  }
  const perCandidate =
    config.evaluator === 'supernet'
      ? WORK_COST.nb201Score * f * (config.supernet.evalBatch / 256)
      : config.evaluator === 'standalone'
        ? config.standalone.epochs * stepsPerEpoch(config.dataset, config.standalone.batchSize) * WORK_COST.nb201Step * f * (config.standalone.batchSize / 64)
        : 0;
  stages.push({ label: 'candidates', units: evaluations, unit: 'candidates', cost: perCandidate, counter: { kind: 'candidates' } });
  if (predictor) stages.push(predictor);
  stages.push(...finalRetrain(1, WORK_COST.nb201FinalStep));
  return stages;
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
    const rows = (e.data as { rows?: unknown } | null)?.rows;
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
