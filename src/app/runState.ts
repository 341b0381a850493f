import type { RunConfig } from '../engine/core/config';
import type { Phase, RunEvent } from '../engine/core/events';
import { countEvent, emptyCounts, type WorkCounts } from '../engine/methods/workPlan';
import type { Cost } from '../engine/core/cost';

/**
 * The reducer behind the page: everything shown about a run is derived from its event log here.
 * Series only ever grow, so they are appended in place (O(1) per event) and each carries a
 * version number that views subscribe to; copying a 20,000-point array per batch would not scale.
 * Plain TS without React, so a test or a replay can drive it directly.
 */

export type RunStartEvent = Extract<RunEvent, { type: 'run-start' }>;
export type FinalEvent = Extract<RunEvent, { type: 'final' }>;
export type MethodEvent = Extract<RunEvent, { type: 'method' }>;
export type LogEvent = Extract<RunEvent, { type: 'log' }>;
export type RunEndEvent = Extract<RunEvent, { type: 'run-end' }>;

export interface SeriesPoint {
  /** Position on the chart's x axis: steps counted across all trainings of the run. */
  x: number;
  step: number;
  loss: number;
  /** Accuracy in % (train events report a fraction; it is scaled here so both series share an axis). */
  acc: number;
  phase: Phase;
  /** Which training the point belongs to: a new one starts when the step counter restarts. */
  segment: number;
}

export interface CandidateRow {
  index: number;
  /** 'nb201' cells are drawn as graphs; other spaces (DNA's blocks) are shown as text. */
  space: string;
  arch: string;
  score: number;
  metrics: Record<string, number>;
  cost: Cost;
  origin: string;
  t: number;
  /** Best score over candidates 0..index: the step line of the score chart. */
  bestSoFar: number;
}

export interface PhaseProgress {
  done: number;
  total: number;
  unit: string;
}

export interface RunData {
  log: RunEvent[];
  train: SeriesPoint[];
  val: SeriesPoint[];
  candidates: CandidateRow[];
  best: CandidateRow | null;
  /** Lowest finite score so far: with `best`, the score chart's range without a scan. */
  worst: CandidateRow | null;
  /** Candidates that raised the best score, in order: the corners of the best-so-far step line. */
  improvements: CandidateRow[];
  /** Method events as a snapshot replaced once per batch (see endBatch), so method views can memoise on identity. */
  methodEvents: MethodEvent[];
  methodAll: MethodEvent[];
  messages: LogEvent[];
  runStart: RunStartEvent | null;
  final: FinalEvent | null;
  end: RunEndEvent | null;
  phase: Phase | null;
  phaseDetail: string;
  phaseProgress: PhaseProgress | null;
  /** The run's budget progress from `progress` events (candidates done / budget). */
  progress: PhaseProgress | null;
  lastT: number;
  /** Work done so far as the run's plan counts it (engine/methods/workPlan.ts): the estimate's input. */
  work: WorkCounts;
  /** Bumped when the matching array grows. */
  versions: { log: number; train: number; candidates: number; method: number; messages: number };
  /** Index into `train` where each training (segment) starts, so charts slice instead of scanning. */
  segmentStarts: number[];
  /** Largest finite training loss so far: the loss axis without a scan per frame. */
  maxLoss: number;
  // Segment bookkeeping for the x axis.
  segOffset: number;
  segment: number;
  segPhase: Phase | null;
  segLastStep: number;
}

export function emptyRun(): RunData {
  return {
    log: [],
    train: [],
    val: [],
    candidates: [],
    best: null,
    worst: null,
    improvements: [],
    methodEvents: [],
    methodAll: [],
    messages: [],
    runStart: null,
    final: null,
    end: null,
    phase: null,
    phaseDetail: '',
    phaseProgress: null,
    progress: null,
    lastT: 0,
    work: emptyCounts(),
    versions: { log: 0, train: 0, candidates: 0, method: 0, messages: 0 },
    segmentStarts: [],
    maxLoss: 0,
    segOffset: 0,
    segment: -1,
    segPhase: null,
    segLastStep: -1,
  };
}

/** JSON turns NaN into null; a replayed log must read like a live one. */
const num = (v: number | null | undefined): number => (typeof v === 'number' ? v : NaN);

/** Places a train/val step on the run-wide x axis, opening a new segment when a training restarts. */
function xFor(d: RunData, phase: Phase, step: number, isTrain: boolean): number {
  if (isTrain && (d.segment < 0 || phase !== d.segPhase || step <= d.segLastStep)) {
    d.segOffset = d.segment < 0 ? 0 : d.segOffset + d.segLastStep + 1;
    d.segment++;
    d.segPhase = phase;
    d.segmentStarts.push(d.train.length);
  }
  if (isTrain) d.segLastStep = step;
  return d.segOffset + step;
}

function finalTrainingSteps(d: RunData): number | null {
  const c = d.runStart?.config;
  const n = d.runStart?.datasetSizes?.train;
  if (!c || !n || c.evaluator === 'table') return null;
  return c.final.epochs * Math.floor(n / c.final.batchSize);
}

/** Applies one event. Mutates `d`; the store publishes the change once per batch. */
export function applyEvent(d: RunData, e: RunEvent): void {
  d.log.push(e);
  d.versions.log++;
  if (typeof e.t === 'number' && e.t > d.lastT) d.lastT = e.t;
  countEvent(d.work, e);
  switch (e.type) {
    case 'run-start':
      d.runStart = e;
      break;
    case 'phase': {
      d.phase = e.phase;
      d.phaseDetail = e.detail;
      // 'done' has no work of its own: the last phase's progress stays on screen, completed.
      if (e.phase === 'done') {
        if (d.phaseProgress) d.phaseProgress = { ...d.phaseProgress, done: d.phaseProgress.total };
        break;
      }
      const c = d.runStart?.config;
      const unit = e.phase === 'search' ? 'candidates' : 'steps';
      const total = e.total ?? (e.phase === 'final' ? finalTrainingSteps(d) : null);
      d.phaseProgress = total ? { done: 0, total, unit } : e.phase === 'search' && c ? { done: 0, total: c.budget, unit } : null;
      break;
    }
    case 'train': {
      const p: SeriesPoint = { x: 0, step: e.step, loss: num(e.loss), acc: 100 * num(e.acc), phase: e.phase, segment: 0 };
      p.x = xFor(d, e.phase, e.step, true);
      p.segment = d.segment;
      d.train.push(p);
      if (p.loss > d.maxLoss) d.maxLoss = p.loss;
      d.versions.train++;
      const pp = d.phaseProgress;
      if (pp && e.phase === d.phase && pp.unit === 'steps') d.phaseProgress = { ...pp, done: Math.min(e.step + 1, pp.total) };
      break;
    }
    case 'val':
      d.val.push({ x: xFor(d, e.phase, e.step, false), step: e.step, loss: num(e.loss), acc: num(e.acc), phase: e.phase, segment: Math.max(d.segment, 0) });
      d.versions.train++;
      break;
    case 'candidate': {
      const score = num(e.score);
      const prev = d.candidates.length > 0 ? d.candidates[d.candidates.length - 1].bestSoFar : -Infinity;
      const row: CandidateRow = { index: e.index, space: e.arch.space, arch: e.arch.arch, score, metrics: e.metrics, cost: e.cost, origin: e.origin, t: e.t, bestSoFar: Number.isNaN(score) ? prev : Math.max(prev, score) };
      d.candidates.push(row);
      if (Number.isFinite(score) && (!d.worst || score < d.worst.score)) d.worst = row;
      if (Number.isFinite(score) && (!d.best || score > d.best.score)) {
        d.best = row;
        d.improvements.push(row);
      }
      d.versions.candidates++;
      break;
    }
    case 'progress':
      d.progress = { done: e.done, total: e.total, unit: e.unit };
      if (d.phaseProgress && d.phaseProgress.unit === e.unit) d.phaseProgress = { ...d.phaseProgress, done: e.done, total: e.total };
      break;
    case 'final':
      d.final = e;
      break;
    case 'log':
      d.messages.push(e);
      d.versions.messages++;
      break;
    case 'run-end':
      d.end = e;
      break;
    case 'method':
      d.methodAll.push(e);
      d.versions.method++;
      break;
  }
}

/** Publishes per-batch snapshots; called once after a batch of applyEvent calls. */
export function endBatch(d: RunData): void {
  if (d.methodEvents.length !== d.methodAll.length) d.methodEvents = d.methodAll.slice();
}

export type RunStatus = 'idle' | 'running' | 'paused' | 'stopped' | 'done' | 'error';

/**
 * The status shown to the user. The log decides once the run has ended; before that the worker's
 * live state says whether it is running or held. A replay reads 'running' while it is being
 * applied, and a replayed log that stops short reads 'stopped'.
 */
export function statusOf(d: RunData, live: 'idle' | 'running' | 'paused', replay: boolean): RunStatus {
  if (d.end) return d.end.status === 'completed' ? 'done' : d.end.status === 'stopped' ? 'stopped' : 'error';
  if (replay) return live === 'running' ? 'running' : d.log.length > 0 ? 'stopped' : 'idle';
  return live;
}

export function configOf(d: RunData): RunConfig | null {
  return d.runStart?.config ?? null;
}
