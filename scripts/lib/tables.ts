import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../src/cli/nodeIo';
import { type BenchmarkTable, parseBenchmarkCsv } from '../../src/engine/evaluate/table';
import type { BenchmarkIndex, BenchmarkIndexEntry } from '../../src/app/panels/benchmark/benchmarkIndex';

export const BENCHMARKS_DIR = path.join(REPO_ROOT, 'public', 'benchmarks');

/**
 * Data that must never be copied into the repository (see ../shared/datasets/README.md) is read
 * from the shared folder beside it; NAS_SHARED_DATASETS points elsewhere.
 */
export const SHARED_DATASETS = process.env.NAS_SHARED_DATASETS ?? path.resolve(REPO_ROOT, '..', 'shared', 'datasets');
export const NB201_CSV = path.join(SHARED_DATASETS, 'nas-bench-201', 'nb201_cifar10.csv');

export function readShippedIndex(): BenchmarkIndex | null {
  const file = path.join(BENCHMARKS_DIR, 'index.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BenchmarkIndex) : null;
}

export function loadShippedTable(entry: BenchmarkIndexEntry): BenchmarkTable {
  return parseBenchmarkCsv(readFileSync(path.join(BENCHMARKS_DIR, entry.file), 'utf8'), entry.file);
}

/** The NAS-Bench-201 CIFAR-10 table, or null (with the reason) where the shared folder lacks it. */
export function loadNb201Table(): { table: BenchmarkTable } | { table: null; reason: string } {
  if (!existsSync(NB201_CSV)) return { table: null, reason: `${NB201_CSV} is absent (it is never copied into the repository)` };
  return { table: parseBenchmarkCsv(readFileSync(NB201_CSV, 'utf8'), 'nb201_cifar10.csv') };
}

/**
 * Whether the NAS-Bench-201 table is there for the tests named by `who`; where it is not, says
 * so on the console with the path it looked at, so a skipped test never passes in silence.
 */
export function nb201Present(who: string): boolean {
  if (existsSync(NB201_CSV)) return true;
  console.warn(`skipping ${who}: ${NB201_CSV} is absent (../shared/datasets is not beside the repository; NAS_SHARED_DATASETS points elsewhere)`);
  return false;
}
