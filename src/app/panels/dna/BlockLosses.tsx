import * as d3 from 'd3';
import { useMemo } from 'react';
import { Axis } from '../benchmark/Axis';
import { blockColor, type DnaModel, movingAverage } from './dnaState';

const W = 640;
const H = 250;
const M = { left: 48, right: 150, top: 14, bottom: 34 };

/**
 * Per-block teacher losses while the student supernets train: every step's loss (the sampled
 * path's MSE to the teacher's feature) as a faint dot, a moving average per block as a line, and
 * the latest step — the current path — marked and named.
 */
export function BlockLosses({ model }: { model: DnaModel }) {
  const steps = model.setup?.stepsPerBlock ?? 1;
  const geo = useMemo(() => {
    const all = model.losses.flatMap((l) => l ?? []);
    const x = d3.scaleLinear().domain([0, Math.max(steps, 2)]).range([M.left, W - M.right]);
    const hi = all.length ? (d3.max(all, (p) => p.loss) as number) : 1;
    const y = d3.scaleLinear().domain([0, hi * 1.05]).range([H - M.bottom, M.top]).nice();
    const blocks = model.losses.map((pts, b) => {
      if (!pts || pts.length === 0) return null;
      let dots = '';
      for (const p of pts) dots += `M${x(p.step).toFixed(1)},${y(p.loss).toFixed(1)}h0`;
      const avg = movingAverage(
        pts.map((p) => p.loss),
        20,
      );
      const line = d3.line<number>().x((_, i) => x(pts[i].step)).y((v) => y(v))(avg) ?? '';
      return { b, dots, line, last: pts[pts.length - 1], lastAvg: avg[avg.length - 1] };
    });
    return { x, y, blocks, count: all.length };
  }, [model.losses, steps]);
  const { x, y } = geo;
  return (
    <figure className="dna-figure">
      <svg className="dna-chart chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Each student block's loss against its teacher block, per training step" data-testid="dna-block-losses" data-count={geo.count}>
        <Axis scale={x} orient="bottom" at={H - M.bottom} ticks={8} format={d3.format('d')} />
        <Axis scale={y} orient="left" at={M.left} ticks={5} />
        <text className="axis-title" x={W - M.right} y={H - 4} textAnchor="end">
          training step of the block
        </text>
        <text className="axis-title" x={M.left + 4} y={M.top + 2}>
          MSE to the teacher's feature
        </text>
        {geo.blocks.map(
          (g) =>
            g && (
              <g key={g.b}>
                <path d={g.dots} stroke={blockColor(g.b)} strokeOpacity={0.28} strokeWidth={3} strokeLinecap="round" fill="none" />
                <path d={g.line} stroke={blockColor(g.b)} strokeWidth={2} fill="none" />
                <circle cx={x(g.last.step)} cy={y(g.last.loss)} r={5} fill="white" stroke={blockColor(g.b)} strokeWidth={2}>
                  <title>{`block ${g.b + 1}, step ${g.last.step}: path ${g.last.path}, loss ${g.last.loss.toFixed(4)}`}</title>
                </circle>
              </g>
            ),
        )}
        <g transform={`translate(${W - M.right + 12},${M.top + 6})`} className="dna-legend">
          {(model.setup?.stages ?? []).map((_, b) => {
            const g = geo.blocks[b];
            return (
              <g key={b} transform={`translate(0,${b * 44})`}>
                <line x1={0} x2={16} y1={0} y2={0} stroke={blockColor(b)} strokeWidth={2} />
                <text x={22} y={4}>
                  block {b + 1}
                  {g ? `: ${g.lastAvg.toFixed(3)}` : ''}
                </text>
                {g && (
                  <text x={22} y={18} className="dna-path-label">
                    now {g.last.path}
                  </text>
                )}
              </g>
            );
          })}
        </g>
      </svg>
      <figcaption className="hint">
        Dots: one training step each — the loss of the path sampled at that step. Lines: a 20-step moving average per block. The ringed dot is the current path.
      </figcaption>
    </figure>
  );
}
