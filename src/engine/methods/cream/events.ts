import { methodEventGuard, type PayloadUnion } from '../../core/events';
import { list, measured, z } from '../../core/schema';
import { blockSetupFields } from '../blockSettings';
import { creamSettingsSchema } from './settings';

/**
 * The `method` events Cream emits (method: 'cream') and their payloads. The page's Cream view is
 * a function of these alone, so a recorded run replays without compute.
 */
export const CREAM_METHOD = 'cream';

/** Said in the UI: how the meta network's gradient is obtained. */
export const LOOKAHEAD_TEXT =
  'one-step look-ahead: a simulated plain-SGD student step on the distillation loss, w′ = w − η·ρ·∇KD(w), then the validation loss L(w′). Because M reaches that step only through the scalar ρ, dL/dθ = −η·⟨∇L(w′), ∇KD(w)⟩ · dρ/dθ exactly — two first-order gradients, no Hessian. Held fixed: which entry teaches (an argmax), and momentum / weight decay (not simulated). The simulated step is undone afterwards.';

const count = z.int().min(0);
const id = z.int().min(0);
const step = z.int().min(0);
const settings = creamSettingsSchema.shape;

const setup = z.object({
  ...blockSetupFields,
  spaceSize: measured,
  summary: z.string(),
  /** Cheapest and dearest architecture's FLOPs (multiply-accumulates), and the final pick's budget. */
  minFlops: measured,
  maxFlops: measured,
  flopsLimit: measured,
  steps: count,
  warmup: count,
  batchSize: count,
  sampling: settings.supernet.shape.sampling,
  boardSize: count,
  gap: measured,
  boardMetric: settings.board.shape.metric,
  valBatch: count,
  distill: z.boolean(),
  matchImages: count,
  metaEvery: count,
  flushEvery: count,
  lookahead: z.string(),
});

/** A board entry as shown: no tensors. */
const boardEntry = z.object({
  id,
  arch: z.string(),
  acc: measured,
  flops: measured,
  params: measured,
  /** Step at which it entered (or was last re-measured). */
  step,
});

/** Why the entry rule let a path onto the board (board.ts `admission`). */
export const admissionSchema = z.enum(['not-full', 'gap', 'fewer-flops']);

/** One training step of the supernet, read back at the flush that followed it. */
const stepRow = z.object({
  step,
  arch: z.string(),
  flops: measured,
  /** The path's accuracy (%) by the board's metric, right after its step. */
  acc: measured,
  /** Accuracy (%) on its own training batch. */
  trainAcc: measured,
  ce: measured,
  /** Null while the path trained without a teacher (warm-up, empty board, distillation off). */
  kd: z.number().nullable(),
  /** The loss minimised (weight decay excluded). */
  loss: measured,
  /** Matching: each board entry's score for this path, the chosen teacher and ρ = sigmoid(its score). */
  scores: list(z.object({ id, score: measured })).nullable(),
  teacherId: id.nullable(),
  rho: z.number().nullable(),
  /** What the entry rule decided when the path was offered (null: turned away or not offered). */
  admitted: z.union([admissionSchema, z.literal('refresh')]).nullable(),
  /** The worst entry's accuracy and FLOPs when the path was offered (the line it had to beat). */
  worst: z.object({ acc: measured, flops: measured }).nullable(),
  phase: z.enum(['warmup', 'board']),
});

/** One meta matching network update. */
const metaRow = z.object({
  step,
  teacherId: id,
  /** Validation loss after the simulated student step. */
  lookaheadLoss: measured,
  /** dL/dρ: negative means a larger ρ (more distillation) would have lowered the validation loss. */
  dLossDRho: measured,
  rhoBefore: measured,
  rhoAfter: measured,
  /** ‖θ‖ of M after the update. */
  weightNorm: measured,
});

const steps = z.object({ rows: list(stepRow), metas: list(metaRow), lr: measured });

const board = z.object({
  /** Last step of the chunk this board follows. */
  step,
  entries: list(boardEntry),
  entered: list(id),
  left: list(id),
});

const finalPickEntry = z.object({
  role: z.enum(['chosen', 'random']),
  arch: z.string(),
  flops: measured,
  params: measured,
  /** Supernet path accuracy (%) on the first `valImages` validation images with the final shared weights. */
  supernetValAcc: measured,
  testAcc: measured.optional(),
  valAcc: measured.optional(),
});

const finalPick = z.object({
  flopsLimit: measured,
  /** Validation images the board and the random path were re-measured on (the first ones of the split). */
  valImages: count,
  /** The board at the end, re-measured on those images with the final shared weights. */
  board: list(boardEntry.extend({ finalValAcc: measured, underBudget: z.boolean() })),
  chosenId: id.nullable(),
  /** How the random path was drawn. */
  randomRule: z.string(),
  recipe: z.string().nullable(),
  entries: list(finalPickEntry),
});

export type CreamSetupData = z.output<typeof setup>;
export type BoardEntryView = z.output<typeof boardEntry>;
export type StepRow = z.output<typeof stepRow>;
export type MetaRow = z.output<typeof metaRow>;
export type StepsData = z.output<typeof steps>;
export type BoardData = z.output<typeof board>;
export type FinalPickEntry = z.output<typeof finalPickEntry>;
export type FinalPickData = z.output<typeof finalPick>;

/** This method's events in a run's log, typed by kind (core/events.ts methodEventGuard); the schemas check an imported log's payloads. */
export const isCreamEvent = methodEventGuard(CREAM_METHOD, { setup, steps, board, 'final-pick': finalPick });
export type CreamEvent = PayloadUnion<typeof isCreamEvent.payloads>;
export type CreamEventKind = CreamEvent['kind'];
