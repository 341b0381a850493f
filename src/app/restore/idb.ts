import type { RunStorage } from './saver';
import type { SavedChunk, SavedRunMeta } from './savedRun';
import { idsToPrune } from './savedRun';

/**
 * The browser's IndexedDB, for saved runs and the last uploaded benchmark table. The raw API
 * behind a few promises: every request and transaction settles its promise exactly once, and a
 * blocked or missing IndexedDB (some private modes) rejects instead of hanging.
 *
 * Stores: `runs` (SavedRunMeta, key `id`), `chunks` (SavedChunk, key [runId, seq]), `tables`
 * (the last uploaded CSV, key `key`). e2e/restore.spec.ts writes into `runs` and `chunks` to
 * check that a damaged record is refused.
 */

export const DB_NAME = 'nas-playground';
export const DB_VERSION = 1;

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
  await transact(['runs', 'chunks'], 'readwrite', (tx) => {
    // A damaged record may carry any key; one that is not a valid key has nothing to delete by.
    try {
      tx.objectStore('runs').delete(id as IDBValidKey);
    } catch {
      // not a key
    }
    if (typeof id === 'string') tx.objectStore('chunks').delete(chunkRange(id));
  });
}

/** Deletes saved runs beyond the newest `keep` (`current` stays), and chunks whose run has no record. */
async function prune(keep: number, current: string): Promise<void> {
  const records = await readRunRecords();
  for (const id of idsToPrune(records, keep, current)) await deleteRun(id);
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
