import * as d3 from 'd3';
import { useMemo } from 'react';
import type { NaoPoolData } from '../../../engine/methods/nao/events';
import { Axis, fmt } from './parts';

const W = 340;
const H = 220;
const M = { left: 40, right: 44, top: 12, bottom: 34 };

/**
 * The pool round by round: bars for its size (the part added that round darker), and the best
 * score as a line whose marks say where the best cell came from — a hollow mark while it is still
 * a cell of the initial random pool.
 */
export function PoolPanel({ pools }: { pools: NaoPoolData[] }) {
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
  }, [pools]);
  const { x, size, score } = geo;
  return (
    <svg className="chart nao-pool" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Pool size and best score per round" data-testid="nao-pool">
      <Axis scale={size} orient="left" at={M.left} ticks={4} format={d3.format('d')} />
      <g className="axis" transform={`translate(${W - M.right},0)`} fontSize={10}>
        <line y1={score.range()[0]} y2={score.range()[1]} stroke="#d62728" />
        {score.ticks(4).map((v) => (
          <text key={v} x={5} y={score(v)} dy="0.32em" fill="#d62728">
            {fmt(v, 1)}
          </text>
        ))}
      </g>
      {pools.map((p) => (
        <g key={p.iteration} transform={`translate(${x(p.iteration)},0)`}>
          <rect y={size(p.size - p.added)} height={size(0) - size(p.size - p.added)} width={x.bandwidth()} fill="#c9d3ea" />
          <rect y={size(p.size)} height={size(p.size - p.added) - size(p.size)} width={x.bandwidth()} fill="#2f5fd0">
            <title>{`round ${p.iteration}: ${p.added} added, pool ${p.size}, ${p.evaluationsUsed} evaluations used`}</title>
          </rect>
          <text x={x.bandwidth() / 2} y={H - M.bottom + 14} fontSize={10} textAnchor="middle">
            {p.iteration === 0 ? 'init' : p.iteration}
          </text>
        </g>
      ))}
      <path d={geo.line} fill="none" stroke="#d62728" strokeWidth={1.5} />
      {pools.map((p) => (
        <circle key={p.iteration} cx={x(p.iteration)! + x.bandwidth() / 2} cy={score(p.best.score)} r={4} fill={p.best.iterationAdded === 0 ? 'white' : '#d62728'} stroke="#d62728" strokeWidth={1.5}>
          <title>{`best after round ${p.iteration}: #${p.best.candidateIndex} ${fmt(p.best.score)} — ${p.best.iterationAdded === 0 ? 'from the initial random pool' : `found in round ${p.best.iterationAdded}`}`}</title>
        </circle>
      ))}
      <text className="axis-title" x={M.left} y={H - 4}>
        bars: pool size (dark: new) · red: best (hollow: initial pool)
      </text>
    </svg>
  );
}
