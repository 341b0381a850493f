import { create } from 'zustand';
import { parseBenchmarkCsv } from '../../engine/evaluate/table';
import { buildArchitectureFile, type FinalEvent } from '../../engine/export/architectureFile';
import { version as appVersion } from '../../../package.json';
import { fetchBenchmarkCsv, fetchBenchmarkIndex } from '../panels/benchmark/benchmarkIndex';
import { useSettings, type TableFile } from '../settings';
import { useRunStore } from '../store';
import { replayLog, setRunSpeed, startRun } from '../workerClient';
import { loadOwnDatasets } from '../owndata/ownData';
import { deleteRun, idbRunStorage, readCheckpointHeader, readChunks, readRunRecords, readTable, saveTable } from './idb';
import { textHash } from '../../engine/core/hash';
import { continuePlan, newestRecord, RerunCheck, validateSavedRun, type ContinuePlan, type RerunCheckState, type SavedRun, type SavedTableRef } from './savedRun';
import { RunSaver, type SaverStatus } from './saver';

/**
 * Keeps the live run in the browser while it goes and offers it back after a reload: the page's
 * side of savedRun.ts. A save every few seconds appends the new events (idb.ts); at load the
 * newest saved run is read back, validated like any import, and offered; restoring replays it
 * through the store's loadLog; continuing goes on from the run's checkpoint where it has one (the
 * worker loads it), or re-runs its config and seed and checks the rerun against it (RerunCheck). None of this can stop a run: every storage error becomes a message.
 */

export const SAVE_EVERY_MS = 3000;

export interface RestoreState {
  /** checking: reading storage; offer: a saved run to restore; refused: the saved record failed its checks. */
  phase: 'checking' | 'none' | 'offer' | 'refused' | 'restored';
  saved: SavedRun | null;
  refused: { id: unknown; savedAt: string | null; errors: string[] } | null;
  plan: ContinuePlan | null;
  rerun: (RerunCheckState & { runId: number }) | null;
  /** A continue from the checkpoint on screen: its store runId and how many saved events it went on from. */
  resumed: { runId: number; saved: number; candidates: number } | null;
  saving: SaverStatus;
  /** Storage could not be opened at all (a private mode, blocked): said once. */
  unavailable: string | null;
  /** What happened to the uploaded benchmark table across the reload. */
  tableNote: string | null;
  busy: string | null;
  error: string | null;
}

export const useRestore = create<RestoreState>()(() => ({
  phase: 'checking',
  saved: null,
  refused: null,
  plan: null,
  rerun: null,
  resumed: null,
  saving: { state: 'idle', runId: null, events: 0, candidates: 0, savedAt: null, message: null },
  unavailable: null,
  tableNote: null,
  busy: null,
  error: null,
}));

const set = (patch: Partial<RestoreState>) => useRestore.setState(patch);
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The table each live run started with, by store runId: captured when the run begins. */
let liveTable: { runId: number; ref?: SavedTableRef } = { runId: -1 };
let started = false;
/** The table read back from storage: already kept, not written again. */
let keptTable: TableFile | null = null;

/** Starts saving and reads back what an earlier page left. Idempotent; returns a cleanup for tests and hot reload. */
export function startPersistence(): () => void {
  if (started) return () => undefined;
  started = true;
  const saver = new RunSaver(idbRunStorage, { appVersion });

  const saveNow = async () => {
    const s = useRunStore.getState();
    if (s.replay || !s.source.runStart || s.source.log.length === 0) return;
    if (liveTable.runId !== s.runId) captureTable(s.runId);
    const status = await saver.save(s.runId, s.source.log, liveTable.ref, s.saveKey);
    if (status !== useRestore.getState().saving) set({ saving: { ...status } });
  };
  const timer = setInterval(() => void saveNow(), SAVE_EVERY_MS);
  // A run's end is saved at once: a reload right after it should not lose the result.
  const unsubEnd = useRunStore.subscribe((s, prev) => {
    if (s.runId !== prev.runId && !s.replay) {
      captureTable(s.runId);
      // What was saved of the previous run is not this run's: the status waits for this run's first save.
      set({ saving: { state: 'idle', runId: null, events: 0, candidates: 0, savedAt: null, message: null } });
    }
    if (s.source.end && !prev.source.end && !s.replay) void saveNow();
  });

  const onBeforeUnload = (e: BeforeUnloadEvent) => {
    const s = useRunStore.getState();
    if (s.replay || s.source.end || s.live === 'idle') return;
    void saveNow(); // best effort: the page may be gone before it commits
    e.preventDefault();
    e.returnValue = '';
  };
  window.addEventListener('beforeunload', onBeforeUnload);

  const unsubTable = useSettings.subscribe((s, prev) => {
    if (s.table && s.table !== prev.table && !s.table.source && s.table !== keptTable) {
      saveTable(s.table.name, s.table.text).then(
        () => set({ tableNote: null }),
        (err: unknown) => set({ tableNote: `The uploaded table ${s.table!.name} could not be kept in this browser (${message(err)}): after a reload, upload it again.` }),
      );
    }
  });

  void readBack();
  void restoreTable();

  return () => {
    clearInterval(timer);
    unsubEnd();
    unsubTable();
    window.removeEventListener('beforeunload', onBeforeUnload);
    started = false;
  };
}

function captureTable(runId: number): void {
  const { settings, table } = useSettings.getState();
  liveTable = { runId, ref: settings.evaluator === 'table' && table ? { name: table.name, source: table.source ?? 'custom', hash: textHash(table.text) } : undefined };
}

async function readBack(): Promise<void> {
  let records: unknown[];
  try {
    records = await readRunRecords();
  } catch (err) {
    set({ phase: 'none', unavailable: `This browser's storage is not available (${message(err)}), so runs are not saved across a reload.` });
    return;
  }
  const record = newestRecord(records);
  if (record === undefined) return set({ phase: 'none' });
  const id = (record as { id?: unknown }).id;
  const savedAt = (record as { savedAt?: unknown }).savedAt;
  try {
    const chunks = typeof id === 'string' ? await readChunks(id) : [];
    // A run on a learner's images is checked once those are read back and known to the config check.
    await loadOwnDatasets();
    const r = validateSavedRun(record, chunks);
    if (r.ok) set({ phase: 'offer', saved: r.run });
    else set({ phase: 'refused', refused: { id, savedAt: typeof savedAt === 'string' ? savedAt : null, errors: r.errors } });
  } catch (err) {
    set({ phase: 'refused', refused: { id, savedAt: null, errors: [`could not be read: ${message(err)}`] } });
  }
}

/**
 * A link with the table evaluator finds no table after a reload: the uploaded one kept in
 * storage comes back, or the page says plainly that it must be uploaded again.
 */
async function restoreTable(): Promise<void> {
  const { settings, table } = useSettings.getState();
  if (settings.evaluator !== 'table' || table) return;
  try {
    const kept = await readTable();
    if (useSettings.getState().table) return; // chosen meanwhile
    if (!kept) throw new Error('none kept');
    const parsed = parseBenchmarkCsv(kept.text, kept.name);
    keptTable = { name: kept.name, text: kept.text, table: parsed };
    useSettings.getState().setTable(keptTable, null);
    set({ tableNote: `The benchmark table ${kept.name} you uploaded on ${new Date(kept.savedAt).toLocaleString()} was kept in this browser and is loaded again.` });
  } catch {
    set({ tableNote: 'This link uses the benchmark-table evaluator, and this browser keeps no table for it: pick a shipped table or upload the CSV again under "Benchmark table".' });
  }
}

/** The CSV a table run needs to run again, or null when this browser has none that matches. */
async function tableFor(run: SavedRun): Promise<{ name: string; text: string } | null> {
  const ref = run.meta.table;
  if (run.config.evaluator !== 'table') return null;
  if (ref && ref.source !== 'custom') {
    const index = await fetchBenchmarkIndex(import.meta.env.BASE_URL);
    const entry = index.tables.find((t) => t.id === ref.source);
    return entry ? fetchBenchmarkCsv(import.meta.env.BASE_URL, entry) : null;
  }
  const kept = await readTable().catch(() => null);
  return kept && ref && textHash(kept.text) === ref.hash ? { name: kept.name, text: kept.text } : null;
}

/** Shows the saved run on the page (a replay: scrubbable, exportable) and works out whether it can continue. */
export async function restoreSaved(): Promise<void> {
  const saved = useRestore.getState().saved;
  if (!saved) return;
  replayLog(saved.log);
  set({ phase: 'restored', plan: null, rerun: null, resumed: null, error: null });
  let tableAvailable = true;
  if (saved.config.evaluator === 'table') tableAvailable = (await tableFor(saved).catch(() => null)) !== null;
  // Only the checkpoint's header: its weights stay in storage until the worker loads them.
  const checkpoint = await readCheckpointHeader(saved.meta.id).catch(() => null);
  set({ plan: continuePlan(saved, { tableAvailable, tableName: saved.meta.table?.name, checkpoint }) });
}

/**
 * Continues the restored run: from its checkpoint (the worker sends the saved events back, loads
 * the weights and goes on), or else by running the saved config and seed again, as fast as the
 * page allows until it is past the saved part, checking each event.
 */
export async function continueSaved(): Promise<void> {
  const { saved, plan } = useRestore.getState();
  if (!saved || !plan?.can) return;
  set({ busy: plan.kind === 'checkpoint' ? 'Loading the checkpoint…' : 'Preparing the rerun…', error: null });
  let tableCsv: { name: string; text: string } | undefined;
  try {
    if (saved.config.evaluator === 'table') {
      const t = await tableFor(saved);
      if (!t) throw new Error(`its benchmark table ${saved.meta.table?.name ?? ''} is not available: upload it again`);
      tableCsv = t;
    }
  } catch (err) {
    set({ busy: null, error: `Cannot continue: ${message(err)}` });
    return;
  }
  if (plan.kind === 'checkpoint') {
    startRun(saved.config, { tableCsv, resume: { key: saved.meta.id, saved: saved.log } });
    set({ busy: null, resumed: { runId: useRunStore.getState().runId, saved: saved.log.length, candidates: saved.meta.candidates } });
    return;
  }
  startRun(saved.config, { tableCsv });
  const runId = useRunStore.getState().runId;
  if (saved.config.speed !== 'max') setRunSpeed('max');
  const check = new RerunCheck(saved.log);
  set({ busy: null, rerun: { ...check.state, runId } });
  const unsub = useRunStore.subscribe((s) => {
    if (s.runId !== runId) return unsub();
    const before = check.state.matched;
    check.feed(s.source.log);
    if (check.state.matched !== before || check.done) set({ rerun: { ...check.state, runId } });
    if (check.done) {
      // Past the saved part, or parted from it: the run goes on at the pace it was set to.
      if (saved.config.speed !== 'max') setRunSpeed(saved.config.speed);
      unsub();
    }
  });
}

export async function discardSaved(): Promise<void> {
  const { saved, refused } = useRestore.getState();
  const id = saved?.meta.id ?? refused?.id;
  set({ phase: 'none', saved: null, refused: null, plan: null });
  if (id !== undefined) await deleteRun(id).catch((err: unknown) => set({ error: `Could not delete the saved run: ${message(err)}` }));
}

export function dismissOffer(): void {
  set({ phase: 'none' });
}

/**
 * An unfinished run has no final result, so the usual export has nothing to write. This writes
 * the best candidate so far as the architecture file, saying in its recipe that it was not
 * retrained, with the restored log attached (NB-201 cells only: a block candidate carries no
 * structure to rebuild).
 */
export function bestSoFarFile(saved: SavedRun) {
  let best: Extract<SavedRun['log'][number], { type: 'candidate' }> | null = null;
  for (const e of saved.log) if (e.type === 'candidate' && Number.isFinite(e.score) && (!best || e.score > best.score)) best = e;
  if (!best || best.arch.space !== 'nb201') return null;
  const final: FinalEvent = {
    type: 'final',
    t: best.t,
    arch: best.arch,
    candidateIndex: best.index,
    score: best.score,
    metrics: best.metrics,
    cost: best.cost,
    recipe: `not retrained: candidate #${best.index}, the best of ${saved.meta.candidates} scored before the run was interrupted (restored after a reload); the metrics are the search's, not a final test`,
  };
  return buildArchitectureFile({ runStart: saved.runStart, final, appVersion, log: saved.log });
}
