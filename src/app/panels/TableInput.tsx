import { formatInt } from '../format';
import { useState } from 'react';
import { fileLimitText, fileTooLarge } from '../../engine/core/limits';
import { parseBenchmarkCsv } from '../../engine/evaluate/table';
import { useSettings } from '../settings';
import { BenchmarkPicker, type BenchmarkPick } from './benchmark/BenchmarkPicker';

/**
 * The benchmark CSV for the table evaluator. It is parsed here, on the page, only to check it and
 * fill the column pickers before a run; the worker parses its own copy from the start command.
 */
export function TableInput() {
  const { settings, update, table, tableError, setTable } = useSettings();
  const [loading, setLoading] = useState(false);

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    const tooLarge = fileTooLarge(file.name, file.size, 'table');
    // A refused file changes nothing: the table chosen before stays, with the reason shown.
    if (tooLarge) return setTable(useSettings.getState().table, tooLarge);
    setLoading(true);
    try {
      const text = await file.text();
      const parsed = parseBenchmarkCsv(text, file.name);
      const cols = parsed.columns;
      // Keep columns that fit (a link may name them); otherwise NAS-Bench-201's own names, else the first.
      const pick = (want: string, fallback: string) => (cols.includes(want) ? want : cols.includes(fallback) ? fallback : cols[0]);
      const searchColumn = pick(settings.searchColumn, 'c10_valid_acc');
      const reportColumn = pick(settings.reportColumn, cols.includes('c10_test_acc') ? 'c10_test_acc' : searchColumn);
      setTable({ name: file.name, text, table: parsed }, null);
      update({ searchColumn, reportColumn });
    } catch (err) {
      setTable(useSettings.getState().table, err instanceof Error ? err.message : String(err));
    } finally {
      setLoading(false);
    }
  };

  const onPick = (p: BenchmarkPick) => {
    setTable({ name: p.name, text: p.text, table: p.table, source: p.source, ops: p.ops }, null);
    update({ searchColumn: p.searchColumn, reportColumn: p.reportColumn });
  };

  const columns = table?.table.columns ?? [];
  return (
    <fieldset className="table-input">
      <legend>Benchmark table</legend>
      <BenchmarkPicker selectedId={table?.source ?? null} onPick={onPick} />
      <p className="hint">
        Or your own CSV: an <code>arch</code> column of NAS-Bench-201 arch strings and numeric columns (e.g. <code>nb201_cifar10.csv</code>), {fileLimitText('table')}.
      </p>
      <input data-testid="table-file-input" type="file" accept=".csv,text/csv" onChange={(e) => void onFile(e.target.files?.[0])} />
      {loading && <p className="muted">Reading…</p>}
      {tableError && (
        <p className="error" role="alert" data-testid="table-error">
          {tableError}
        </p>
      )}
      {table && (
        <p className="ok" data-testid="table-summary">
          {table.name}: {formatInt(table.table.rows.size)} cells, {columns.length} metric columns.
        </p>
      )}
      <label className="field">
        <span className="field-label">Search on</span>
        <select data-testid="search-column-select" value={columns.includes(settings.searchColumn) ? settings.searchColumn : ''} disabled={!table} onChange={(e) => update({ searchColumn: e.target.value })}>
          {!table && <option value="">(choose a file first)</option>}
          {columns.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <span className="hint">The column the search sees as each candidate’s score.</span>
      </label>
      <label className="field">
        <span className="field-label">Report</span>
        <select data-testid="report-column-select" value={columns.includes(settings.reportColumn) ? settings.reportColumn : ''} disabled={!table} onChange={(e) => update({ reportColumn: e.target.value })}>
          {!table && <option value="">(choose a file first)</option>}
          {columns.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <span className="hint">The column reported for the winner, e.g. test accuracy the search never saw.</span>
      </label>
    </fieldset>
  );
}
