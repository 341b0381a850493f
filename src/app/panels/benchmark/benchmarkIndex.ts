import type { Nb201Op } from '../../../engine/spaces/nb201';

/**
 * public/benchmarks/index.json: the tables the playground ships, written by `npm run truth:build`.
 * Plain data and fetch helpers only (no React), so scripts and tests read the same types.
 */
export interface BenchmarkIndexEntry {
  /** Stable id, used as config.table.source. */
  id: string;
  /** File name inside public/benchmarks/. */
  file: string;
  title: string;
  description: string;
  /**
   * 'exhaustive': every cell of `ops` has a row, so any search restricted to `ops` can run on it.
   * 'sample': a uniform sample of the space — ground truth for ranking, not a search benchmark
   * (a search would propose cells the table lacks).
   */
  kind: 'exhaustive' | 'sample';
  searchable: boolean;
  space: 'nb201';
  ops: Nb201Op[];
  rows: number;
  /** Cells in the space the rows come from (ops^6). */
  spaceSize: number;
  /** Numeric columns (everything except `arch`). */
  columns: string[];
  defaultSearchColumn: string;
  defaultReportColumn: string;
  dataset: string;
  /** The one-line training recipe every row used. */
  recipe: string;
  seeds: number[];
}

export interface BenchmarkIndex {
  schema: 1;
  generated: string;
  command: string;
  tables: BenchmarkIndexEntry[];
}

export function checkBenchmarkIndex(raw: unknown): BenchmarkIndex {
  const idx = raw as Partial<BenchmarkIndex>;
  if (!idx || idx.schema !== 1 || !Array.isArray(idx.tables)) throw new Error('benchmarks/index.json: not a schema-1 benchmark index');
  for (const t of idx.tables) {
    for (const key of ['id', 'file', 'title', 'defaultSearchColumn', 'defaultReportColumn'] as const) {
      if (typeof t[key] !== 'string' || t[key] === '') throw new Error(`benchmarks/index.json: table ${JSON.stringify(t.id)} lacks "${key}"`);
    }
    if (!t.columns.includes(t.defaultSearchColumn) || !t.columns.includes(t.defaultReportColumn)) {
      throw new Error(`benchmarks/index.json: table "${t.id}" names a default column it does not have`);
    }
  }
  return idx as BenchmarkIndex;
}

/** `baseUrl` is the app's base (import.meta.env.BASE_URL in the page). */
export async function fetchBenchmarkIndex(baseUrl: string): Promise<BenchmarkIndex> {
  const res = await fetch(`${baseUrl}benchmarks/index.json`);
  if (!res.ok) throw new Error(`could not load benchmarks/index.json: HTTP ${res.status}`);
  return checkBenchmarkIndex(await res.json());
}

/** The CSV text of a shipped table, named as the worker's `tableCsv` expects. */
export async function fetchBenchmarkCsv(baseUrl: string, entry: BenchmarkIndexEntry): Promise<{ name: string; text: string }> {
  const res = await fetch(`${baseUrl}benchmarks/${entry.file}`);
  if (!res.ok) throw new Error(`could not load benchmarks/${entry.file}: HTTP ${res.status}`);
  return { name: entry.file, text: await res.text() };
}

/**
 * Checks a parsed table against what its index entry claims: row count, columns, every arch
 * inside the entry's op subset, and — for an exhaustive table — every cell of the space exactly
 * once. Returns the problems, empty when it holds.
 */
export function checkTableAgainstEntry(entry: BenchmarkIndexEntry, table: { columns: string[]; rows: Map<string, Record<string, number>> }, allArchs?: readonly string[]): string[] {
  const problems: string[] = [];
  if (table.rows.size !== entry.rows) problems.push(`${entry.file}: index.json says ${entry.rows} rows, the file has ${table.rows.size}`);
  for (const c of entry.columns) if (!table.columns.includes(c)) problems.push(`${entry.file}: index.json lists column "${c}", the file lacks it`);
  const allowed = new Set<string>(entry.ops);
  for (const arch of table.rows.keys()) {
    const outside = arch
      .split(/[|+]/)
      .filter((p) => p.includes('~'))
      .map((p) => p.split('~')[0])
      .filter((op) => !allowed.has(op));
    if (outside.length) problems.push(`${entry.file}: ${arch} uses ${[...new Set(outside)].join(', ')}, outside the table's ops (${entry.ops.join(', ')})`);
  }
  if (entry.kind === 'exhaustive') {
    const expected = entry.ops.length ** 6;
    if (entry.spaceSize !== expected) problems.push(`${entry.file}: spaceSize ${entry.spaceSize}, but ${entry.ops.length} ops on 6 edges make ${expected} cells`);
    if (table.rows.size !== expected) problems.push(`${entry.file}: an exhaustive table of ${entry.ops.length} ops needs ${expected} rows, it has ${table.rows.size}`);
    if (allArchs) {
      const missing = allArchs.filter((a) => !table.rows.has(a));
      if (missing.length) problems.push(`${entry.file}: ${missing.length} cell(s) of the space missing, e.g. ${missing[0]}`);
    }
  }
  return problems;
}
