import { methodEventGuard } from '../../core/events';
import type { NaoSettings } from './settings';
import type { EpochLoss } from './train';

/**
 * Payloads of NAO's `method` events (`{ type: 'method', method: 'nao', kind, data }`). The page
 * draws these and computes nothing: 2-D coordinates, the landscape grid and every metric come
 * from the engine. Scores and predictions are in the evaluator's score units; `predicted` is the
 * predictor's f mapped back through the iteration's target scale (min–max or rank, `targets.ts`).
 * Iteration 0 is the initial random pool; iterations 1… are NAO rounds.
 */
export type NaoMode = 'table' | 'ws' | 'fixed';

export interface NaoPlanData {
  mode: NaoMode;
  scoreLabel: string;
  settings: NaoSettings;
  help: Record<keyof NaoSettings, string>;
  ops: string[];
  vocab: number;
  budget: number;
  /** Rounds the budget pays for, at most `settings.iterations` (NAO-WS pays for every re-scoring). */
  plannedRounds: number;
  /** Evaluations those rounds use, the initial pool included. */
  plannedEvaluations: number;
  /** What augmentation means in this space, in one sentence. */
  augmentation: string;
}

export interface NaoLossData {
  iteration: number;
  rows: EpochLoss[];
}

export interface NaoPoolPoint {
  arch: string;
  /** Index of the candidate event holding its latest score. */
  candidateIndex: number;
  x: number;
  y: number;
  score: number;
  predicted: number;
  iterationAdded: number;
  origin: string;
  /** One of this round's top-k seeds. */
  seed: boolean;
  /** Whether greedy decoding from its own embedding gives it back. */
  reconstructed: boolean;
}

export interface NaoEmbeddingData {
  iteration: number;
  /** Share of the variance each PCA axis carries. */
  explained: [number, number];
  points: NaoPoolPoint[];
  /** Predictor fit on its own training pool. */
  fit: {
    pairwise: number;
    tau: number;
    /** Tokens decoded back correctly / all tokens. */
    reconstructionTokens: number;
    /** Cells decoded back exactly / cells. */
    reconstructionCells: number;
    finalLoss: EpochLoss | null;
  };
  scoreRange: [number, number];
  trainingCells: number;
}

export type NaoStepStatus = 'accepted' | 'in-pool' | 'repeat' | 'over-quota';

export interface NaoTrajectoryStep {
  eta: number;
  x: number;
  y: number;
  /** Prediction at the moved point e' (what the gradient step promised). */
  predicted: number;
  arch: string;
  /** The decode differs from the previous η's decode (or, at the first η, from the seed). */
  changed: boolean;
  reproducesSeed: boolean;
  status: NaoStepStatus;
}

export interface NaoTrajectory {
  seedArch: string;
  seedCandidateIndex: number;
  seedScore: number;
  seedPredicted: number;
  x: number;
  y: number;
  steps: NaoTrajectoryStep[];
}

export interface NaoGenerationData {
  iteration: number;
  quota: number;
  etaReached: number;
  stoppedBecause: 'quota' | 'eta-cap';
  trajectories: NaoTrajectory[];
  accepted: {
    arch: string;
    eta: number;
    seedArch: string;
    /** f at the moved point that decoded to it. */
    predictedAtMove: number;
    /** f of the cell itself, encoded afresh: the prediction the hold-out check judges. */
    predicted: number;
    x: number;
    y: number;
  }[];
  /** Per η (index k ↔ η = (k+1)·step): seeds whose decode was the seed itself. */
  reproducedSeedByEta: number[];
}

export interface NaoLandscapeData {
  iteration: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  nx: number;
  ny: number;
  /** Row-major, y outer: value at (x0 + (i+0.5)·dx, y0 + (j+0.5)·dy) is values[j·nx + i]. */
  values: number[];
}

export interface NaoHoldoutData {
  /** The round whose predictor made the predictions (before these cells were evaluated). */
  iteration: number;
  points: { arch: string; candidateIndex: number; predicted: number; measured: number }[];
  tau: number;
  pairwise: number;
}

export interface NaoPoolSummary {
  arch: string;
  score: number;
  candidateIndex: number;
  iterationAdded: number;
  origin: string;
}

export interface NaoPoolData {
  iteration: number;
  size: number;
  added: number;
  evaluationsUsed: number;
  best: NaoPoolSummary;
  /** Best of the initial random pool by current scores: the bar NAO's generated cells must clear. */
  bestInitial: NaoPoolSummary;
}

export interface NaoSummaryData {
  iterationsRun: number;
  final: NaoPoolSummary;
  /** The known weak point: the pick was never improved on by a generated cell. */
  fromInitialPool: boolean;
  bestInitial: NaoPoolSummary;
  /** Accepted cells per η: how far the seeds had to be pushed. */
  acceptedByEta: { eta: number; count: number }[];
  holdoutTau: { iteration: number; tau: number }[];
}

export type NaoEventData =
  | { kind: 'plan'; data: NaoPlanData }
  | { kind: 'loss'; data: NaoLossData }
  | { kind: 'embedding'; data: NaoEmbeddingData }
  | { kind: 'generation'; data: NaoGenerationData }
  | { kind: 'landscape'; data: NaoLandscapeData }
  | { kind: 'holdout'; data: NaoHoldoutData }
  | { kind: 'pool'; data: NaoPoolData }
  | { kind: 'summary'; data: NaoSummaryData };

/** This method's events in a run's log, typed by kind (core/events.ts methodEventGuard). */
export const isNaoEvent = methodEventGuard<'nao', NaoEventData>('nao', { plan: true, loss: true, embedding: true, generation: true, landscape: true, holdout: true, pool: true, summary: true });
