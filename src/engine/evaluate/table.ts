import { fileTooLarge } from '../core/limits';
import { csvParseRows } from 'd3';
import { clip, quote } from '../core/quote';
import { DECIMAL } from '../core/decimal';
import { headerNamesProblem, LINE_BREAK, lineBreaks } from '../core/csv';
import type { RunContext } from '../core/runLoop';
import type { Cost } from '../core/cost';
import { formatCell, parseCell, type Nb201Cell } from '../spaces/nb201';
import type { Evaluation, Evaluator, EvaluatorState, FinalReport } from './types';
import { methodEvent, methodEventGuard, type PayloadUnion } from '../core/events';
import { measured, z } from '../core/schema';

/** The table evaluator's one event: where the scores come from, and the best the table holds (what regret is measured against). */
const best = z.object({ arch: z.string(), value: measured });
const tableInfo = z.object({
  name: z.string(),
  rows: z.int().min(0),
  searchColumn: z.string(),
  reportColumn: z.string(),
  optimum: best,
  searchOptimum: best,
});
export type TableInfoData = z.output<typeof tableInfo>;
export const isTableEvent = methodEventGuard('table', { 'table-info': tableInfo });
export type TableEvent = PayloadUnion<typeof isTableEvent.payloads>;

/**
 * A tabular benchmark: one row per NB-201 arch string, numeric metric columns
 * (the format of NAS-Bench-201 exports such as nb201_cifar10.csv). Header lines starting with
 * '#' carry provenance (recipe, seeds, versions) and are kept.
 */
export interface BenchmarkTable {
  name: string;
  columns: string[];
  rows: Map<string, Record<string, number>>;
  /** Lines of '# key: value' provenance from the top of the file. */
  provenance: string[];
}

export class TableError extends Error {}


/**
 * Reads a benchmark table: RFC 4180 CSV (quoted fields may hold commas, doubled quotes and line
 * breaks; lines end in LF, CRLF or CR), parsed by d3-dsv. A UTF-8 byte-order mark is dropped;
 * lines starting with '#' before the header are provenance, kept verbatim; '#' lines and blank
 * lines after it are skipped. Metric cells are decimal numbers, or empty for a measurement that
 * is missing (NaN: NAS-Bench-201 has no NASWOT score for some cells). Every message starts with
 * the file's name and the line, and quotes at most QUOTE_MAX characters of the file.
 */
export function parseBenchmarkCsv(text: string, name = 'table'): BenchmarkTable {
  const tooLarge = fileTooLarge(name, text.length, 'table');
  if (tooLarge) throw new TableError(tooLarge);
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Provenance before the header is free text, not CSV (a stray quote in a comment must not open
  // a field), so it is read line by line; the CSV parser starts at the header.
  const provenance: string[] = [];
  let pos = 0;
  let headerLine = 1;
  const eol = new RegExp(LINE_BREAK.source, 'g');
  while (pos < src.length) {
    eol.lastIndex = pos;
    const m = eol.exec(src);
    const line = src.slice(pos, m ? m.index : src.length);
    if (!line.startsWith('#') && line.trim() !== '') break;
    if (line.startsWith('#')) provenance.push(line.replace(/^#\s?/, ''));
    pos = m ? m.index + m[0].length : src.length;
    headerLine++;
  }
  if (pos >= src.length) throw new TableError(`${name}: no header line found`);

  // The final line break ends the last record; left in, an unclosed quote would take it as content.
  const records = csvParseRows(src.slice(pos).replace(/(?:\r\n|\r|\n)$/, ''));
  const header = records[0].map((h) => h.trim());
  const at = (line: number) => `${name}, line ${line}`;
  // A table with no arch column is not a table at all (binary, another format): say that first.
  const archCol = header.indexOf('arch');
  if (archCol < 0) throw new TableError(`${at(headerLine)}: the header has no "arch" column (found: ${clip(header.join(', '))})`);
  const headerProblem = headerNamesProblem(header);
  if (headerProblem) throw new TableError(`${at(headerLine)}: ${headerProblem}`);
  const metricCols = header.map((h, k) => ({ h, k })).filter(({ h }) => h !== 'arch' && h !== 'index');
  if (metricCols.length === 0) throw new TableError(`${at(headerLine)}: no metric columns beside "arch"`);

  const rows = new Map<string, Record<string, number>>();
  // d3-dsv gives no positions, but each record takes one line plus the line breaks inside its
  // quoted fields, which it returns verbatim: that counts the lines exactly.
  const spanOf = (record: string[]) => record.reduce((n, f) => n + lineBreaks(f), 0);
  let next = headerLine + 1 + spanOf(records[0]);
  for (const cells of records.slice(1)) {
    const spans = spanOf(cells);
    const lineNo = next;
    next += 1 + spans;
    const runsTo = spans > 0 ? ` (its quoted field runs on to line ${lineNo + spans}: is a closing quote missing?)` : '';
    if (cells[0].startsWith('#')) {
      if (spans > 0) throw new TableError(`${at(lineNo)}: a comment line opens a quote that runs on to line ${lineNo + spans}`);
      continue;
    }
    if (cells.length === 1 && cells[0].trim() === '') continue;
    if (cells.length !== header.length) throw new TableError(`${at(lineNo)}: ${cells.length} fields, the header has ${header.length}${runsTo}`);
    const parsed = parseCell(cells[archCol]);
    if (!parsed.ok) throw new TableError(`${at(lineNo)}: ${parsed.reason}${runsTo}`);
    const arch = formatCell(parsed.cell);
    if (rows.has(arch)) throw new TableError(`${at(lineNo)}: ${arch} appears twice`);
    const rec: Record<string, number> = {};
    for (const { h, k } of metricCols) {
      const raw = cells[k].trim();
      if (raw === '') {
        rec[h] = NaN; // a missing measurement (e.g. NASWOT on some cells) stays missing
        continue;
      }
      const v = DECIMAL.test(raw) ? Number(raw) : NaN;
      if (!Number.isFinite(v)) {
        throw new TableError(`${at(lineNo)}: column ${quote(h)} holds ${quote(raw)}, not a number (field ${k + 1}; numbers are decimal, such as 91.25 or 1.5e-3)${runsTo}`);
      }
      rec[h] = v;
    }
    rows.set(arch, rec);
  }
  if (rows.size === 0) throw new TableError(`${name}: the table has a header but no rows`);
  return { name, columns: metricCols.map((c) => c.h), rows, provenance };
}

export function requireColumn(table: BenchmarkTable, column: string, role: string): void {
  if (!table.columns.includes(column)) {
    throw new TableError(`${table.name}: no column "${column}" for the ${role} (columns: ${table.columns.join(', ')})`);
  }
}

/** Best value of a column over the whole table: the optimum that regret is measured against. */
export function tableOptimum(table: BenchmarkTable, column: string): { arch: string; value: number } {
  let best = { arch: '', value: -Infinity };
  for (const [arch, rec] of table.rows) if (rec[column] > best.value) best = { arch, value: rec[column] };
  return best;
}

/**
 * Scores by looking the cell up: each query costs one unit of budget; the search sees
 * `searchColumn`, the final report gives `reportColumn` (e.g. validation vs test accuracy).
 */
export class TableEvaluator implements Evaluator<Nb201Cell> {
  readonly id = 'table' as const;
  readonly scoreLabel: string;

  constructor(
    readonly table: BenchmarkTable,
    private readonly searchColumn: string,
    private readonly reportColumn: string,
    private readonly fallbackCost: (cell: Nb201Cell) => Cost,
  ) {
    requireColumn(table, searchColumn, 'search metric');
    requireColumn(table, reportColumn, 'reported metric');
    this.scoreLabel = `${searchColumn} (table ${table.name})`;
  }

  async prepare(ctx: RunContext): Promise<void> {
    const opt = tableOptimum(this.table, this.reportColumn);
    ctx.emit(
      methodEvent<'table', TableEvent>('table', {
        kind: 'table-info',
        data: { name: this.table.name, rows: this.table.rows.size, searchColumn: this.searchColumn, reportColumn: this.reportColumn, optimum: opt, searchOptimum: tableOptimum(this.table, this.searchColumn) },
      }),
    );
  }

  lookup(cell: Nb201Cell): Record<string, number> {
    const arch = formatCell(cell);
    const rec = this.table.rows.get(arch);
    if (!rec) throw new TableError(`${this.table.name} has no row for ${arch}`);
    return rec;
  }

  has(cell: Nb201Cell): boolean {
    return this.table.rows.has(formatCell(cell));
  }

  private cost(cell: Nb201Cell, rec: Record<string, number>): Cost {
    if (Number.isFinite(rec.params_m) && Number.isFinite(rec.flops_m)) return { params: rec.params_m * 1e6, flops: rec.flops_m * 1e6 };
    return this.fallbackCost(cell);
  }

  async evaluate(cell: Nb201Cell): Promise<Evaluation> {
    const rec = this.lookup(cell);
    return { score: rec[this.searchColumn], metrics: { ...rec }, cost: this.cost(cell, rec) };
  }

  async finalize(cell: Nb201Cell): Promise<FinalReport> {
    const rec = this.lookup(cell);
    return { metrics: { ...rec, reported: rec[this.reportColumn] }, cost: this.cost(cell, rec), recipe: `table lookup: ${this.table.name}, reported column "${this.reportColumn}"` };
  }

  // A lookup keeps no state: the table is the whole of it.
  async snapshot(): Promise<EvaluatorState> {
    return { weights: [] };
  }

  async restore(): Promise<void> {}

  replayed(): void {}

  dispose(): void {}
}
