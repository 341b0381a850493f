import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { RunEvent } from '../engine/core/events';
import type { BackendReport } from '../worker/protocol';
import { applyEvent, emptyRun, endBatch, statusOf, type RunData, type RunStatus } from './runState';
import { PrefixFolder } from './timeline';

/**
 * The page's run store. `run` is a mutable container (see runState.ts); every batch bumps `tick`
 * and the per-series versions, which is what selectors compare. Views select primitives or the
 * versions, never the growing arrays themselves.
 */

export interface RunStore {
  /** What the views show: the whole run, or the fold of a prefix of its log while the timeline is moved back. */
  run: RunData;
  /** The whole run as received: the log export and status read, and the timeline's length. */
  source: RunData;
  /** Events shown (a prefix of source.log), or null to follow the run as it grows. */
  cursor: number | null;
  /** source.log.length, published with each batch so the timeline redraws as a live run grows. */
  logLength: number;
  /**
   * Changes whenever `run` is replaced (new run, replay, reset): views keyed on versions alone
   * could miss it. A live run's start command carries it to the worker, which tags the run's
   * events and states with it, so whatever a previous run still sends is told apart and dropped.
   */
  runId: number;
  tick: number;
  trainVersion: number;
  candidateVersion: number;
  /** The worker's live state; the log has the last word once the run ends. */
  live: 'idle' | 'running' | 'paused';
  /** The log on screen came from an imported file, not from the worker. */
  replay: boolean;
  backend: BackendReport | null;
  backendState: 'starting' | 'ready' | 'failed';
  /** Errors outside the log: refused starts, worker failures. */
  errors: string[];
  selectedIndex: number | null;
  /** The worker's live tfjs tensor count with the last batch: flat over a run unless something leaks. */
  memory: { numTensors: number; numBytes: number } | null;
  /** The id the live run on screen is saved under in this browser (and its checkpoint); null for a replay. */
  saveKey: string | null;

  /** A live run begins on screen; returns its id for the worker's start command. `saveKey`: the id it is saved under. */
  beginRun(paused: boolean, saveKey?: string): number;
  /** A batch of the worker's events for run `runId`; ignored unless that run is the one on screen. */
  receiveEvents(runId: number, events: RunEvent[], memory?: RunStore['memory']): void;
  loadLog(events: RunEvent[]): void;
  reset(): void;
  setLive(runId: number, state: 'idle' | 'running' | 'paused' | 'stopped' | 'done'): void;
  setBackend(report: BackendReport | null, state: RunStore['backendState']): void;
  addError(message: string): void;
  clearErrors(): void;
  select(index: number | null): void;
  /** Shows the run as it stood after `count` events; null follows the whole run again. */
  seek(count: number | null): void;
}

const REPLAY_SLICE = 2500;

function publish(run: RunData) {
  endBatch(run);
  return { run, tick: run.versions.log, trainVersion: run.versions.train, candidateVersion: run.versions.candidates };
}

/** A new run on screen: the views follow it from its first event. */
function fresh(run: RunData) {
  folder = new PrefixFolder(run.log);
  return { ...publish(run), source: run, cursor: null, logLength: run.log.length };
}

/** Seeks over the source on screen; replaced with each new run (its snapshots belong to that log). */
let folder: PrefixFolder | null = null;

const initial = emptyRun();

export const useRunStore = create<RunStore>()((set, get) => ({
  run: initial,
  source: initial,
  cursor: null,
  logLength: 0,
  runId: 0,
  tick: 0,
  trainVersion: 0,
  candidateVersion: 0,
  live: 'idle',
  replay: false,
  backend: null,
  backendState: 'starting',
  errors: [],
  selectedIndex: null,
  memory: null,
  saveKey: null,

  beginRun(paused, saveKey) {
    const runId = get().runId + 1;
    set({ ...fresh(emptyRun()), runId, live: paused ? 'paused' : 'running', replay: false, errors: [], selectedIndex: null, saveKey: saveKey ?? null });
    return runId;
  },

  receiveEvents(runId, events, memory) {
    const s = get();
    if (memory) set({ memory });
    // A previous run's trailing events, or a live run behind a replay or a reset.
    if (runId !== s.runId || s.replay) return;
    const source = s.source;
    for (const e of events) applyEvent(source, e);
    const live = source.end ? ('idle' as const) : s.live;
    // While the timeline is held at a moment, the run grows behind it without moving the views.
    if (s.cursor === null) set({ ...publish(source), logLength: source.log.length, live });
    else set({ logLength: source.log.length, live });
  },

  loadLog(events) {
    // Applied in slices, one macrotask each: a 20,000-event log in one go is a long task that
    // freezes the page; in slices the charts fill over a few frames and input stays live.
    const run = emptyRun();
    const runId = get().runId + 1;
    set({ ...fresh(run), runId, live: 'running', replay: true, errors: [], selectedIndex: null, saveKey: null });
    let i = 0;
    const slice = () => {
      if (get().runId !== runId) return; // superseded by a new run, replay or reset
      const end = Math.min(events.length, i + REPLAY_SLICE);
      for (; i < end; i++) applyEvent(run, events[i]);
      const finished = i >= events.length;
      set({ ...(get().cursor === null ? publish(run) : {}), logLength: run.log.length, ...(finished ? { live: 'idle' as const } : {}) });
      if (!finished) setTimeout(slice, 0);
    };
    slice();
  },

  reset() {
    set({ ...fresh(emptyRun()), runId: get().runId + 1, live: 'idle', replay: false, errors: [], selectedIndex: null, saveKey: null });
  },

  setLive(runId, state) {
    const s = get();
    // 'stopped' / 'done' come from the controller before the run's last events are flushed;
    // the run-end event is what ends the run on the page, so those two are not taken from here.
    if (runId !== s.runId || s.replay || state === 'stopped' || state === 'done') return;
    if (s.source.end) return;
    set({ live: state });
  },

  setBackend(report, backendState) {
    set({ backend: report, backendState });
  },

  addError(message) {
    set({ errors: [...get().errors, message] });
  },

  clearErrors() {
    set({ errors: [] });
  },

  select(index) {
    set({ selectedIndex: index });
  },

  seek(count) {
    const s = get();
    const n = s.source.log.length;
    if (count === null || count >= n) {
      if (s.cursor !== null) set({ ...publish(s.source), cursor: null });
      return;
    }
    const k = Math.max(0, Math.floor(count));
    if (k === s.cursor) return;
    const next = folder!.seek(k);
    // Both are prefixes of one log: as many method events means the same ones, so the method views
    // keep their input (they memoise on its identity) and a scrub between two of them redraws
    // only what changed.
    if (next.methodAll.length === s.run.methodEvents.length) next.methodEvents = s.run.methodEvents;
    set({ ...publish(next), cursor: k });
  },
}));

// ---- selector hooks: each returns primitives or stable references, so a batch re-renders only what changed.

export const useRunStatus = (): RunStatus => useRunStore((s) => statusOf(s.source, s.live, s.replay));

export const usePhase = () =>
  useRunStore(useShallow((s) => ({ phase: s.run.phase, detail: s.run.phaseDetail, progress: s.run.phaseProgress })));

export const useProgress = () =>
  useRunStore(
    useShallow((s) => ({
      progress: s.run.progress,
      budget: s.run.runStart?.config.budget ?? null,
      trainArch: s.run.runStart?.trainArch ?? null,
      elapsedMs: s.run.lastT,
    })),
  );

export const useRunStart = () => useRunStore((s) => s.run.runStart);
export const useFinal = () => useRunStore((s) => s.run.final);
export const useRunEnd = () => useRunStore((s) => s.run.end);
export const useMethodEvents = () => useRunStore((s) => s.run.methodEvents);
export const useHasLog = () => useRunStore((s) => s.run.log.length > 0);
export const useBackend = () => useRunStore(useShallow((s) => ({ report: s.backend, state: s.backendState })));
export const useErrors = () => useRunStore((s) => s.errors);
export const useSelectedIndex = () => useRunStore((s) => s.selectedIndex);
export const useReplay = () => useRunStore((s) => s.replay);
/** The candidate list and a version to re-derive on; the array is the store's own, do not mutate it. */
export const useCandidates = () => useRunStore(useShallow((s) => ({ rows: s.run.candidates, version: s.candidateVersion, best: s.run.best })));
export const useMessages = () => useRunStore(useShallow((s) => ({ messages: s.run.messages, version: s.run.versions.messages })));
export const useMemory = () => useRunStore((s) => s.memory);
export const useTimeline = () => useRunStore(useShallow((s) => ({ length: s.logLength, cursor: s.cursor, runId: s.runId })));
/** The run on screen's id alone: for components that reset on a new run but must not re-render on every scrub. */
export const useRunId = () => useRunStore((s) => s.runId);
