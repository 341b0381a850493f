import * as d3 from 'd3';
import { Axis, C, ChartFrame, useChartWidth } from '../charts/kit';
import { type CompareSlot, useCompare } from './compareStore';

export type CompareX = 'queries' | 'seconds';

const H = 220;
const M = { top: 10, right: 14, bottom: 34, left: 48 };

/** A slot's curve as plotted: x by the chosen axis, y the best-so-far score. The figure's CSV reads the same points. */
export function plottedPoints(slot: CompareSlot, xAxis: CompareX): { x: number; y: number; query: number; t: number; bestIndex: number }[] {
  return slot.run.curve
    .filter((p) => Number.isFinite(p.score))
    .map((p) => ({ x: xAxis === 'queries' ? p.query : p.t / 1000, y: p.score, query: p.query, t: p.t, bestIndex: p.best!.index }));
}

/**
 * The compare chart's plotted points as CSV rows (Figures' CSV): the runs drawn on it, read from
 * the chart itself, so the file holds what is on screen.
 */
export function compareChartCsv(): string | null {
  const svg = document.querySelector<SVGSVGElement>('svg[data-testid="compare-chart"]');
  if (!svg) return null;
  const xAxis = svg.dataset.x as CompareX;
  const keys = [...svg.querySelectorAll<SVGPathElement>('path[data-slot]')].map((p) => Number(p.dataset.slot));
  const slots = useCompare.getState().slots.filter((s) => keys.includes(s.key));
  return d3.csvFormat(
    slots.flatMap((s) => plottedPoints(s, xAxis).map((p) => ({ run: s.label, slot: s.key, x: p.x, query: p.query, t_ms: p.t, best_so_far: p.y, best_index: p.bestIndex }))),
  );
}

/**
 * Best-so-far over budget for the runs whose scores mean the same thing, on shared axes: one step
 * line per run in its slot's colour, and the legend under the chart (HTML), so it never covers a line.
 */
export function CompareChart({ slots, xAxis, yLabel }: { slots: CompareSlot[]; xAxis: CompareX; yLabel: string }) {
  const [box, W] = useChartWidth(480);
  const series = slots.map((s) => ({ slot: s, points: plottedPoints(s, xAxis) }));
  const all = series.flatMap((s) => s.points);
  const xMax = d3.max(all, (p) => p.x) ?? 1;
  const xMin = xAxis === 'queries' ? 1 : 0;
  const x = d3
    .scaleLinear()
    .domain([xMin, Math.max(xMin + 1, xMax)])
    .nice()
    .range([M.left, Math.max(M.left + 10, W - M.right)]);
  const [lo, hi] = d3.extent(all, (p) => p.y) as [number | undefined, number | undefined];
  const y = d3
    .scaleLinear()
    .domain(lo === undefined || hi === undefined ? [0, 1] : lo === hi ? [lo - 1, hi + 1] : [lo, hi])
    .nice()
    .range([H - M.bottom, M.top]);
  // A step line that holds each best until the next candidate, carried on to the run's last x.
  const line = d3
    .line<{ x: number; y: number }>()
    .x((p) => x(p.x))
    .y((p) => y(p.y))
    .curve(d3.curveStepAfter);
  const xTitle = xAxis === 'queries' ? 'queries (candidates evaluated)' : 'seconds since the run started (its own machine)';
  return (
    <ChartFrame
      boxRef={box}
      width={W}
      height={H}
      className="compare-chart"
      legend={series.map(({ slot }) => ({ label: slot.label, color: slot.color, mark: 'line' as const }))}
      role="img"
      aria-label={`Best-so-far ${yLabel} over ${xAxis}, one line per run`}
      data-testid="compare-chart"
      data-x={xAxis}
    >
      {y.ticks(5).map((t) => (
        <line key={t} x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} stroke={C.grid} />
      ))}
      <Axis scale={x} orient="bottom" at={H - M.bottom} ticks={Math.max(2, Math.floor(W / 80))} />
      <Axis scale={y} orient="left" at={M.left} ticks={5} />
      <text className="axis-title x-title" x={(M.left + W - M.right) / 2} y={H - 2} textAnchor="middle" data-testid="compare-x-title">
        {xTitle}
      </text>
      <text className="axis-title y-title" transform={`translate(13,${(M.top + H - M.bottom) / 2}) rotate(-90)`} textAnchor="middle">
        best-so-far {yLabel}
      </text>
      {series.map(({ slot, points }) => (
        <path key={slot.key} d={line(points) ?? ''} fill="none" stroke={slot.color} strokeWidth={2} data-testid="compare-curve" data-slot={slot.key} data-points={points.length} />
      ))}
    </ChartFrame>
  );
}
