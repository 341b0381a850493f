import { create } from 'zustand';
import type { RunEvent } from '../../engine/core/events';
import { methodInfo } from '../../engine/methods/catalog';
import { SERIES_COLORS } from '../palette';
import { type RunSummary, type SlotOrigin, summarizeRun } from './compareRuns';

/** Two to four runs make a comparison; more would not read on one chart. */
export const MAX_SLOTS = 4;

export interface CompareSlot {
  /** Stable for the slot's life: React's key and the chart's test ids. */
  key: number;
  color: string;
  origin: SlotOrigin;
  label: string;
  log: readonly RunEvent[];
  run: RunSummary;
}

export type CompareLiveStatus = 'idle' | 'running' | 'completed' | 'stopped' | 'error';

interface CompareState {
  open: boolean;
  slots: CompareSlot[];
  nextKey: number;
  /** The last refusal (a bad file, a full view, a run with nothing to compare): shown until the next success. */
  refusal: string | null;
  /** Runs asked of the worker ('compare'): its runId, how many are expected, how it ended. */
  live: { runId: number; status: CompareLiveStatus; expected: number; received: number; message: string | null };
  setOpen(open: boolean): void;
  /** Adds a run by its log; a log that cannot be compared, or a full view, is refused and changes nothing. Returns whether it was added. */
  add(origin: SlotOrigin, label: string, log: readonly RunEvent[]): boolean;
  remove(key: number): void;
  refuse(message: string): void;
  beginLive(expected: number): number;
  receiveLive(runId: number, events: RunEvent[]): void;
  endLive(runId: number, status: Exclude<CompareLiveStatus, 'idle' | 'running'>, message?: string): void;
}

/** The first palette colour no slot holds: removing a run leaves the others' colours as they were. */
function freeColor(slots: readonly CompareSlot[]): string {
  return SERIES_COLORS.find((c) => !slots.some((s) => s.color === c)) ?? SERIES_COLORS[0];
}

export const useCompare = create<CompareState>()((set, get) => ({
  open: false,
  slots: [],
  nextKey: 1,
  refusal: null,
  live: { runId: 0, status: 'idle', expected: 0, received: 0, message: null },
  setOpen: (open) => set({ open }),
  add(origin, label, log) {
    const { slots, nextKey } = get();
    if (slots.length >= MAX_SLOTS) {
      set({ refusal: `${label} was not added: the comparison holds ${MAX_SLOTS} runs at most. Remove one first.` });
      return false;
    }
    const s = summarizeRun(log);
    if (!s.ok) {
      set({ refusal: `${label} was not added: ${s.reason}.` });
      return false;
    }
    set({ slots: [...slots, { key: nextKey, color: freeColor(slots), origin, label, log, run: s.run }], nextKey: nextKey + 1, refusal: null });
    return true;
  },
  remove: (key) => set((st) => ({ slots: st.slots.filter((s) => s.key !== key) })),
  refuse: (refusal) => set({ refusal }),
  beginLive(expected) {
    const runId = get().live.runId + 1;
    set({ live: { runId, status: 'running', expected, received: 0, message: null }, refusal: null });
    return runId;
  },
  receiveLive(runId, events) {
    const { live } = get();
    if (runId !== live.runId) return;
    const start = events.find((e): e is Extract<RunEvent, { type: 'run-start' }> => e.type === 'run-start');
    const label = start ? `${methodInfo(start.config.method).title}, seed ${start.config.seed}` : 'a live run';
    set({ live: { ...live, received: live.received + 1 } });
    get().add('live', label, events);
  },
  endLive(runId, status, message) {
    const { live } = get();
    if (runId !== live.runId) return;
    set({ live: { ...live, status, message: message ?? null } });
  },
}));
