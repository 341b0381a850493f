import { methodEventGuard } from '../../core/events';
import type { Cost } from '../../core/cost';
import type { BlockOp, BlockStage } from '../../spaces/blocks';
import type { Admission } from './board';
import type { BoardMetric, PathSampling } from './settings';

/**
 * The `method` events Cream emits (method: 'cream') and their payloads. The page's Cream view is
 * a function of these alone, so a recorded run replays without compute.
 */
export const CREAM_METHOD = 'cream';

/** Said in the UI: how the meta network's gradient is obtained. */
export const LOOKAHEAD_TEXT =
  'one-step look-ahead: a simulated plain-SGD student step on the distillation loss, w′ = w − η·ρ·∇KD(w), then the validation loss L(w′). Because M reaches that step only through the scalar ρ, dL/dθ = −η·⟨∇L(w′), ∇KD(w)⟩ · dρ/dθ exactly — two first-order gradients, no Hessian. Held fixed: which entry teaches (an argmax), and momentum / weight decay (not simulated). The simulated step is undone afterwards.';

export interface CreamSetupData {
  dataset: string;
  inputShape: [number, number, number];
  stemChannels: number;
  stages: BlockStage[];
  ops: BlockOp[];
  spaceSize: number;
  summary: string;
  /** Cheapest and dearest architecture's FLOPs (multiply-accumulates), and the final pick's budget. */
  minFlops: number;
  maxFlops: number;
  flopsLimit: number;
  steps: number;
  warmup: number;
  batchSize: number;
  sampling: PathSampling;
  boardSize: number;
  gap: number;
  boardMetric: BoardMetric;
  valBatch: number;
  distill: boolean;
  matchImages: number;
  metaEvery: number;
  flushEvery: number;
  lookahead: string;
}

/** A board entry as shown: no tensors. */
export interface BoardEntryView {
  id: number;
  arch: string;
  acc: number;
  flops: number;
  params: number;
  /** Step at which it entered (or was last re-measured). */
  step: number;
}

/** One training step of the supernet, read back at the flush that followed it. */
export interface StepRow {
  step: number;
  arch: string;
  flops: number;
  /** The path's accuracy (%) by the board's metric, right after its step. */
  acc: number;
  /** Accuracy (%) on its own training batch. */
  trainAcc: number;
  ce: number;
  /** Null while the path trained without a teacher (warm-up, empty board, distillation off). */
  kd: number | null;
  /** The loss minimised (weight decay excluded). */
  loss: number;
  /** Matching: each board entry's score for this path, the chosen teacher and ρ = sigmoid(its score). */
  scores: { id: number; score: number }[] | null;
  teacherId: number | null;
  rho: number | null;
  /** What the entry rule decided when the path was offered (null: turned away or not offered). */
  admitted: Admission | 'refresh' | null;
  /** The worst entry's accuracy and FLOPs when the path was offered (the line it had to beat). */
  worst: { acc: number; flops: number } | null;
  phase: 'warmup' | 'board';
}

/** One meta matching network update. */
export interface MetaRow {
  step: number;
  teacherId: number;
  /** Validation loss after the simulated student step. */
  lookaheadLoss: number;
  /** dL/dρ: negative means a larger ρ (more distillation) would have lowered the validation loss. */
  dLossDRho: number;
  rhoBefore: number;
  rhoAfter: number;
  /** ‖θ‖ of M after the update. */
  weightNorm: number;
}

export interface StepsData {
  rows: StepRow[];
  metas: MetaRow[];
  lr: number;
}

export interface BoardData {
  /** Last step of the chunk this board follows. */
  step: number;
  entries: BoardEntryView[];
  entered: number[];
  left: number[];
}

export interface FinalPickEntry {
  role: 'chosen' | 'random';
  arch: string;
  flops: number;
  params: number;
  /** Supernet path accuracy (%) on the first `valImages` validation images with the final shared weights. */
  supernetValAcc: number;
  testAcc?: number;
  valAcc?: number;
}

export interface FinalPickData {
  flopsLimit: number;
  /** Validation images the board and the random path were re-measured on (the first ones of the split). */
  valImages: number;
  /** The board at the end, re-measured on those images with the final shared weights. */
  board: (BoardEntryView & { finalValAcc: number; underBudget: boolean })[];
  chosenId: number | null;
  /** How the random path was drawn. */
  randomRule: string;
  recipe: string | null;
  entries: FinalPickEntry[];
}

export type CreamEvent =
  | { kind: 'setup'; data: CreamSetupData }
  | { kind: 'steps'; data: StepsData }
  | { kind: 'board'; data: BoardData }
  | { kind: 'final-pick'; data: FinalPickData };

export type CreamEventKind = CreamEvent['kind'];

export type { Cost };

/** This method's events in a run's log, typed by kind (core/events.ts methodEventGuard). */
export const isCreamEvent = methodEventGuard<typeof CREAM_METHOD, CreamEvent>(CREAM_METHOD, { setup: true, steps: true, board: true, 'final-pick': true });
