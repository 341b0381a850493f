import type { RunCheckpoint } from '../../engine/methods/resume';
import type { UserDataset } from '../../engine/data/userData';
import type { RunStorage } from './saver';
import type { SavedChunk, SavedRunMeta } from './savedRun';
import { idsToPrune } from './savedRun';

/**
 * The browser's IndexedDB, for saved runs and the last uploaded benchmark table. The raw API
 * behind a few promises: every request and transaction settles its promise exactly once, and a
 * blocked or missing IndexedDB (some private modes) rejects instead of hanging.
 *
 * Stores: `runs` (SavedRunMeta, key `id`), `chunks` (SavedChunk, key [runId, seq]), `tables`
 * (the last uploaded CSV, key `key`), and a run's checkpoint under its saved id in two stores:
 * `checkpoints` (CheckpointHeader: what the page reads to say whether a run can continue) and
 * `checkpointState` (the weights, which only the worker reads and writes), and `datasets`: a
 * learner's own images (engine/data/userData.ts `UserDataset`, key `id`), which the page lists and
 * the worker trains on. e2e/restore.spec.ts writes into `runs` and `chunks` to
 * check that a damaged record is refused.
 */

export const DB_NAME = 'nas-playground';
export const DB_VERSION = 3;

export interface StoredTable {
  key: 'upload';
  name: string;
  text: string;
  savedAt: string;
}

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    if (typeof indexedDB === 'undefined') return reject(new Error('this browser offers no IndexedDB'));
    let req: IDBOpenDBRequest;
    try {
      req = indexedDB.open(DB_NAME, DB_VERSION);
    } catch (err) {
      return reject(err instanceof Error ? err : new Error(String(err)));
    }
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('runs')) db.createObjectStore('runs', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('chunks')) db.createObjectStore('chunks', { keyPath: ['runId', 'seq'] });
      if (!db.objectStoreNames.contains('tables')) db.createObjectStore('tables', { keyPath: 'key' });
      if (!db.objectStoreNames.contains('checkpoints')) db.createObjectStore('checkpoints', { keyPath: 'key' });
      if (!db.objectStoreNames.contains('checkpointState')) db.createObjectStore('checkpointState', { keyPath: 'key' });
      if (!db.objectStoreNames.contains('datasets')) db.createObjectStore('datasets', { keyPath: 'id' });
    };
    req.onsuccess = () => {
      const db = req.result;
      // Another tab opening a newer version: step aside rather than block it.
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    req.onerror = () => reject(req.error ?? new Error('IndexedDB could not be opened'));
    req.onblocked = () => reject(new Error('IndexedDB is held by another tab of an older version'));
  });
  opening.catch(() => {
    opening = null;
  });
  return opening;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** Runs `body` in one transaction and resolves when it commits (rejects on error or abort, e.g. a full disk). */
async function transact<T>(stores: string[], mode: IDBTransactionMode, body: (tx: IDBTransaction) => Promise<T> | T): Promise<T> {
  const db = await open();
  const tx = db.transaction(stores, mode);
  const done = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
  let result: T;
  try {
    result = await body(tx);
  } catch (err) {
    try {
      tx.abort();
    } catch {
      // already finished
    }
    await done.catch(() => undefined);
    throw err;
  }
  await done;
  return result;
}

const chunkRange = (runId: string) => IDBKeyRange.bound([runId, 0], [runId, Infinity]);

export async function readRunRecords(): Promise<unknown[]> {
  return transact(['runs'], 'readonly', (tx) => request(tx.objectStore('runs').getAll()));
}

/** The chunks of run `id`, in sequence order (the key orders them). */
export async function readChunks(id: string): Promise<unknown[]> {
  return transact(['chunks'], 'readonly', (tx) => request(tx.objectStore('chunks').getAll(chunkRange(id))));
}

export async function deleteRun(id: unknown): Promise<void> {
  await transact(['runs', 'chunks', 'checkpoints', 'checkpointState'], 'readwrite', (tx) => {
    // A damaged record may carry any key; one that is not a valid key has nothing to delete by.
    try {
      tx.objectStore('runs').delete(id as IDBValidKey);
    } catch {
      // not a key
    }
    if (typeof id === 'string') {
      tx.objectStore('chunks').delete(chunkRange(id));
      tx.objectStore('checkpoints').delete(id);
      tx.objectStore('checkpointState').delete(id);
    }
  });
}

/**
 * Deletes saved runs beyond the newest `keep` (`current` stays), and checkpoints whose run has no
 * record (a page closed before the run's first save).
 */
async function prune(keep: number, current: string): Promise<void> {
  const records = await readRunRecords();
  for (const id of idsToPrune(records, keep, current)) await deleteRun(id);
  const kept = new Set((await readRunRecords()).map((r) => (r as { id?: unknown }).id));
  const keys = await transact(['checkpoints'], 'readonly', (tx) => request(tx.objectStore('checkpoints').getAllKeys()));
  for (const key of keys) if (key !== current && !kept.has(key)) await deleteRun(key);
}

/** What the page knows of a checkpoint: enough to say whether the saved run can continue from it. */
export type CheckpointHeader = Omit<RunCheckpoint, 'state'> & { key: string; bytes: number; savedAt: string };

/** Writes run `key`'s checkpoint (the worker, once the evaluator is prepared): header and weights in one transaction. */
export async function writeCheckpoint(key: string, cp: RunCheckpoint): Promise<void> {
  const { state, ...rest } = cp;
  const header: CheckpointHeader = { ...rest, key, bytes: state.weights.reduce((n, w) => n + w.values.byteLength, 0), savedAt: new Date().toISOString() };
  await transact(['checkpoints', 'checkpointState'], 'readwrite', (tx) => {
    tx.objectStore('checkpointState').put({ key, state });
    tx.objectStore('checkpoints').put(header);
  });
}

const isHeader = (h: unknown): h is CheckpointHeader => {
  const r = h as Partial<CheckpointHeader> | null;
  return typeof r === 'object' && r !== null && typeof r.key === 'string' && typeof r.events === 'number' && typeof r.prefixHash === 'string' && typeof r.method === 'string' && typeof r.evaluator === 'string' && typeof r.seed === 'number';
};

/** The header of run `key`'s checkpoint, or null (none, or damaged): the page never reads the weights. */
export async function readCheckpointHeader(key: string): Promise<CheckpointHeader | null> {
  const h: unknown = await transact(['checkpoints'], 'readonly', (tx) => request(tx.objectStore('checkpoints').get(key)));
  return isHeader(h) ? h : null;
}

/** Run `key`'s whole checkpoint, weights included (the worker), or null when it is missing or damaged. */
export async function readCheckpoint(key: string): Promise<RunCheckpoint | null> {
  const [h, s] = await transact(['checkpoints', 'checkpointState'], 'readonly', (tx) =>
    Promise.all([request(tx.objectStore('checkpoints').get(key)), request(tx.objectStore('checkpointState').get(key))] as const),
  );
  const state = (s as { state?: RunCheckpoint['state'] } | undefined)?.state;
  if (!isHeader(h) || !state || !Array.isArray(state.weights) || !state.weights.every((w) => w.values instanceof Float32Array && Array.isArray(w.shape))) return null;
  const { key: _k, bytes: _b, savedAt: _s, ...rest } = h;
  return { ...rest, state };
}

export const idbRunStorage: RunStorage = {
  write: (meta: SavedRunMeta, chunk: SavedChunk) =>
    transact(['runs', 'chunks'], 'readwrite', (tx) => {
      tx.objectStore('chunks').put(chunk);
      tx.objectStore('runs').put(meta);
    }),
  prune,
};

export async function saveTable(name: string, text: string): Promise<void> {
  const row: StoredTable = { key: 'upload', name, text, savedAt: new Date().toISOString() };
  await transact(['tables'], 'readwrite', (tx) => {
    tx.objectStore('tables').put(row);
  });
}

/** The last uploaded table, or null; a damaged row reads as none. */
export async function readTable(): Promise<StoredTable | null> {
  const row: unknown = await transact(['tables'], 'readonly', (tx) => request(tx.objectStore('tables').get('upload')));
  if (typeof row !== 'object' || row === null) return null;
  const r = row as Partial<StoredTable>;
  return typeof r.name === 'string' && typeof r.text === 'string' && typeof r.savedAt === 'string' ? (r as StoredTable) : null;
}

/** Keeps a learner's dataset (its id holds its content hash: the same images overwrite themselves). */
export async function saveUserDataset(d: UserDataset): Promise<void> {
  await transact(['datasets'], 'readwrite', (tx) => {
    tx.objectStore('datasets').put(d);
  });
}

/** Every stored dataset record, unchecked: the reader checks each (userData.ts `checkStoredDataset`). */
export async function readUserDatasets(): Promise<unknown[]> {
  return transact(['datasets'], 'readonly', (tx) => request(tx.objectStore('datasets').getAll()));
}

export async function readUserDataset(id: string): Promise<unknown> {
  return transact(['datasets'], 'readonly', (tx) => request(tx.objectStore('datasets').get(id)));
}

export async function deleteUserDataset(id: string): Promise<void> {
  await transact(['datasets'], 'readwrite', (tx) => {
    tx.objectStore('datasets').delete(id);
  });
}
