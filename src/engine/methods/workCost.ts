import type { RunConfig } from '../core/config';
import type { Phase } from '../core/events';
import { datasetInfo, trainImages, type DatasetId } from '../data/datasets';

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

/** Pixels per image relative to the digits' 8×8: convolution cost grows with them. */
export const pixelFactor = (dataset: DatasetId): number => {
  const [h, w] = datasetInfo(dataset).inputShape;
  return (h * w) / 64;
};

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
export const stepsPerEpoch = (dataset: DatasetId, batch: number) => Math.floor(trainImages(dataset) / batch);

/** The final retrain(s) of the found architecture, or nothing where the run has none. */
export function finalRetrain(config: RunConfig, retrains: number, stepCost: number): WorkStage[] {
  const f = pixelFactor(config.dataset);
  return config.final.enabled && config.evaluator !== 'table'
    ? [{ label: retrains > 1 ? `final retrains (${retrains})` : 'final retrain', units: retrains * config.final.epochs * stepsPerEpoch(config.dataset, config.final.batchSize), unit: 'steps', cost: stepCost * f * (config.final.batchSize / 64), counter: { kind: 'train', phase: 'final' } }]
    : [];
}

/** What an NB-201 search adds to the shared plan (NAO: its rounds' evaluations, supernet steps and predictor). */
export interface Nb201PlanExtras {
  /** Evaluations in all, where the method spends fewer or more than the budget. */
  evaluations?: number;
  /** Supernet steps beyond config.supernet.steps (NAO-WS trains between rounds). */
  extraSupernetSteps?: number;
  /** Stages after the candidates, before the final retrain. */
  after?: WorkStage[];
}

/** The NB-201 plan: the supernet (with that evaluator), the candidates, the method's extras, the final retrain. */
export function nb201Plan(config: RunConfig, extras: Nb201PlanExtras = {}): WorkStage[] {
  const f = pixelFactor(config.dataset);
  const stages: WorkStage[] = [];
  if (config.evaluator === 'supernet') {
    const sn = config.supernet;
    stages.push({ label: 'supernet training', units: sn.steps + (extras.extraSupernetSteps ?? 0), unit: 'steps', cost: WORK_COST.nb201Step * f * (sn.batchSize / 64), counter: { kind: 'train', phase: 'supernet' } });
  }
  const perCandidate =
    config.evaluator === 'supernet'
      ? WORK_COST.nb201Score * f * (config.supernet.evalBatch / 256)
      : config.evaluator === 'standalone'
        ? config.standalone.epochs * stepsPerEpoch(config.dataset, config.standalone.batchSize) * WORK_COST.nb201Step * f * (config.standalone.batchSize / 64)
        : 0;
  stages.push({ label: 'candidates', units: extras.evaluations ?? config.budget, unit: 'candidates', cost: perCandidate, counter: { kind: 'candidates' } });
  stages.push(...(extras.after ?? []));
  stages.push(...finalRetrain(config, 1, WORK_COST.nb201FinalStep));
  return stages;
}
