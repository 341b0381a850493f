import * as d3 from 'd3';
import { useMemo } from 'react';
import type { RunEvent } from '../../../engine/core/events';
import { useCandidates, useMethodEvents, useRunStore } from '../../store';
import { Axis, C, useChartWidth } from '../../charts/kit';
import { type RegretCandidate, type RegretPoint, regretSeries, type TableInfo, tableInfoOf } from './regret';

/**
 * Regret on a tabular benchmark: after each query, the reported value of the candidate the search
 * would pick now (best by the SEARCH column) against the table's optimum of the REPORTED column.
 * Top: every query's reported value (dots), the pick's (step line) and the optimum (dashed).
 * Bottom: regret = optimum − pick. React owns the SVG; d3 supplies scales and path strings.
 */
export interface RegretChartProps {
  /** The table evaluator's 'table-info' payload (tableInfoOf(methodEvents)); null hides the chart. */
  info: TableInfo | null;
  /** Candidates in query order: candidate events or the store's CandidateRow list. */
  candidates: readonly RegretCandidate[];
  /** Bumped when `candidates` grows in place (the store's candidateVersion). */
  version?: number;
  /** The run's budget, so the x axis does not rescale while it runs. */
  budget?: number;
  /**
   * Show only the first `shown` queries (the timeline held back): the whole run's marks stay drawn
   * and the reveal shows the prefix, so a scrub move does not rebuild or re-raster thousands of dots.
   */
  shown?: number;
}

const TOP_H = 200;
const GAP = 26;
const BOT_H = 90;
const H = TOP_H + GAP + BOT_H;
const M = { left: 50, right: 16, top: 14, bottom: 30 };
const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '–');

export function RegretChart({ info, candidates, version, budget, shown }: RegretChartProps) {
  const series = useMemo(
    () => (info ? regretSeries(candidates, info) : []),
    // The store grows `candidates` in place; `version` and its length say when it did.
    [info, candidates, candidates.length, version],
  );
  const [box, W] = useChartWidth(640);
  const g = useMemo(() => (info ? geometry(series, info, W, budget) : null), [series, info, budget, W]);
  if (!info || !g) return null;
  const { x, y, yr, dots, best, regretArea, regretLine } = g;
  const count = shown === undefined ? series.length : Math.min(shown, series.length);
  const last = count > 0 ? series[count - 1] : undefined;
  const clipW = count >= series.length ? W : Math.max(0, x(count + 0.5));
  return (
    <figure className="regret-chart" data-testid="regret-chart" data-regret={last ? last.regret : ''} data-queries={count}>
      <div className="regret-plot chart-box" ref={box}>
        <svg className="chart" width={W} height={H} role="img" aria-label={`Regret against the table optimum of ${info.reportColumn}`}>
          <Axis scale={y} orient="left" at={M.left} ticks={5} />
          <Axis scale={yr} orient="left" at={M.left} ticks={3} />
          <Axis scale={x} orient="bottom" at={H - M.bottom} ticks={8} format={d3.format('d')} />
          <text className="axis-title" x={M.left + 6} y={M.top - 2}>
            {info.reportColumn} (reported)
          </text>
          <text className="axis-title" x={M.left + 6} y={TOP_H + GAP - 4}>
            regret = optimum − pick
          </text>
          <text className="axis-title" x={W - M.right} y={H - 2} textAnchor="end">
            queries
          </text>
          <line x1={M.left} x2={W - M.right} y1={y(info.optimum.value)} y2={y(info.optimum.value)} stroke={C.good} strokeWidth={1.5} strokeDasharray="6 4">
            <title>{`table optimum: ${f2(info.optimum.value)} (${info.optimum.arch})`}</title>
          </line>
          <text x={W - M.right - 4} y={y(info.optimum.value) - 5} textAnchor="end">
            optimum {f2(info.optimum.value)}
          </text>
        </svg>
        {/* The marks over the chart, clipped at the moment by their box's width (see charts/reveal.ts). */}
        <div className="chart-reveal" style={{ width: `${clipW}px` }}>
          <svg width={W} height={H} aria-hidden="true">
            <path d={dots} stroke={C.primary} strokeOpacity={0.45} strokeWidth={5} strokeLinecap="round" fill="none" />
            <path d={best} stroke={C.best} strokeWidth={2} fill="none" />
            <path d={regretArea} fill={C.best} fillOpacity={0.15} stroke="none" />
            <path d={regretLine} stroke={C.best} strokeWidth={1.5} fill="none" />
          </svg>
        </div>
      </div>
      <figcaption className="hint" data-testid="regret-summary">
        {last ? (
          <>
            After {last.query} {last.query === 1 ? 'query' : 'queries'} the search would pick #{last.bestIndex} (best <code>{info.searchColumn}</code> {f2(last.bestScore)}), which reports {f2(last.bestReported)} on{' '}
            <code>{info.reportColumn}</code>; the table's best is {f2(info.optimum.value)}: regret <strong>{f2(last.regret)}</strong>.
          </>
        ) : (
          <>No queries yet. The table's best {info.reportColumn} is {f2(info.optimum.value)}.</>
        )}
      </figcaption>
    </figure>
  );
}

/** Scales and path text of the whole series, made once per series (not per scrub move). */
function geometry(series: RegretPoint[], info: TableInfo, W: number, budget?: number) {
  const n = Math.max(budget ?? 0, series.length, 2);
  const x = d3.scaleLinear().domain([0.5, n + 0.5]).range([M.left, W - M.right]);
  const values = series.flatMap((p) => [p.reported, p.bestReported]).filter(Number.isFinite);
  const lo = Math.min(d3.min(values) ?? info.optimum.value - 1, info.optimum.value);
  const hi = Math.max(d3.max(values) ?? info.optimum.value, info.optimum.value);
  const pad = Math.max((hi - lo) * 0.06, 0.2);
  const y = d3.scaleLinear().domain([lo - pad, hi + pad]).range([TOP_H - 4, M.top]).nice();
  const maxRegret = Math.max(d3.max(series, (p) => p.regret) ?? 0, 1e-6);
  const yr = d3.scaleLinear().domain([0, maxRegret]).range([H - M.bottom, TOP_H + GAP]).nice();
  // Step lines change only where the pick changes: those corners are the whole line, however many queries.
  const corners = (get: (p: RegretPoint) => number) => series.filter((p, i) => Number.isFinite(get(p)) && (i === 0 || get(p) !== get(series[i - 1])));
  const endX = x(series.length ? series[series.length - 1].query + 0.5 : 0);
  const step = (get: (p: RegretPoint) => number, scale: d3.ScaleLinear<number, number>) => {
    const pts = corners(get).map((p) => [x(p.query), scale(get(p))] as [number, number]);
    return pts.length ? `${d3.line().curve(d3.curveStepAfter)(pts)}H${endX}` : '';
  };
  let dots = '';
  for (const p of series) if (Number.isFinite(p.reported)) dots += `M${x(p.query).toFixed(1)},${y(p.reported).toFixed(1)}h0`;
  // The area's last corner carried to the last query, as the full series would have drawn it.
  const regretCorners = corners((p) => (Number.isFinite(p.regret) ? p.regret : 0));
  if (regretCorners.length && regretCorners[regretCorners.length - 1] !== series[series.length - 1]) regretCorners.push(series[series.length - 1]);
  const regretArea = regretCorners.length
    ? (d3
        .area<RegretPoint>()
        .curve(d3.curveStepAfter)
        .x((p) => x(p.query))
        .y0(yr(0))
        .y1((p) => yr(Number.isFinite(p.regret) ? p.regret : 0))(regretCorners) ?? '')
    : '';
  return { x, y, yr, dots, best: step((p) => p.bestReported, y), regretArea, regretLine: step((p) => p.regret, yr) };
}

/** The chart wired to the page's run store: shows itself only for runs on a benchmark table. */
export function RegretPanel() {
  const methodEvents = useMethodEvents();
  const { rows, version } = useCandidates();
  // Held back on the timeline: the whole run's series, clipped to the moment's queries.
  const whole = useRunStore((s) => (s.cursor !== null ? s.source.candidates : null));
  const info = useMemo(() => tableInfoOf(methodEvents as readonly RunEvent[]), [methodEvents]);
  if (!info) return null;
  return whole ? <RegretChart info={info} candidates={whole} shown={rows.length} /> : <RegretChart info={info} candidates={rows} version={version} />;
}
