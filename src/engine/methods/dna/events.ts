import { methodEventGuard, type PayloadUnion } from '../../core/events';
import { costSchema } from '../../core/cost';
import { PAYLOAD_LIMITS } from '../../core/limits';
import { list, measured, z } from '../../core/schema';
import { blockOpSchema, blockSetupFields } from '../blockSettings';
import { dnaSettingsSchema } from './settings';

/**
 * The `method` events DNA emits (method: 'dna'), and their payloads. The page's DNA view is a
 * function of these alone, so a recorded run replays without compute.
 */
export const DNA_METHOD = 'dna';

const count = z.int().min(0);
const index = z.int().min(0);
const s = dnaSettingsSchema.shape;
const metric = s.search.shape.metric;
const teacherSource = s.teacher.shape.source;
export type BudgetMetric = z.output<typeof metric>;

const setup = z.object({
  ...blockSetupFields,
  /** Paths per block and architectures in the space. */
  pathsPerBlock: list(count),
  spaceSize: measured,
  summary: z.string(),
  /** Stem + head cost, paid by every architecture. */
  fixedCost: costSchema,
  metric,
  /** The budget the search will use (fixed cost included). */
  limit: measured,
  /** Cheapest and dearest architecture in the metric. */
  minCost: measured,
  maxCost: measured,
  schedule: s.students.shape.schedule,
  stepsPerBlock: count,
  teacherSource,
});

const teacherCurve = z.object({ rows: list(z.object({ step: count, loss: measured, acc: measured })) });

const teacherEpoch = z.object({ epoch: count, step: count, valAcc: measured, valLoss: measured });

const teacherReady = z.object({
  source: teacherSource,
  valAcc: measured,
  testAcc: measured,
  cost: costSchema,
  layer: z.string(),
  /** Provenance of a shipped teacher (its manifest's recipe, seed, date, library), or the live recipe. */
  provenance: z.record(z.string(), z.unknown()),
});

const blockLossPoint = z.object({
  block: index,
  /** Training step within the block. */
  step: count,
  /** MSE between the student's output along the sampled path and the teacher's feature. */
  loss: measured,
  path: z.string(),
});

const blockLoss = z.object({ points: list(blockLossPoint) });

const side = z.int().min(1).max(PAYLOAD_LIMITS.gridSide);
/** One H×W map (row-major) per shown channel. */
const maps = list(list(measured, PAYLOAD_LIMITS.gridSide ** 2));
const featureMap = z
  .object({
    block: index,
    step: count,
    /** 'training': the path sampled at that step; 'rated': the best-rated path, BN recalibrated. */
    stage: z.enum(['training', 'rated']),
    path: z.string(),
    height: side,
    width: side,
    /** One H×W map (row-major) per shown channel, for one fixed held-out image. */
    teacher: maps,
    student: maps,
    channels: list(index),
  })
  .superRefine((d, ctx) => {
    // The view draws each map as a height × width grid: a map of another length would draw garbage.
    for (const key of ['teacher', 'student'] as const) {
      const bad = d[key].findIndex((m) => m.length !== d.height * d.width);
      if (bad >= 0) ctx.addIssue({ code: 'custom', path: [key, bad], message: `must hold height × width = ${d.height * d.width} numbers, not ${d[key][bad].length}`, input: d[key][bad] });
    }
  });

const candidateScore = z.object({
  /** Index in the block's path list (blockPaths order). */
  index,
  key: z.string(),
  ops: list(blockOpSchema),
  /** Ranking score: mean |ŷ − y| / std(y) on the held-out examples (lower is better). */
  score: measured,
  mse: measured,
  /** MSE / var(y). */
  mseOverVar: measured,
  cost: costSchema,
});

const blockScores = z.object({
  block: index,
  /** Every path of the block, once each, in blockPaths order. */
  candidates: list(candidateScore),
  heldOut: count,
  calibration: count,
  targetStd: measured,
});

const pick = z.object({ arch: z.string(), score: measured, cost: measured });
const search = z.object({
  metric,
  limit: measured,
  ok: z.boolean(),
  message: z.string().optional(),
  exact: pick.optional(),
  traversal: pick.extend({ leavesVisited: count, prunedByCost: count, leaves: count }).optional(),
  agree: z.boolean(),
  gap: measured,
  /** Cost–score Pareto frontier of whole architectures. */
  frontier: list(z.object({ arch: z.string(), cost: measured, score: measured })),
});

const finalEntry = z.object({
  role: z.enum(['chosen', 'random', 'teacher']),
  arch: z.string(),
  testAcc: measured,
  valAcc: measured,
  cost: costSchema,
  /** Summed block score (absent for the teacher). */
  blockScore: measured.optional(),
});

const finalCheck = z.object({ recipe: z.string(), metric, limit: measured, entries: list(finalEntry) });

export type DnaSetupData = z.output<typeof setup>;
export type TeacherCurveData = z.output<typeof teacherCurve>;
export type TeacherEpochData = z.output<typeof teacherEpoch>;
export type TeacherReadyData = z.output<typeof teacherReady>;
export type BlockLossPoint = z.output<typeof blockLossPoint>;
export type BlockLossData = z.output<typeof blockLoss>;
export type FeatureMapData = z.output<typeof featureMap>;
export type CandidateScore = z.output<typeof candidateScore>;
export type BlockScoresData = z.output<typeof blockScores>;
export type SearchSummary = z.output<typeof search>;
export type FinalEntry = z.output<typeof finalEntry>;
export type FinalCheckData = z.output<typeof finalCheck>;

/** This method's events in a run's log, typed by kind (core/events.ts methodEventGuard); the schemas check an imported log's payloads. */
export const isDnaEvent = methodEventGuard(DNA_METHOD, {
  setup,
  'teacher-curve': teacherCurve,
  'teacher-epoch': teacherEpoch,
  'teacher-ready': teacherReady,
  'block-loss': blockLoss,
  'feature-map': featureMap,
  'block-scores': blockScores,
  search,
  'final-check': finalCheck,
});
export type DnaEvent = PayloadUnion<typeof isDnaEvent.payloads>;
export type DnaEventKind = DnaEvent['kind'];
