import type { ScaleLinear } from 'd3';

/**
 * A chart axis drawn by React from a d3 scale, so a chart's SVG has one owner (React) and d3
 * only supplies numbers: tick values, positions and formats.
 */
export function Axis({ scale, orient, at, ticks = 6, format }: { scale: ScaleLinear<number, number>; orient: 'bottom' | 'left'; at: number; ticks?: number; format?: (v: number) => string }) {
  const fmt = format ?? scale.tickFormat(ticks);
  const [r0, r1] = scale.range();
  const values = scale.ticks(ticks);
  if (orient === 'bottom') {
    return (
      <g className="axis" transform={`translate(0,${at})`} fontSize={10} textAnchor="middle">
        <line x1={r0} x2={r1} stroke="currentColor" />
        {values.map((v) => (
          <g key={v} transform={`translate(${scale(v)},0)`}>
            <line y2={5} stroke="currentColor" />
            <text y={16} fill="currentColor">
              {fmt(v)}
            </text>
          </g>
        ))}
      </g>
    );
  }
  return (
    <g className="axis" transform={`translate(${at},0)`} fontSize={10} textAnchor="end">
      <line y1={r0} y2={r1} stroke="currentColor" />
      {values.map((v) => (
        <g key={v} transform={`translate(0,${scale(v)})`}>
          <line x2={-5} stroke="currentColor" />
          <text x={-8} dy="0.32em" fill="currentColor">
            {fmt(v)}
          </text>
        </g>
      ))}
    </g>
  );
}
