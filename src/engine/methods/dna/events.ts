import { methodEventGuard } from '../../core/events';
import type { Cost } from '../../core/cost';
import type { BlockOp, BlockStage } from '../../spaces/blocks';

/**
 * The `method` events DNA emits (method: 'dna'), and their payloads. The page's DNA view is a
 * function of these alone, so a recorded run replays without compute.
 */
export const DNA_METHOD = 'dna';

export type BudgetMetric = 'params' | 'flops';

export interface DnaSetupData {
  dataset: string;
  inputShape: [number, number, number];
  stemChannels: number;
  stages: BlockStage[];
  ops: BlockOp[];
  /** Paths per block and architectures in the space. */
  pathsPerBlock: number[];
  spaceSize: number;
  summary: string;
  /** Stem + head cost, paid by every architecture. */
  fixedCost: Cost;
  metric: BudgetMetric;
  /** The budget the search will use (fixed cost included). */
  limit: number;
  /** Cheapest and dearest architecture in the metric. */
  minCost: number;
  maxCost: number;
  schedule: 'sequential' | 'interleaved';
  stepsPerBlock: number;
  teacherSource: 'pretrained' | 'train';
}

export interface TeacherCurveData {
  rows: { step: number; loss: number; acc: number }[];
}

export interface TeacherEpochData {
  epoch: number;
  step: number;
  valAcc: number;
  valLoss: number;
}

export interface TeacherReadyData {
  source: 'pretrained' | 'train';
  valAcc: number;
  testAcc: number;
  cost: Cost;
  layer: string;
  /** Provenance of a shipped teacher (its manifest's recipe, seed, date, library), or the live recipe. */
  provenance: Record<string, unknown>;
}

export interface BlockLossPoint {
  block: number;
  /** Training step within the block. */
  step: number;
  /** MSE between the student's output along the sampled path and the teacher's feature. */
  loss: number;
  path: string;
}

export interface BlockLossData {
  points: BlockLossPoint[];
}

export interface FeatureMapData {
  block: number;
  step: number;
  /** 'training': the path sampled at that step; 'rated': the best-rated path, BN recalibrated. */
  stage: 'training' | 'rated';
  path: string;
  height: number;
  width: number;
  /** One H×W map (row-major) per shown channel, for one fixed held-out image. */
  teacher: number[][];
  student: number[][];
  channels: number[];
}

export interface CandidateScore {
  /** Index in the block's path list (blockPaths order). */
  index: number;
  key: string;
  ops: BlockOp[];
  /** Ranking score: mean |ŷ − y| / std(y) on the held-out examples (lower is better). */
  score: number;
  mse: number;
  /** MSE / var(y). */
  mseOverVar: number;
  cost: Cost;
}

export interface BlockScoresData {
  block: number;
  /** Every path of the block, once each, in blockPaths order. */
  candidates: CandidateScore[];
  heldOut: number;
  calibration: number;
  targetStd: number;
}

export interface SearchSummary {
  metric: BudgetMetric;
  limit: number;
  ok: boolean;
  message?: string;
  exact?: { arch: string; score: number; cost: number };
  traversal?: { arch: string; score: number; cost: number; leavesVisited: number; prunedByCost: number; leaves: number };
  agree: boolean;
  gap: number;
  /** Cost–score Pareto frontier of whole architectures. */
  frontier: { arch: string; cost: number; score: number }[];
}

export interface FinalEntry {
  role: 'chosen' | 'random' | 'teacher';
  arch: string;
  testAcc: number;
  valAcc: number;
  cost: Cost;
  /** Summed block score (absent for the teacher). */
  blockScore?: number;
}

export interface FinalCheckData {
  recipe: string;
  metric: BudgetMetric;
  limit: number;
  entries: FinalEntry[];
}

export type DnaEvent =
  | { kind: 'setup'; data: DnaSetupData }
  | { kind: 'teacher-curve'; data: TeacherCurveData }
  | { kind: 'teacher-epoch'; data: TeacherEpochData }
  | { kind: 'teacher-ready'; data: TeacherReadyData }
  | { kind: 'block-loss'; data: BlockLossData }
  | { kind: 'feature-map'; data: FeatureMapData }
  | { kind: 'block-scores'; data: BlockScoresData }
  | { kind: 'search'; data: SearchSummary }
  | { kind: 'final-check'; data: FinalCheckData };

export type DnaEventKind = DnaEvent['kind'];

/** This method's events in a run's log, typed by kind (core/events.ts methodEventGuard). */
export const isDnaEvent = methodEventGuard<typeof DNA_METHOD, DnaEvent>(DNA_METHOD, { setup: true, 'teacher-curve': true, 'teacher-epoch': true, 'teacher-ready': true, 'block-loss': true, 'feature-map': true, 'block-scores': true, search: true, 'final-check': true });
