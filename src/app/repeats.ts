import { create } from 'zustand';
import type { MethodId } from '../engine/core/config';
import type { RepeatRun } from '../engine/core/repeats';
import type { RepeatSpec } from '../worker/protocol';

/**
 * The page's side of "Repeat over seeds": what was asked (spec, table), the runs received so far
 * (one 'repeat-run' message each: a best-so-far curve and the pick's reported value) and how it
 * ended. Apart from the run store: a repeat is many runs, none of them on the timeline.
 */
export type RepeatStatus = 'idle' | 'running' | 'completed' | 'stopped' | 'error';

interface RepeatStore {
  runId: number;
  status: RepeatStatus;
  message: string | null;
  spec: RepeatSpec | null;
  tableName: string | null;
  runs: RepeatRun[];
  /** Milliseconds per finished run, by method: NAO's trained predictor makes it the slow one. */
  ms: Partial<Record<MethodId, number[]>>;
  begin(spec: RepeatSpec, tableName: string): number;
  receive(runId: number, run: RepeatRun, ms: number): void;
  end(runId: number, status: Exclude<RepeatStatus, 'idle' | 'running'>, message?: string): void;
}

export const useRepeats = create<RepeatStore>()((set, get) => ({
  runId: 0,
  status: 'idle',
  message: null,
  spec: null,
  tableName: null,
  runs: [],
  ms: {},
  begin(spec, tableName) {
    const runId = get().runId + 1;
    set({ runId, status: 'running', message: null, spec, tableName, runs: [], ms: {} });
    return runId;
  },
  receive(runId, run, ms) {
    if (runId !== get().runId) return;
    const m = run.method as MethodId;
    set((s) => ({ runs: [...s.runs, run], ms: { ...s.ms, [m]: [...(s.ms[m] ?? []), ms] } }));
  },
  end(runId, status, message) {
    if (runId !== get().runId) return;
    set({ status, message: message ?? null });
  },
}));
