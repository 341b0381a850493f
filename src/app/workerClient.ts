import type { RunConfig } from '../engine/core/config';
import type { RunEvent } from '../engine/core/events';
import type { BlockStructure } from '../engine/core/formats';
import type { BackendChoice, BackendName, BackendRate, BackendReport, RepeatSpec, WorkerCommand, WorkerMessage } from '../worker/protocol';
import { useCompare } from './compare/compareStore';
import { useRepeats } from './repeats';
import { useModelExport } from './modelExport';
import { useSettings } from './settings';
import { useRunStore } from './store';
import { newSavedRunId } from './restore/savedRun';

/**
 * The page's only link to the compute: it creates the worker, sends commands and feeds what comes
 * back into the store. The page itself never trains.
 */

type StartCommand = Extract<WorkerCommand, { type: 'start' }>;

let worker: Worker | null = null;
let ready = false;
/**
 * Commands sent before the worker reports `ready`. The worker handles messages concurrently, so a
 * `start` arriving while `init` is still choosing the backend would run on whichever backend tfjs
 * picked by default; holding them here keeps the backend choice honest.
 */
let pending: WorkerCommand[] = [];

/**
 * 'auto' measures every backend on offer once per browser (a few training steps each, seconds)
 * and keeps the winner here, so later visits start it at once. Keyed by the user agent: a new
 * browser version or a different GPU driver path measures again.
 */
const AUTO_KEY = 'nas-playground/auto-backend';

interface RememberedBackend {
  userAgent: string;
  name: BackendName;
  measured: BackendRate[];
  measuredAt: string;
}

function readRemembered(): RememberedBackend | null {
  try {
    const r = JSON.parse(localStorage.getItem(AUTO_KEY) ?? 'null') as RememberedBackend | null;
    return r && r.userAgent === navigator.userAgent && typeof r.name === 'string' && Array.isArray(r.measured) ? r : null;
  } catch {
    return null; // storage blocked or a damaged entry: measure again
  }
}

/** The rate this browser measured for `name` when 'auto' last timed it, or null. */
export function rememberedRate(name: BackendName): number | null {
  return readRemembered()?.measured.find((m) => m.name === name)?.msPerStep ?? null;
}

function remember(report: BackendReport, auto = !report.forced): BackendReport {
  try {
    if (auto && report.measured && report.measuredAt) {
      const entry: RememberedBackend = { userAgent: navigator.userAgent, name: report.name, measured: report.measured, measuredAt: report.measuredAt };
      localStorage.setItem(AUTO_KEY, JSON.stringify(entry));
    } else if (report.remembered) {
      const r = readRemembered();
      if (r) return { ...report, measured: r.measured, measuredAt: r.measuredAt };
    }
  } catch {
    // Without storage the choice is measured again next time; nothing else depends on it.
  }
  return report;
}

/** Forgets the measured choice and starts a new worker that times every backend, software renderers too. */
export function remeasureBackend(): void {
  try {
    localStorage.removeItem(AUTO_KEY);
  } catch {
    // nothing stored
  }
  connectWorker('auto', { timeSoftware: true });
}

export function connectWorker(backend: BackendChoice, opts: { timeSoftware?: boolean } = {}): void {
  disconnectWorker();
  const store = useRunStore.getState();
  store.setBackend(null, 'starting');
  const w = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module' });
  worker = w;
  w.onmessage = (ev: MessageEvent<WorkerMessage>) => {
    if (w !== worker) return;
    const m = ev.data;
    const s = useRunStore.getState();
    switch (m.type) {
      case 'ready':
        ready = true;
        s.setBackend(remember(m.backend), 'ready');
        for (const cmd of pending) w.postMessage(cmd);
        pending = [];
        break;
      case 'rate':
        // 'auto' with one usable backend: remembered like a measured choice, so the next visit starts it at once.
        if (s.backend?.name === m.rate.name) s.setBackend(remember({ ...s.backend, measured: [...(s.backend.measured ?? []), m.rate], measuredAt: m.measuredAt }, backend === 'auto'), 'ready');
        break;
      case 'events':
        s.receiveEvents(m.runId, m.events, m.memory);
        break;
      case 'state':
        s.setLive(m.runId, m.state);
        break;
      case 'retrained':
        useModelExport.getState().setRetrained(m.runId, m.space, m.arch);
        break;
      case 'model-export':
        useModelExport.getState().receiveExport(m.runId, m.files, m.error);
        break;
      case 'model-check':
        useModelExport.getState().receiveCheck(m.runId, m.result, m.error);
        break;
      case 'checkpoint-failed':
        if (m.runId === s.runId) s.addError(`This run's checkpoint could not be kept in this browser (${m.message}): after a reload it would continue by running again from the start.`);
        break;
      case 'bench-result':
        benchWaiters.shift()?.resolve(m.result);
        break;
      case 'repeat-run':
        useRepeats.getState().receive(m.runId, m.run, m.ms);
        break;
      case 'repeat-end':
        useRepeats.getState().end(m.runId, m.status, m.message);
        break;
      case 'compare-run':
        useCompare.getState().receiveLive(m.runId, m.events);
        break;
      case 'compare-end':
        useCompare.getState().endLive(m.runId, m.status, m.message);
        break;
      case 'error':
        // A refused or failed measurement answers its caller, not only the page's error list.
        if (ready && benchWaiters.length > 0) benchWaiters.shift()!.reject(new Error(m.message));
        if (!ready) {
          s.setBackend(null, 'failed');
          pending = [];
        }
        s.addError(m.message);
        break;
    }
  };
  w.onerror = (ev) => {
    if (w !== worker) return;
    ev.preventDefault();
    const s = useRunStore.getState();
    if (!ready) s.setBackend(null, 'failed');
    s.addError(`The compute worker failed: ${ev.message || 'it could not be loaded'}`);
  };
  const remembered = backend === 'auto' ? (readRemembered()?.name ?? null) : null;
  const knownRates = readRemembered()?.measured.map((m) => m.name) ?? [];
  w.postMessage({ type: 'init', backend, datasetsUrl: import.meta.env.BASE_URL + 'datasets/', remembered, timeSoftware: opts.timeSoftware, prefetch: useSettings.getState().settings.dataset, knownRates } satisfies WorkerCommand);
}

type BenchCommand = Extract<WorkerCommand, { type: 'bench' }>;
type BenchResult = Extract<WorkerMessage, { type: 'bench-result' }>['result'];
let benchWaiters: { resolve: (r: BenchResult) => void; reject: (e: Error) => void }[] = [];

/**
 * Supernet training throughput on the worker's backend (npm run bench:browser calls it through
 * `window.nasPlayground`); no run may be in progress.
 */
export function benchWorker(opts: Omit<BenchCommand, 'type'>): Promise<BenchResult> {
  if (!worker) return Promise.reject(new Error('no compute worker'));
  return new Promise((resolve, reject) => {
    benchWaiters.push({ resolve, reject });
    send({ type: 'bench', ...opts });
  });
}

export function disconnectWorker(): void {
  // A repeat in progress dies with its worker: say so rather than leave it "running".
  const r = useRepeats.getState();
  if (r.status === 'running') r.end(r.runId, 'stopped', 'the compute worker was restarted');
  const c = useCompare.getState().live;
  if (c.status === 'running') useCompare.getState().endLive(c.runId, 'stopped', 'the compute worker was restarted');
  for (const w of benchWaiters) w.reject(new Error('the worker was restarted'));
  benchWaiters = [];
  worker?.terminate();
  worker = null;
  ready = false;
  pending = [];
}

function send(cmd: WorkerCommand): void {
  if (!worker) return;
  if (ready) worker.postMessage(cmd);
  else pending.push(cmd);
}

/**
 * Starts a live run. Its id in this browser's storage is chosen here, so the worker writes the
 * run's checkpoint under the id its saved events get; `resume` continues a saved run from its
 * checkpoint instead of starting afresh.
 */
export function startRun(
  config: RunConfig,
  opts: { tableCsv?: { name: string; text: string }; paused?: boolean; trainArch?: string; trainStructure?: BlockStructure; resume?: StartCommand['resume'] } = {},
): void {
  const checkpointKey = newSavedRunId(new Date());
  const runId = useRunStore.getState().beginRun(Boolean(opts.paused), checkpointKey);
  const cmd: StartCommand = { type: 'start', runId, config, paused: opts.paused, tableCsv: opts.tableCsv, checkpointKey };
  if (opts.resume) cmd.resume = opts.resume;
  if (opts.trainArch) cmd.trainArch = opts.trainArch;
  if (opts.trainArch && opts.trainStructure) cmd.trainStructure = opts.trainStructure;
  send(cmd);
}

/**
 * Shows a recorded log (an imported file, a gallery run) without computing. A live run would go
 * on computing unseen behind the replay, so it is stopped first.
 */
export function replayLog(log: RunEvent[]): void {
  const s = useRunStore.getState();
  if (!s.source.end && s.live !== 'idle') stopRun();
  s.loadLog(log);
}

/** Commands to the live run on screen, by its id: one meant for a run that has since been replaced does nothing. */
const onScreen = () => useRunStore.getState().runId;
export const pauseRun = () => send({ type: 'pause', runId: onScreen() });
export const resumeRun = () => send({ type: 'resume', runId: onScreen() });
export const stepRun = () => send({ type: 'step', runId: onScreen() });
export const stopRun = () => send({ type: 'stop', runId: onScreen() });
export const setRunSpeed = (speed: RunConfig['speed']) => send({ type: 'speed', runId: onScreen(), speed });

/** Asks the worker for the run on screen's retrained network as model files (answered by 'model-export'). */
export function requestModelExport(): void {
  useModelExport.getState().setPending('export');
  send({ type: 'export-model', runId: onScreen() });
}

/** Sends exported model files to the worker to load and compare with the run on screen's network ('model-check'). */
export function checkExportedModel(files: File[]): void {
  useModelExport.getState().setPending('check');
  send({ type: 'check-model', runId: onScreen(), files });
}

/** Repeats table searches over seeds in the worker ('repeat'); the answers land in `useRepeats`. */
export function startRepeat(spec: RepeatSpec, tableCsv: { name: string; text: string }): void {
  const runId = useRepeats.getState().begin(spec, tableCsv.name);
  send({ type: 'repeat', runId, spec, tableCsv });
}

export const stopRepeat = () => send({ type: 'repeat-stop', runId: useRepeats.getState().runId });

/**
 * Table searches for the Compare view ('compare'): each finished run comes back with its whole
 * log and joins the comparison (`useCompare`); the run on screen is left alone.
 */
export function startCompare(spec: RepeatSpec, tableCsv: { name: string; text: string }): void {
  const runId = useCompare.getState().beginLive(spec.methods.length * spec.seeds.length);
  send({ type: 'compare', runId, spec, tableCsv });
}

export const stopCompare = () => send({ type: 'compare-stop', runId: useCompare.getState().live.runId });
