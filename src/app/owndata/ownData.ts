import { create } from 'zustand';
import { forgetDataset, registerDataset, type DatasetInfo } from '../../engine/data/datasets';
import { checkStoredDataset, type ReadOptions, userDatasetInfo, type UserDataset } from '../../engine/data/userData';
import { deleteUserDataset, readUserDatasets, saveUserDataset } from '../restore/idb';
import type { DecodeReply, DecodeRequest } from './decode.worker';

/**
 * The learner's datasets this browser keeps (IndexedDB), as the page lists them. Each one read
 * back is checked against its content hash and registered with the engine's data layer, so the
 * config check, the shapes and the estimates know it; one that fails the check is left out.
 */
interface OwnDataStore {
  list: DatasetInfo[];
  /** Stored records that failed their check, in short words. */
  damaged: string[];
}

export const useOwnData = create<OwnDataStore>()(() => ({ list: [], damaged: [] }));

let loading: Promise<void> | null = null;

export function loadOwnDatasets(): Promise<void> {
  loading ??= (async () => {
    const rows = await readUserDatasets().catch(() => []);
    const list: DatasetInfo[] = [];
    const damaged: string[] = [];
    for (const row of rows) {
      const d = await checkStoredDataset(row);
      if (typeof d === 'string') {
        damaged.push(d);
        continue;
      }
      const info = userDatasetInfo(d);
      registerDataset(info);
      list.push(info);
    }
    useOwnData.setState({ list, damaged });
  })();
  return loading;
}

/** Keeps `d` in IndexedDB and makes it a dataset of the page. */
export async function keepDataset(d: UserDataset): Promise<DatasetInfo> {
  await saveUserDataset(d);
  const info = userDatasetInfo(d);
  registerDataset(info);
  useOwnData.setState((s) => ({ list: [...s.list.filter((x) => x.id !== info.id), info] }));
  return info;
}

export async function removeDataset(id: string): Promise<void> {
  await deleteUserDataset(id);
  forgetDataset(id);
  useOwnData.setState((s) => ({ list: s.list.filter((x) => x.id !== id) }));
}

/** Reads an upload in its own worker (decoding images is long work); rejects with the reader's message. */
export function readInWorker(files: DecodeRequest['files'], options: ReadOptions, progress: (done: number, total: number) => void): { done: Promise<UserDataset>; cancel: () => void } {
  const w = new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module' });
  let cancel = () => w.terminate();
  const done = new Promise<UserDataset>((resolve, reject) => {
    cancel = () => {
      w.terminate();
      reject(new Error('cancelled'));
    };
    w.onmessage = (ev: MessageEvent<DecodeReply>) => {
      const m = ev.data;
      if (m.type === 'progress') return progress(m.done, m.total);
      w.terminate();
      if (m.type === 'done') resolve(m.dataset);
      else reject(new Error(m.message));
    };
    w.onerror = (ev) => {
      w.terminate();
      reject(new Error(`the image reader stopped (${ev.message || 'worker error'})`));
    };
  });
  w.postMessage({ files, options } satisfies DecodeRequest);
  return { done, cancel };
}

/** Files dropped on the page: a dropped folder is walked, each file named by its path inside it. */
export async function droppedFiles(items: DataTransferItemList): Promise<{ path: string; file: File }[]> {
  const entries = [...items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => Boolean(e));
  const out: { path: string; file: File }[] = [];
  const walk = async (e: FileSystemEntry, prefix: string): Promise<void> => {
    if (e.isFile) {
      const file = await new Promise<File>((res, rej) => (e as FileSystemFileEntry).file(res, rej));
      out.push({ path: prefix + file.name, file });
    } else if (e.isDirectory) {
      const reader = (e as FileSystemDirectoryEntry).createReader();
      // readEntries gives a directory's entries in chunks: read until it gives none.
      for (;;) {
        const chunk = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (chunk.length === 0) break;
        for (const c of chunk) await walk(c, `${prefix}${e.name}/`);
      }
    }
  };
  for (const e of entries) await walk(e, '');
  return out;
}

/** Files from an input: a folder input gives each file's path inside the folder. */
export const chosenFiles = (list: FileList): { path: string; file: File }[] => [...list].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
