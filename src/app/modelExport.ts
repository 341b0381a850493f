import { create } from 'zustand';
import type { PredictionCheck } from '../engine/export/layersModel';
import type { ModelExport } from '../engine/export/modelExport';

/**
 * The model export of the run on screen, as far as the worker told the page: whether it kept the
 * run's retrained network, the files it made of it, and the last check of an exported model.
 * Every entry names its run; the view reads only what belongs to the run on screen.
 */
interface ModelExportState {
  retrained: { runId: number; space: 'nb201' | 'blocks'; arch: string } | null;
  files: { runId: number; files: ModelExport } | null;
  pending: 'export' | 'check' | null;
  check: { runId: number; result?: PredictionCheck; error?: string } | null;
  exportError: string | null;
  setRetrained(runId: number, space: 'nb201' | 'blocks', arch: string): void;
  setPending(p: 'export' | 'check' | null): void;
  receiveExport(runId: number, files?: ModelExport, error?: string): void;
  receiveCheck(runId: number, result?: PredictionCheck, error?: string): void;
}

export const useModelExport = create<ModelExportState>()((set) => ({
  retrained: null,
  files: null,
  pending: null,
  check: null,
  exportError: null,
  setRetrained: (runId, space, arch) => set({ retrained: { runId, space, arch }, files: null, check: null, exportError: null }),
  setPending: (pending) => set({ pending }),
  receiveExport: (runId, files, error) => set({ pending: null, files: files ? { runId, files } : null, exportError: error ?? null }),
  receiveCheck: (runId, result, error) => set({ pending: null, check: { runId, result, error } }),
}));
