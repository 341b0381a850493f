import type { RunEvent } from '../../engine/core/events';
import { KEEP_RUNS, newSavedRunId, SAVED_RUN_VERSION, type SavedChunk, type SavedRunMeta, type SavedTableRef } from './savedRun';

/** Where a saver writes: IndexedDB on the page (idb.ts), a fake in the tests. */
export interface RunStorage {
  /** Writes the chunk and the meta in one transaction: both or neither. */
  write(meta: SavedRunMeta, chunk: SavedChunk): Promise<void>;
  /** Deletes all but the `keep` newest runs; `current` always stays. */
  prune(keep: number, current: string): Promise<void>;
}

export interface SaverStatus {
  state: 'idle' | 'saved' | 'full' | 'failed';
  runId: string | null;
  events: number;
  candidates: number;
  savedAt: string | null;
  /** What the page says when saving stopped; the run itself goes on. */
  message: string | null;
}

const isQuota = (err: unknown) => err instanceof Error && (err.name === 'QuotaExceededError' || /quota/i.test(err.message));
const errText = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 120);

/**
 * Saves one live run at a time, a chunk of new events per call. A storage error never reaches
 * the run: a full disk first makes room (only this run is kept) and tries once more, then saving
 * stops for this run and the status says so, with how much of it is saved.
 */
export class RunSaver {
  status: SaverStatus = { state: 'idle', runId: null, events: 0, candidates: 0, savedAt: null, message: null };
  private key: unknown = null;
  private meta: SavedRunMeta | null = null;
  private busy = false;

  constructor(
    private readonly storage: RunStorage,
    private readonly opts: { appVersion: string; now?: () => Date; newId?: () => string; keep?: number } ,
  ) {}

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  /**
   * Saves what `log` holds beyond the last save. `key` names the run on the page (its store
   * runId): a new key starts a new saved run, under `id` when the page chose one at the start (its
   * checkpoint is written under the same id). Resolves to the status; never rejects.
   */
  async save(key: unknown, log: readonly RunEvent[], table?: SavedTableRef, id?: string | null): Promise<SaverStatus> {
    if (this.busy) return this.status;
    if (key !== this.key) {
      this.key = key;
      this.meta = null;
      this.status = { state: 'idle', runId: null, events: 0, candidates: 0, savedAt: null, message: null };
    }
    if (this.status.state === 'full' || this.status.state === 'failed') return this.status;
    const from = this.meta?.events ?? 0;
    if (log.length <= from) return this.status;
    this.busy = true;
    try {
      const first = !this.meta;
      const at = this.now().toISOString();
      const events = log.slice(from);
      const prev = this.meta;
      const meta: SavedRunMeta = {
        id: prev?.id ?? id ?? this.opts.newId?.() ?? newSavedRunId(new Date(at)),
        version: SAVED_RUN_VERSION,
        startedAt: prev?.startedAt ?? at,
        savedAt: at,
        appVersion: this.opts.appVersion,
        events: log.length,
        chunks: (prev?.chunks ?? 0) + 1,
        candidates: (prev?.candidates ?? 0) + events.filter((e) => e.type === 'candidate').length,
        ended: log.some((e, i) => i >= from && e.type === 'run-end') || (prev?.ended ?? false),
        ...(table ? { table } : {}),
      };
      const chunk: SavedChunk = { runId: meta.id, seq: meta.chunks - 1, events: JSON.stringify(events) };
      try {
        await this.storage.write(meta, chunk);
      } catch (err) {
        if (!isQuota(err)) throw err;
        // Make room: older saved runs go first, then one more try.
        await this.storage.prune(1, meta.id).catch(() => undefined);
        await this.storage.write(meta, chunk);
      }
      this.meta = meta;
      this.status = { state: 'saved', runId: meta.id, events: meta.events, candidates: meta.candidates, savedAt: at, message: null };
      if (first) await this.storage.prune(this.opts.keep ?? KEEP_RUNS, meta.id).catch(() => undefined);
    } catch (err) {
      const saved = this.meta ? `${this.meta.events} events saved, up to ${new Date(this.meta.savedAt).toLocaleTimeString()}` : 'nothing of it is saved';
      this.status = {
        state: isQuota(err) ? 'full' : 'failed',
        runId: this.meta?.id ?? null,
        events: this.meta?.events ?? 0,
        candidates: this.meta?.candidates ?? 0,
        savedAt: this.meta?.savedAt ?? null,
        message: isQuota(err)
          ? `This browser's storage is full, so the run is no longer saved (${saved}). The run itself goes on; a reload would lose what came after.`
          : `The run could not be saved in this browser (${errText(err)}; ${saved}). The run itself goes on; a reload would lose what came after.`,
      };
    } finally {
      this.busy = false;
    }
    return this.status;
  }
}
