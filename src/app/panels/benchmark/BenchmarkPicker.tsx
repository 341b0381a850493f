import { formatInt } from '../../format';
import { useEffect, useState } from 'react';
import { type BenchmarkTable, parseBenchmarkCsv } from '../../../engine/evaluate/table';
import type { Nb201Op } from '../../../engine/spaces/nb201';
import { OP_SHORT } from '../../graphs/ops';
import { type BenchmarkIndex, type BenchmarkIndexEntry, fetchBenchmarkCsv, fetchBenchmarkIndex } from './benchmarkIndex';

/** Everything the controls need once a shipped table is chosen. */
export interface BenchmarkPick {
  entry: BenchmarkIndexEntry;
  /** For the worker's start command (`tableCsv`) and the settings' TableFile. */
  name: string;
  text: string;
  table: BenchmarkTable;
  /** config.table.source */
  source: string;
  searchColumn: string;
  reportColumn: string;
  /** config.space.ops: the search must stay inside the table's op subset, or lookups fail. */
  ops: Nb201Op[];
}

export interface BenchmarkPickerProps {
  /** The id of the table in use (config.table.source), or null / 'custom' for an uploaded file. */
  selectedId: string | null;
  onPick(pick: BenchmarkPick): void;
  /** The app's base URL; defaults to Vite's BASE_URL. */
  baseUrl?: string;
}

/**
 * The ground-truth tables shipped in public/benchmarks (index.json, written by `npm run
 * truth:build`), so benchmark mode works with no file to supply. Sampled tables are listed for
 * what they are — ground truth for ranking — but cannot be searched: a search would propose
 * cells they do not hold.
 */
export function BenchmarkPicker({ selectedId, onPick, baseUrl = import.meta.env.BASE_URL }: BenchmarkPickerProps) {
  const [index, setIndex] = useState<BenchmarkIndex | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    fetchBenchmarkIndex(baseUrl).then(
      (idx) => live && setIndex(idx),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [baseUrl]);

  const pick = async (entry: BenchmarkIndexEntry) => {
    setLoading(entry.id);
    setError(null);
    try {
      const { name, text } = await fetchBenchmarkCsv(baseUrl, entry);
      const table = parseBenchmarkCsv(text, name);
      onPick({ entry, name, text, table, source: entry.id, searchColumn: entry.defaultSearchColumn, reportColumn: entry.defaultReportColumn, ops: entry.ops });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setLoading(null);
    }
  };

  return (
    <div className="benchmark-picker" data-testid="benchmark-picker">
      <p className="hint">Tables this playground measured itself: every cell trained from scratch on the digits with one fixed recipe and several seeds.</p>
      {error && (
        <p className="error" role="alert" data-testid="benchmark-picker-error">
          {error}
        </p>
      )}
      {!index && !error && <p className="muted">Loading the shipped tables…</p>}
      {index?.tables.map((t) => (
        <label key={t.id} className={`benchmark-option${t.searchable ? '' : ' disabled'}`} title={t.searchable ? undefined : 'A sample of the space: ground truth for ranking, not for search.'}>
          <input
            type="radio"
            name="shipped-benchmark"
            value={t.id}
            data-testid={`benchmark-option-${t.id}`}
            checked={selectedId === t.id}
            disabled={!t.searchable || loading !== null}
            onChange={() => void pick(t)}
          />
          <span>
            <strong>{t.title}</strong>
            {loading === t.id && <span className="muted"> loading…</span>}
            <br />
            <span className="hint">
              {formatInt(t.rows)} of {formatInt(t.spaceSize)} cells · ops {t.ops.map((o) => OP_SHORT[o]).join(', ')} · {t.seeds.length} seeds · search <code>{t.defaultSearchColumn}</code>, report{' '}
              <code>{t.defaultReportColumn}</code>
              {!t.searchable && ' · for ranking only'}
            </span>
          </span>
        </label>
      ))}
    </div>
  );
}
