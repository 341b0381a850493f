import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { type DatasetId, loadDataset } from '../engine/data/datasets';
import { loadTeacherFiles } from '../engine/methods/dna/teacher';

/** The repository root, found from this file's location (src/cli). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function loadDatasetFromDisk(id: DatasetId) {
  return loadDataset(id, async (rel) => new Uint8Array(await readFile(path.join(REPO_ROOT, 'public', 'datasets', rel))));
}

/** A file shipped in public/ by its path there (a method's own files, such as DNA's teacher). */
export async function readPublicFile(rel: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path.join(REPO_ROOT, 'public', rel)));
}

/** DNA's shipped teacher, for the scripts that rate blocks outside a run. */
export function loadTeacherFromDisk(id: DatasetId) {
  return loadTeacherFiles(id, readPublicFile);
}

/** Node has only the CPU backend here (tfjs-node cannot install); silence tfjs's hint about it. */
export async function useCpuBackend(): Promise<void> {
  tf.env().set('IS_NODE', true);
  const warn = console.warn;
  console.warn = () => {};
  try {
    await tf.setBackend('cpu');
    await tf.ready();
    tf.tensor(0).dispose(); // the hint is printed on the backend's first write
  } finally {
    console.warn = warn;
  }
}
