import * as d3 from 'd3';
import { useMemo } from 'react';
import { Axis, C, ChartFrame, useChartWidth } from '../../charts/kit';
import { blockColor, type DnaModel, movingAverage } from './dnaState';

const H = 250;
const M = { left: 52, right: 16, top: 22, bottom: 36 };

/**
 * Per-block teacher losses while the student supernets train: every step's loss (the sampled
 * path's MSE to the teacher's feature) as a faint dot, a moving average per block as a line, and
 * the latest step — the current path — marked and named.
 */
export function BlockLosses({ model }: { model: DnaModel }) {
  const steps = model.setup?.stepsPerBlock ?? 1;
  const [box, W] = useChartWidth(640);
  const geo = useMemo(() => {
    const all = model.losses.flatMap((l) => l ?? []);
    const x = d3.scaleLinear().domain([0, Math.max(steps, 2)]).range([M.left, W - M.right]);
    // Losses fall over an order of magnitude: a log scale keeps the late, interesting part readable.
    const positive = all.filter((p) => p.loss > 0);
    const lo = positive.length ? (d3.min(positive, (p) => p.loss) as number) : 0.1;
    const hi = positive.length ? (d3.max(positive, (p) => p.loss) as number) : 1;
    const y = d3
      .scaleLog()
      .domain([lo / 1.15, Math.max(hi * 1.15, (lo / 1.15) * 2)])
      .range([H - M.bottom, M.top]);
    const blocks = model.losses.map((pts, b) => {
      if (!pts || pts.length === 0) return null;
      let dots = '';
      for (const p of pts) if (p.loss > 0) dots += `M${x(p.step).toFixed(1)},${y(p.loss).toFixed(1)}h0`;
      const avg = movingAverage(
        pts.map((p) => p.loss),
        20,
      );
      const line = d3.line<number>().x((_, i) => x(pts[i].step)).y((v) => y(Math.max(v, 1e-12)))(avg) ?? '';
      return { b, dots, line, last: pts[pts.length - 1], lastAvg: avg[avg.length - 1] };
    });
    return { x, y, blocks, count: all.length };
  }, [model.losses, steps, W]);
  const { x, y } = geo;
  return (
    <div className="dna-figure">
      <ChartFrame
        boxRef={box}
        width={W}
        height={H}
        svgClass="dna-chart"
        legend={(model.setup?.stages ?? []).map((_, b) => {
          const g = geo.blocks[b];
          return { label: `block ${b + 1}${g ? `: ${g.lastAvg.toFixed(3)}, now ${g.last.path}` : ''}`, color: blockColor(b), mark: 'line' as const };
        })}
        role="img" aria-label="Each student block's loss against its teacher block, per training step" data-testid="dna-block-losses" data-count={geo.count}>
        <Axis scale={x} orient="bottom" at={H - M.bottom} ticks={8} format={d3.format('d')} />
        <LogAxis scale={y} at={M.left} />
        <text className="axis-title" x={W - M.right} y={H - 4} textAnchor="end">
          training step of the block
        </text>
        <text className="axis-title" x={M.left + 4} y={M.top + 2}>
          MSE to the teacher's feature (log scale)
        </text>
        {geo.blocks.map(
          (g) =>
            g && (
              <g key={g.b}>
                <path d={g.dots} stroke={blockColor(g.b)} strokeOpacity={0.28} strokeWidth={3} strokeLinecap="round" fill="none" />
                <path d={g.line} stroke={blockColor(g.b)} strokeWidth={2} fill="none" />
                <circle cx={x(g.last.step)} cy={y(g.last.loss)} r={5} fill={C.surface} stroke={blockColor(g.b)} strokeWidth={2}>
                  <title>{`block ${g.b + 1}, step ${g.last.step}: path ${g.last.path}, loss ${g.last.loss.toFixed(4)}`}</title>
                </circle>
              </g>
            ),
        )}
      </ChartFrame>
      <p className="hint">
        Dots: one training step each — the loss of the path sampled at that step. Lines: a 20-step moving average per block. The ringed dot is the current path.
      </p>
    </div>
  );
}

/** A left axis for a log scale: ticks at 1, 2 and 5 × powers of ten within the domain. */
function LogAxis({ scale, at }: { scale: d3.ScaleLogarithmic<number, number>; at: number }) {
  const [d0, d1] = scale.domain();
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(d0)); e <= Math.ceil(Math.log10(d1)); e++) for (const m of [1, 2, 5]) {
    const v = m * 10 ** e;
    if (v >= d0 && v <= d1) ticks.push(v);
  }
  return (
    <Axis scale={scale} values={ticks} orient="left" at={at} format={d3.format('~g')} />
  );
}
