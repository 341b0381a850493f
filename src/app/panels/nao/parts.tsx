import * as d3 from 'd3';
import { formatTauInterval, kendallTauBootstrap, type TauInterval } from '../../../engine/core/metrics';
import { Rng } from '../../../engine/core/rng';
import type { NaoHoldoutData } from '../../../engine/methods/nao/events';
import { memoByRef } from '../../memo';

/** Small pieces the NAO charts share. React owns every SVG node; d3 supplies numbers only. */
export const fmt = (v: number | null | undefined, digits = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

/**
 * The hold-out τ's bootstrap 95 % interval over the round's new cells, from the statistics module
 * the bench uses, seeded by the round so a replay shows the same interval. A round brings only a
 * few new cells, so the interval is wide: a τ of 0.6 on six cells can still be chance, and the
 * page should say so. Null below three cells, where no interval means anything.
 */
export const holdoutInterval = memoByRef((h: NaoHoldoutData): TauInterval | null =>
  h.points.length < 3 ? null : kendallTauBootstrap([h.points.map((p) => p.predicted)], h.points.map((p) => p.measured), new Rng(`nao-holdout/${h.iteration}`)),
);

/** The hold-out τ as the page writes it: τ [lo, hi] where an interval exists. */
export function holdoutTauText(h: NaoHoldoutData): string {
  const t = holdoutInterval(h);
  return t ? formatTauInterval(t, 2) : fmt(h.tau);
}

/**
 * The score colour scale shared by the points and the landscape. Its floor is the pool's 10th
 * percentile: a few broken cells (10% accuracy) would otherwise squeeze every good cell into one
 * colour. Lower scores are drawn in the floor colour.
 */
export function scoreColor(scores: number[]): d3.ScaleSequential<string> {
  const finite = scores.filter(Number.isFinite).sort((a, b) => a - b);
  const hi = finite.length ? finite[finite.length - 1] : 1;
  const lo = finite.length ? (d3.quantileSorted(finite, 0.1) ?? finite[0]) : 0;
  return d3
    .scaleSequential(d3.interpolateViridis)
    .domain([lo, hi > lo ? hi : lo + 1])
    .clamp(true);
}

export function ColorBar({ color, x, y, width, label }: { color: d3.ScaleSequential<string>; x: number; y: number; width: number; label: string }) {
  const [lo, hi] = color.domain();
  const stops = d3.range(0, 1.0001, 0.1);
  const id = `nao-cbar-${Math.round(lo * 1000)}-${Math.round(hi * 1000)}`;
  return (
    <g transform={`translate(${x},${y})`} className="nao-colorbar">
      <defs>
        <linearGradient id={id}>
          {stops.map((s) => (
            <stop key={s} offset={`${s * 100}%`} stopColor={color(lo + s * (hi - lo))} />
          ))}
        </linearGradient>
      </defs>
      <rect width={width} height={8} fill={`url(#${id})`} />
      <text y={22}>
        ≤{fmt(lo, 1)}
      </text>
      <text x={width} y={22} textAnchor="end">
        {fmt(hi, 1)}
      </text>
      <text x={width / 2} y={22} textAnchor="middle">
        {label}
      </text>
    </g>
  );
}
