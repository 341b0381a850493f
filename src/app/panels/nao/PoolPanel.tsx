import * as d3 from 'd3';
import { useMemo } from 'react';
import type { NaoPoolData } from '../../../engine/methods/nao/events';
import { Axis, C, ChartFrame, useChartWidth } from '../../charts/kit';
import { fmt } from './parts';

const H = 220;
const M = { left: 44, right: 52, top: 12, bottom: 28 };

/**
 * The pool round by round: bars for its size (the part added that round darker), and the best
 * score as a line whose marks say where the best cell came from — a hollow mark while it is still
 * a cell of the initial random pool.
 */
export function PoolPanel({ pools }: { pools: NaoPoolData[] }) {
  const [box, W] = useChartWidth(340);
  const geo = useMemo(() => {
    const n = Math.max(pools.length, 2);
    const x = d3
      .scaleBand<number>()
      .domain(d3.range(n))
      .range([M.left, W - M.right])
      .padding(0.25);
    const size = d3
      .scaleLinear()
      .domain([0, Math.max(d3.max(pools, (p) => p.size) ?? 1, 1)])
      .range([H - M.bottom, M.top])
      .nice();
    const bests = pools.map((p) => p.best.score).filter(Number.isFinite);
    const [lo, hi] = bests.length ? (d3.extent(bests) as [number, number]) : [0, 1];
    const pad = Math.max((hi - lo) * 0.15, 0.1);
    const score = d3.scaleLinear().domain([lo - pad, hi + pad]).range([H - M.bottom, M.top]);
    const line = d3.line<NaoPoolData>().x((p) => x(p.iteration)! + x.bandwidth() / 2).y((p) => score(p.best.score))(pools) ?? '';
    return { x, size, score, line };
  }, [pools, W]);
  const { x, size, score } = geo;
  return (
    <ChartFrame boxRef={box} width={W} height={H} svgClass="nao-pool" legend={POOL_LEGEND} role="img" aria-label="Pool size and best score per round" data-testid="nao-pool">
      <Axis scale={size} orient="left" at={M.left} ticks={4} format={d3.format('d')} />
      <Axis scale={score} orient="right" at={W - M.right} ticks={4} format={(v) => fmt(v, 1)} color={C.best} />
      {pools.map((p) => (
        <g key={p.iteration} transform={`translate(${x(p.iteration)},0)`}>
          <rect y={size(p.size - p.added)} height={size(0) - size(p.size - p.added)} width={x.bandwidth()} fill={C.tint} />
          <rect y={size(p.size)} height={size(p.size - p.added) - size(p.size)} width={x.bandwidth()} fill={C.primary}>
            <title>{`round ${p.iteration}: ${p.added} added, pool ${p.size}, ${p.evaluationsUsed} evaluations used`}</title>
          </rect>
          <text x={x.bandwidth() / 2} y={H - M.bottom + 16} textAnchor="middle">
            {p.iteration === 0 ? 'init' : p.iteration}
          </text>
        </g>
      ))}
      <path d={geo.line} fill="none" stroke={C.best} strokeWidth={2} />
      {pools.map((p) => (
        <circle key={p.iteration} cx={x(p.iteration)! + x.bandwidth() / 2} cy={score(p.best.score)} r={4} fill={p.best.iterationAdded === 0 ? C.surface : C.best} stroke={C.best} strokeWidth={1.5}>
          <title>{`best after round ${p.iteration}: #${p.best.candidateIndex} ${fmt(p.best.score)} — ${p.best.iterationAdded === 0 ? 'from the initial random pool' : `found in round ${p.best.iterationAdded}`}`}</title>
        </circle>
      ))}
    </ChartFrame>
  );
}

const POOL_LEGEND = [
  { label: 'pool size (left axis)', color: C.tint, mark: 'swatch' as const },
  { label: 'added this round', color: C.primary, mark: 'swatch' as const },
  { label: 'best score (right axis)', color: C.best, mark: 'dot' as const },
  { label: 'best still from the initial pool', color: C.best, mark: 'ring' as const },
];
