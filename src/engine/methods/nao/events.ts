import { methodEventGuard, type PayloadUnion } from '../../core/events';
import { PAYLOAD_LIMITS } from '../../core/limits';
import { list, measured, z } from '../../core/schema';
import { naoSettingsSchema } from './settings';

/**
 * Payloads of NAO's `method` events (`{ type: 'method', method: 'nao', kind, data }`). The page
 * draws these and computes nothing: 2-D coordinates, the landscape grid and every metric come
 * from the engine. Scores and predictions are in the evaluator's score units; `predicted` is the
 * predictor's f mapped back through the iteration's target scale (min–max or rank, `targets.ts`).
 * Iteration 0 is the initial random pool; iterations 1… are NAO rounds.
 */
const iteration = z.int().min(0);
const index = z.int().min(0);
const count = z.int().min(0);
const pair = z.tuple([measured, measured]);

const mode = z.enum(['table', 'ws', 'fixed']);
export type NaoMode = z.output<typeof mode>;

/** One epoch of the controller's training: the joint loss and its two parts. */
const epochLoss = z.object({ epoch: count, loss: measured, mse: measured, nll: measured });
export type EpochLoss = z.output<typeof epochLoss>;

const plan = z.object({
  mode,
  scoreLabel: z.string(),
  settings: naoSettingsSchema,
  help: z.record(naoSettingsSchema.keyof(), z.string()),
  ops: list(z.string()),
  vocab: count,
  budget: count,
  /** Rounds the budget pays for, at most `settings.iterations` (NAO-WS pays for every re-scoring). */
  plannedRounds: count,
  /** Evaluations those rounds use, the initial pool included. */
  plannedEvaluations: count,
  /** What augmentation means in this space, in one sentence. */
  augmentation: z.string(),
});

const loss = z.object({ iteration, rows: list(epochLoss) });

const poolPoint = z.object({
  arch: z.string(),
  /** Index of the candidate event holding its latest score. */
  candidateIndex: index,
  x: measured,
  y: measured,
  score: measured,
  predicted: measured,
  iterationAdded: iteration,
  origin: z.string(),
  /** One of this round's top-k seeds. */
  seed: z.boolean(),
  /** Whether greedy decoding from its own embedding gives it back. */
  reconstructed: z.boolean(),
});

const embedding = z.object({
  iteration,
  /** Share of the variance each PCA axis carries. */
  explained: pair,
  points: list(poolPoint),
  /** Predictor fit on its own training pool. */
  fit: z.object({
    pairwise: measured,
    tau: measured,
    /** Tokens decoded back correctly / all tokens. */
    reconstructionTokens: measured,
    /** Cells decoded back exactly / cells. */
    reconstructionCells: measured,
    finalLoss: epochLoss.nullable(),
  }),
  scoreRange: pair,
  trainingCells: count,
});

const stepStatus = z.enum(['accepted', 'in-pool', 'repeat', 'over-quota']);

const trajectoryStep = z.object({
  eta: measured,
  x: measured,
  y: measured,
  /** Prediction at the moved point e' (what the gradient step promised). */
  predicted: measured,
  arch: z.string(),
  /** The decode differs from the previous η's decode (or, at the first η, from the seed). */
  changed: z.boolean(),
  reproducesSeed: z.boolean(),
  status: stepStatus,
});

const trajectory = z.object({
  seedArch: z.string(),
  seedCandidateIndex: index,
  seedScore: measured,
  seedPredicted: measured,
  x: measured,
  y: measured,
  steps: list(trajectoryStep),
});

const generation = z.object({
  iteration,
  quota: count,
  etaReached: measured,
  stoppedBecause: z.enum(['quota', 'eta-cap']),
  trajectories: list(trajectory),
  accepted: list(
    z.object({
      arch: z.string(),
      eta: measured,
      seedArch: z.string(),
      /** f at the moved point that decoded to it. */
      predictedAtMove: measured,
      /** f of the cell itself, encoded afresh: the prediction the hold-out check judges. */
      predicted: measured,
      x: measured,
      y: measured,
    }),
  ),
  /** Per η (index k ↔ η = (k+1)·step): seeds whose decode was the seed itself. */
  reproducedSeedByEta: list(count),
});

const gridSide = z.int().min(1).max(PAYLOAD_LIMITS.gridSide);
const landscape = z
  .object({
    iteration,
    x0: measured,
    x1: measured,
    y0: measured,
    y1: measured,
    nx: gridSide,
    ny: gridSide,
    /** Row-major, y outer: value at (x0 + (i+0.5)·dx, y0 + (j+0.5)·dy) is values[j·nx + i]. */
    values: list(measured, PAYLOAD_LIMITS.gridSide ** 2),
  })
  .refine((d) => d.values.length === d.nx * d.ny, { error: (iss) => gridMismatch(iss.input), path: ['values'] });

const holdout = z.object({
  /** The round whose predictor made the predictions (before these cells were evaluated). */
  iteration,
  points: list(z.object({ arch: z.string(), candidateIndex: index, predicted: measured, measured })),
  tau: measured,
  pairwise: measured,
});

const poolSummary = z.object({ arch: z.string(), score: measured, candidateIndex: index, iterationAdded: iteration, origin: z.string() });

const pool = z.object({
  iteration,
  size: count,
  added: count,
  evaluationsUsed: count,
  best: poolSummary,
  /** Best of the initial random pool by current scores: the bar NAO's generated cells must clear. */
  bestInitial: poolSummary,
});

const summary = z.object({
  iterationsRun: count,
  final: poolSummary,
  /** The known weak point: the pick was never improved on by a generated cell. */
  fromInitialPool: z.boolean(),
  bestInitial: poolSummary,
  /** Accepted cells per η: how far the seeds had to be pushed. */
  acceptedByEta: list(z.object({ eta: measured, count })),
  holdoutTau: list(z.object({ iteration, tau: measured })),
});

/** What is wrong with a landscape whose values do not fill its grid. */
function gridMismatch(v: unknown): string {
  const d = v !== null && typeof v === 'object' && 'nx' in v && 'ny' in v && 'values' in v && Array.isArray(v.values) ? { cells: Number(v.nx) * Number(v.ny), n: v.values.length } : null;
  return d ? `must hold nx × ny = ${d.cells} numbers, not ${d.n}` : 'must hold nx × ny numbers';
}

export type NaoPlanData = z.output<typeof plan>;
export type NaoLossData = z.output<typeof loss>;
export type NaoPoolPoint = z.output<typeof poolPoint>;
export type NaoEmbeddingData = z.output<typeof embedding>;
export type NaoStepStatus = z.output<typeof stepStatus>;
export type NaoTrajectoryStep = z.output<typeof trajectoryStep>;
export type NaoTrajectory = z.output<typeof trajectory>;
export type NaoGenerationData = z.output<typeof generation>;
export type NaoLandscapeData = z.output<typeof landscape>;
export type NaoHoldoutData = z.output<typeof holdout>;
export type NaoPoolSummary = z.output<typeof poolSummary>;
export type NaoPoolData = z.output<typeof pool>;
export type NaoSummaryData = z.output<typeof summary>;

/** This method's events in a run's log, typed by kind (core/events.ts methodEventGuard); the schemas check an imported log's payloads. */
export const isNaoEvent = methodEventGuard('nao', { plan, loss, embedding, generation, landscape, holdout, pool, summary });
export type NaoEventData = PayloadUnion<typeof isNaoEvent.payloads>;
