import type { RunContext } from '../core/runLoop';
import type { Cost } from '../nn/macro';
import { formatCell, parseCell, type Nb201Cell } from '../spaces/nb201';
import type { Evaluation, Evaluator, FinalReport } from './types';

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

export function parseBenchmarkCsv(text: string, name = 'table'): BenchmarkTable {
  const lines = text.split(/\r?\n/);
  const provenance: string[] = [];
  let i = 0;
  while (i < lines.length && (lines[i].startsWith('#') || lines[i].trim() === '')) {
    if (lines[i].startsWith('#')) provenance.push(lines[i].replace(/^#\s?/, ''));
    i++;
  }
  if (i >= lines.length) throw new TableError(`${name}: no header line found`);
  const header = lines[i].split(',').map((h) => h.trim());
  const headerLine = i + 1;
  const archCol = header.indexOf('arch');
  if (archCol < 0) throw new TableError(`${name}, line ${headerLine}: the header has no "arch" column (found: ${header.join(', ')})`);
  const metricCols = header.map((h, k) => ({ h, k })).filter(({ h }) => h !== 'arch' && h !== 'index');
  if (metricCols.length === 0) throw new TableError(`${name}, line ${headerLine}: no metric columns beside "arch"`);
  const rows = new Map<string, Record<string, number>>();
  for (i = i + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.startsWith('#')) continue;
    const cells = line.split(',');
    const lineNo = i + 1;
    if (cells.length !== header.length) throw new TableError(`${name}, line ${lineNo}: ${cells.length} fields, the header has ${header.length}`);
    const parsed = parseCell(cells[archCol]);
    if (!parsed.ok) throw new TableError(`${name}, line ${lineNo}: ${parsed.reason}`);
    const arch = formatCell(parsed.cell);
    if (rows.has(arch)) throw new TableError(`${name}, line ${lineNo}: ${arch} appears twice`);
    const rec: Record<string, number> = {};
    for (const { h, k } of metricCols) {
      const raw = cells[k].trim();
      if (raw === '') {
        rec[h] = NaN; // a missing measurement (e.g. NASWOT on some cells) stays missing
        continue;
      }
      const v = Number(raw);
      if (!Number.isFinite(v)) throw new TableError(`${name}, line ${lineNo}: column "${h}" holds "${raw}", not a number`);
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
    ctx.emit({
      type: 'method',
      method: 'table',
      kind: 'table-info',
      data: { name: this.table.name, rows: this.table.rows.size, searchColumn: this.searchColumn, reportColumn: this.reportColumn, optimum: opt, searchOptimum: tableOptimum(this.table, this.searchColumn) },
    });
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

  dispose(): void {}
}
