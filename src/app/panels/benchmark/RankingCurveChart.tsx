import * as d3 from 'd3';
import { Axis, C, ChartFrame, useChartWidth, type LegendItem } from '../../charts/kit';
import { seriesColor } from '../../graphs/ops';
import type { RankingCurveFile } from './rankingCurve';

const H = 230;
const M = { left: 46, right: 16, top: 26, bottom: 40 };
const f2 = (v: number) => v.toFixed(2).replace('-', '−');

/**
 * Ranking quality over training: Kendall τ of the weight-sharing supernet's scores against each
 * shipped table's truth, after each number of training steps, with its 95 % interval (the
 * whisker); a table's dashed line is its own seed-to-seed τ, the most any evaluator can be
 * expected to reach. Measured by the bench (rankingCurve.ts), not in the page.
 */
export function RankingCurveChart({ file, mark }: { file: RankingCurveFile; /** This run's supernet steps, marked on the axis; null for none. */ mark: number | null }) {
  const [box, W] = useChartWidth(520, 'ranking-curve');
  const steps = file.tables.flatMap((t) => t.points.map((p) => p.steps));
  const x = d3
    .scaleLog()
    .domain([Math.min(...steps, ...(mark ? [mark] : [])) / 1.4, Math.max(...steps, ...(mark ? [mark] : [])) * 1.4])
    .range([M.left, W - M.right]);
  const y = d3.scaleLinear().domain([-1, 1]).range([H - M.bottom, M.top]);
  const legend: LegendItem[] = file.tables.flatMap((t, k) => [
    { label: `${t.title}: supernet τ [95 %]`, color: seriesColor(k), mark: 'line' as const },
    ...(t.ceiling ? [{ label: 'its truth, seed vs seed', color: seriesColor(k), mark: 'dash' as const, dash: '5 3' }] : []),
  ]);
  // Series side by side around each step, so their whiskers do not hide one another.
  const nudge = (k: number) => (k - (file.tables.length - 1) / 2) * 6;
  return (
    <ChartFrame boxRef={box} width={W} height={H} legend={legend} svgClass="ranking-curve" role="img" aria-label="Ranking quality over training: Kendall tau of the supernet's scores against each table's truth, by training steps" data-testid="ranking-curve" data-tables={file.tables.length} data-points={file.tables.reduce((n, t) => n + t.points.length, 0)}>
      <line x1={M.left} x2={W - M.right} y1={y(0)} y2={y(0)} stroke={C.grid} />
      <Axis scale={x} orient="bottom" at={H - M.bottom} values={[...new Set(steps)]} format={(v) => d3.format(',')(v)} />
      <Axis scale={y} orient="left" at={M.left} ticks={5} />
      <text className="axis-title" x={W - M.right} y={H - 4} textAnchor="end">
        supernet training steps (log scale)
      </text>
      <text className="axis-title" x={4} y={M.top - 12}>
        Kendall τ vs truth
      </text>
      {mark !== null && mark > 0 && (
        <g data-testid="ranking-curve-mark" data-steps={mark}>
          <line x1={x(mark)} x2={x(mark)} y1={M.top} y2={H - M.bottom} stroke={C.ink} strokeDasharray="2 3" />
          <text className="axis-title" x={x(mark) + 4} y={M.top + 12}>
            {`this run: ${d3.format(',')(mark)} steps`}
          </text>
        </g>
      )}
      {file.tables.map((t, k) => {
        const color = seriesColor(k);
        const line = d3.line<(typeof t.points)[number]>()
          .x((p) => x(p.steps) + nudge(k))
          .y((p) => y(p.tau))(t.points);
        return (
          <g key={t.id} data-table={t.id}>
            {t.ceiling && <line x1={M.left} x2={W - M.right} y1={y(t.ceiling.tau)} y2={y(t.ceiling.tau)} stroke={color} strokeDasharray="5 3" strokeWidth={1.5}>
              <title>{`${t.title}: the truth's own seed-to-seed τ ${f2(t.ceiling.tau)} [${f2(t.ceiling.lo)}, ${f2(t.ceiling.hi)}]`}</title>
            </line>}
            <path d={line ?? ''} stroke={color} strokeWidth={2} fill="none" />
            {t.points.map((p) => (
              <g key={p.steps}>
                <line x1={x(p.steps) + nudge(k)} x2={x(p.steps) + nudge(k)} y1={y(p.lo)} y2={y(p.hi)} stroke={color} strokeWidth={1.5} />
                <circle cx={x(p.steps) + nudge(k)} cy={y(p.tau)} r={4} fill={color} stroke={C.surface} strokeWidth={1.5}>
                  <title>{`${t.title}, ${d3.format(',')(p.steps)} steps: τ ${f2(p.tau)} [${f2(p.lo)}, ${f2(p.hi)}] over ${t.cells} cells and ${p.perSeed.length} seeds (${p.perSeed.map(f2).join(', ')})`}</title>
                </circle>
              </g>
            ))}
          </g>
        );
      })}
    </ChartFrame>
  );
}
