import { useEffect, useMemo, useRef, useState } from 'react';
import { formatCount, formatScore, metricLabel } from '../format';
import { CellGraph } from '../graphs/CellGraph';
import { useShownMethod, useSpaceWords } from '../onScreen';
import { ArchChain } from './cream/ArchChain';
import type { CandidateRow } from '../runState';
import { useCandidates, useFinal, useRunStore, useSelectedIndex } from '../store';

type SortKey = 'score' | 'index' | 'params' | 'flops';
const COLUMNS: { key: SortKey; title: string }[] = [
  { key: 'index', title: '#' },
  { key: 'score', title: 'score' },
  { key: 'params', title: 'params' },
  { key: 'flops', title: 'FLOPs' },
];
const SHOWN = 20;
/** A table re-sorting ten times a second is unreadable and costs a layout per batch; four times is plenty. */
const REFRESH_MS = 250;

const value = (r: CandidateRow, k: SortKey) => (k === 'score' ? r.score : k === 'index' ? r.index : k === 'params' ? r.cost.params : r.cost.flops);

/** Every evaluated candidate, sortable; a click shows the cell in the inspector beside it. */
export function Leaderboard() {
  const { rows, version } = useCandidates();
  const selected = useSelectedIndex();
  const final = useFinal();
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'score', desc: true });
  const [showAll, setShowAll] = useState(false);

  const shownVersion = useThrottled(version, REFRESH_MS);
  const shown = useMemo(() => {
    const dir = sort.desc ? -1 : 1;
    // NaN scores (a missing table value) sink to the bottom whichever way the column is sorted.
    const cmp = (a: CandidateRow, b: CandidateRow) => {
      const va = value(a, sort.key);
      const vb = value(b, sort.key);
      if (Number.isNaN(va) !== Number.isNaN(vb)) return Number.isNaN(va) ? 1 : -1;
      return (va - vb) * dir || a.index - b.index;
    };
    // The first SHOWN in one pass: a timeline move over thousands of candidates re-ranks them every frame.
    return showAll ? [...rows].sort(cmp) : firstK(rows, SHOWN, cmp);
    // The version is a dependency because the store appends to `rows` in place.
  }, [rows, shownVersion, sort, showAll]);
  const select = (i: number) => useRunStore.getState().select(i);
  const words = useSpaceWords();

  return (
    <section className="panel leaderboard" data-testid="leaderboard" aria-labelledby="leaderboard-title">
      <h2 id="leaderboard-title">Leaderboard</h2>
      {rows.length === 0 ? (
        <p className="muted">Every candidate the search scores will be listed here. Click a row to see its {words.noun}.</p>
      ) : (
        <>
          <div className="table-scroll">
            <table>
              <colgroup>
                <col className="c-index" />
                <col className="c-score" />
                <col className="c-cost" />
                <col className="c-cost" />
                <col />
              </colgroup>
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <th key={c.key} aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                      <button className="sort" data-testid={`sort-${c.key}`} onClick={() => setSort({ key: c.key, desc: sort.key === c.key ? !sort.desc : c.key === 'score' })}>
                        {c.title}
                        {sort.key === c.key ? (sort.desc ? ' ▼' : ' ▲') : ''}
                      </button>
                    </th>
                  ))}
                  <th>{words.noun} (arch string) · origin</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr
                    key={r.index}
                    data-testid="leaderboard-row"
                    data-index={r.index}
                    className={`${r.index === selected ? 'selected' : ''} ${final?.candidateIndex === r.index ? 'final' : ''}`}
                    tabIndex={0}
                    aria-selected={r.index === selected}
                    onClick={() => select(r.index)}
                    onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), select(r.index))}
                  >
                    <td className="num">{r.index}</td>
                    <td className="num strong">{formatScore(r.score)}</td>
                    <td className="num">{formatCount(r.cost.params)}</td>
                    <td className="num">{formatCount(r.cost.flops)}</td>
                    <td className="arch" title={r.arch}>
                      <ArchText arch={r.arch} />
                      <span className="origin">{r.origin}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {rows.length > SHOWN && (
            <button className="link" onClick={() => setShowAll(!showAll)}>
              {showAll ? `Show the first ${SHOWN}` : `Show all ${rows.length}`}
            </button>
          )}
        </>
      )}
    </section>
  );
}

/** The arch string as it is, with line-break chances after each node group's "+", so it wraps where a reader would split it. */
function ArchText({ arch }: { arch: string }) {
  const groups = arch.split('+');
  return (
    <span className="arch-text">
      {groups.map((g, i) => (
        <span key={i}>
          {i > 0 && '+'}
          {g}
          {i < groups.length - 1 && <wbr />}
        </span>
      ))}
    </span>
  );
}

/** `value`, but changing at most once per `ms` (the last change always lands). */
/** The k smallest under `cmp`, in order: what sort().slice(0, k) gives, in O(n·log k) for the rows that get in. */
export function firstK<T>(items: readonly T[], k: number, cmp: (a: T, b: T) => number): T[] {
  const out: T[] = [];
  for (const it of items) {
    if (out.length === k && cmp(it, out[k - 1]) >= 0) continue;
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(it, out[mid]) < 0) hi = mid;
      else lo = mid + 1;
    }
    out.splice(lo, 0, it);
    if (out.length > k) out.pop();
  }
  return out;
}

function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    const wait = last.current + ms - performance.now();
    const apply = () => {
      last.current = performance.now();
      setShown(value);
    };
    if (wait <= 0) return apply();
    const id = setTimeout(apply, wait);
    return () => clearTimeout(id);
  }, [value, ms]);
  return shown;
}

/** The selected candidate's cell; before any click, the best so far (or the final pick). */
export function CellInspector() {
  const { rows, best } = useCandidates();
  const selected = useSelectedIndex();
  const final = useFinal();
  const method = useShownMethod();
  const words = useSpaceWords();
  const Noun = words.noun[0].toUpperCase() + words.noun.slice(1);
  const row = (selected !== null ? rows[selected]?.index === selected ? rows[selected] : rows.find((r) => r.index === selected) : undefined) ?? (final ? rows.find((r) => r.index === final.candidateIndex) : undefined) ?? best ?? undefined;
  return (
    <section className="panel inspector" aria-labelledby="inspector-title">
      <h2 id="inspector-title">{row ? `${Noun} #${row.index}${selected === null ? (final ? ' (the final pick)' : ' (best so far)') : ''}` : Noun}</h2>
      {row ? (
        <>
          {row.space === 'nb201' ? <CellGraph arch={row.arch} testId="cell-graph" /> : <ArchChain arch={row.arch} width={300} height={60} testId="inspector-block-graph" title={`${words.noun} #${row.index}`} />}
          <p className="arch-string">{row.arch}</p>
          <dl className="metrics">
            <dt>score</dt>
            <dd>{formatScore(row.score)}</dd>
            <dt>params</dt>
            <dd>{formatCount(row.cost.params)}</dd>
            <dt>FLOPs</dt>
            <dd>{formatCount(row.cost.flops)}</dd>
            <dt>origin</dt>
            <dd>{row.origin}</dd>
            {Object.entries(row.metrics).map(([k, v]) => (
              <MetricPair key={k} k={metricLabel(k, method.id)} v={v} />
            ))}
          </dl>
        </>
      ) : (
        <p className="muted">{words.empty}</p>
      )}
    </section>
  );
}

function MetricPair({ k, v }: { k: string; v: number | null }) {
  return (
    <>
      <dt>{k}</dt>
      <dd>{formatScore(v, Math.abs(v ?? 0) >= 100 ? 1 : 3)}</dd>
    </>
  );
}
