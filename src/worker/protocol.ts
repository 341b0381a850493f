import type { MethodId, RunConfig } from '../engine/core/config';
import type { RepeatRun } from '../engine/core/repeats';
import type { Nb201Op } from '../engine/spaces/nb201';
import type { RunEvent } from '../engine/core/events';
import type { BlockStructure } from '../engine/core/formats';
import type { ThroughputResult } from '../engine/evaluate/throughput';
import type { ModelExport } from '../engine/export/modelExport';
import type { PredictionCheck } from '../engine/export/layersModel';

/** Backends the worker can run on, fastest first. wasm is absent: tfjs-backend-wasm 4.22 cannot train convolutions. */
export type BackendName = 'webgpu' | 'webgl' | 'cpu';
export type BackendChoice = 'auto' | BackendName;

/** Page → worker. */
export type WorkerCommand =
  | {
      type: 'init';
      backend: BackendChoice;
      datasetsUrl: string;
      /** For 'auto': the backend this browser measured fastest before, tried first without measuring again. */
      remembered?: BackendName | null;
      /** For 'auto': time software renderers (SwiftShader …) too, instead of skipping them untimed. */
      timeSoftware?: boolean;
      /** The dataset the page is set to: loaded while the user reads the page, so Start need not wait for it. */
      prefetch?: string;
      /**
       * Backends this browser already has a measured rate for. Any other backend the worker starts
       * without timing it (forced, or the only one 'auto' could use) is timed after 'ready': the run
       * estimates need the rate. A run that starts meanwhile stops that timing first.
       */
      knownRates?: BackendName[];
    }
  | {
      type: 'start';
      /** The page's id for this run: every event and state message of the run carries it back. */
      runId: number;
      config: RunConfig;
      /** CSV text of a benchmark table (for the table evaluator), when the user supplied or picked one. */
      tableCsv?: { name: string; text: string };
      /** Start held: the run waits for 'step' or 'resume'. */
      paused?: boolean;
      /** Train this one architecture (an imported file) instead of searching. */
      trainArch?: string;
      /** A block file's structure (widths, strides, stem): what a block method builds for `trainArch`. */
      trainStructure?: BlockStructure;
      /** The id the page saves this run under: its checkpoint is written to IndexedDB under it (app/restore/idb.ts). */
      checkpointKey?: string;
      /**
       * Continue saved run `key` from its checkpoint instead of starting afresh: `saved` is its
       * log as saved, sent back first as it was (engine/run.ts `resumeSearch`).
       */
      resume?: { key: string; saved: RunEvent[] };
    }
  /** Addressed to one run: the worker ignores a command for a run that is not its current one. */
  | { type: 'pause'; runId: number }
  | { type: 'resume'; runId: number }
  | { type: 'step'; runId: number }
  | { type: 'stop'; runId: number }
  | { type: 'speed'; runId: number; speed: RunConfig['speed'] }
  /**
   * Repeat table searches over seeds: each method of `methods` for each seed, one after another,
   * at `budget` on the table sent. Each finished run comes back as a 'repeat-run' message (its
   * best-so-far curve, not its event log), then one 'repeat-end'. Its own runId; a 'start' stops it.
   */
  | { type: 'repeat'; runId: number; spec: RepeatSpec; tableCsv: { name: string; text: string } }
  | { type: 'repeat-stop'; runId: number }
  /**
   * Table searches for the Compare view: each method of `spec.methods` for each seed, as a repeat
   * runs them, but each finished run comes back whole, as a 'compare-run' with its event log
   * (the run on screen is left alone), then one 'compare-end'. Its own runId; a 'start', a
   * 'repeat' or another 'compare' stops it.
   */
  | { type: 'compare'; runId: number; spec: RepeatSpec; tableCsv: { name: string; text: string } }
  | { type: 'compare-stop'; runId: number }
  /**
   * The network run `runId` retrained in its final phase, as a TensorFlow.js model and PyTorch /
   * Keras code ('model-export'). Only the run whose weights this worker kept ('retrained').
   */
  | { type: 'export-model'; runId: number }
  /** Load an exported model from the files a learner picked (tf.io.browserFiles) and compare its predictions with run `runId`'s network on the test images ('model-check'). */
  | { type: 'check-model'; runId: number; files: File[] }
  /** Measure supernet training throughput on this worker's backend (npm run bench drives it). */
  | { type: 'bench'; dataset: 'digits' | 'fashion'; steps: number; warmup: number; batchSize: number };

/** What a repeat over seeds runs: every (method, seed) pair as a table search (engine/run.ts `searchTable`). */
export interface RepeatSpec {
  methods: MethodId[];
  seeds: number[];
  budget: number;
  /** config.table.source: a shipped table's id or 'custom'. */
  source: string;
  searchColumn: string;
  reportColumn: string;
  ops: Nb201Op[];
  methodSettings?: RunConfig['methodSettings'];
}

export interface BackendRate {
  name: BackendName;
  /** One supernet training step (digits, batch 64) after a warm-up step, in ms. */
  msPerStep: number;
}

export interface BackendReport {
  name: BackendName;
  /** Why each faster backend was skipped, e.g. "webgpu: navigator.gpu is missing". */
  skipped: string[];
  forced: boolean;
  tfjsVersion: string;
  /** 'auto' with more than one backend on offer: each one's measured step time, fastest first. */
  measured?: BackendRate[];
  /** When the rates were measured (ISO date); earlier than this session when `remembered`. */
  measuredAt?: string;
  /** 'auto' started the backend this browser measured fastest before, without measuring again. */
  remembered?: boolean;
}

/** Worker → page. Run events arrive in batches at a steady rate, never one message per event. */
export type WorkerMessage =
  | { type: 'ready'; backend: BackendReport }
  /** The calibration asked for with `calibrate`. */
  | { type: 'rate'; rate: BackendRate; measuredAt: string }
  | {
      type: 'events';
      /** The run these events belong to (the start command's runId). */
      runId: number;
      events: RunEvent[];
      /** The backend's live tensor count when the batch was posted: flat over a run unless something leaks. */
      memory: { numTensors: number; numBytes: number };
    }
  | { type: 'bench-result'; result: ThroughputResult }
  /** One finished run of a repeat. */
  | { type: 'repeat-run'; runId: number; run: RepeatRun; ms: number }
  /** The repeat is over: every run done, stopped, or a run failed (`message`). */
  | { type: 'repeat-end'; runId: number; status: 'completed' | 'stopped' | 'error'; message?: string }
  /** One finished run of a 'compare': its whole event log, as a recorded run carries it. */
  | { type: 'compare-run'; runId: number; method: MethodId; seed: number; events: RunEvent[]; ms: number }
  | { type: 'compare-end'; runId: number; status: 'completed' | 'stopped' | 'error'; message?: string }
  | { type: 'state'; runId: number; state: 'idle' | 'running' | 'paused' | 'stopped' | 'done' }
  /** The run's final phase retrained its pick and the worker keeps the weights: the model export is available for this run. */
  | { type: 'retrained'; runId: number; space: 'nb201' | 'blocks'; arch: string }
  | { type: 'model-export'; runId: number; files?: ModelExport; error?: string }
  | { type: 'model-check'; runId: number; result?: PredictionCheck; error?: string }
  /** The run's checkpoint could not be written (a full disk …): a reload then continues it by a rerun. */
  | { type: 'checkpoint-failed'; runId: number; message: string }
  | { type: 'error'; message: string };

/** How often batched events are posted to the page. */
export const EVENT_FLUSH_MS = 100;
