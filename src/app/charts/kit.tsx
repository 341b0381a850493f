import type { ScaleContinuousNumeric } from 'd3';
import { useLayoutEffect, useRef, useState, type ReactNode, type RefObject } from 'react';

/**
 * The pieces every chart shares: its measured width, its axes, its legend and its colours.
 *
 * Type scale: chart text takes its size from styles.css (`--chart-tick`, `--chart-label`,
 * `--chart-legend`, larger under `:root.projector`), in CSS pixels. A chart's svg is sized in CSS
 * pixels to its measured width and never scaled by a viewBox, so a tick reads the same on a wide
 * and a narrow screen. Text carries no font-size of its own.
 *
 * Colours: chart colours are CSS custom properties defined once in styles.css, for light and
 * dark; SVG presentation attributes accept var(), so a mark says `stroke={C.best}`. The figure
 * export writes the computed colours back as plain values (figures/figure.ts).
 */
export const C = {
  /** Axis lines and text. */
  ink: 'var(--chart-ink)',
  muted: 'var(--chart-muted)',
  grid: 'var(--chart-grid)',
  /** The background a mark's halo is drawn in, so it separates from its neighbours. */
  surface: 'var(--panel)',
  /** Candidates, members, dots: the many. */
  primary: 'var(--c-primary)',
  /** The best so far: the one line that matters. */
  best: 'var(--c-best)',
  good: 'var(--c-good)',
  bad: 'var(--c-bad)',
  /** What is being looked at right now (a tournament winner, an accepted decode). */
  highlight: 'var(--c-highlight)',
  /** Background marks: retired members, the training pool. */
  faint: 'var(--c-faint)',
  /** A light tint of primary for bars and areas. */
  tint: 'var(--c-tint)',
} as const;

/**
 * The width of the chart's box in CSS pixels, followed as the layout changes. Measured before the
 * first paint, so a chart is never drawn once at a guessed width. A chart with a `key` starts from
 * the width its last mount measured: a view that mounts again while the timeline moves (or a
 * render React restarts) then draws at the right width at once, and its cached geometry fits.
 */
const lastWidths = new Map<string, number>();

export function useChartWidth(fallback: number, key?: string): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(() => (key === undefined ? undefined : lastWidths.get(key)) ?? fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const read = () => {
      const w = Math.floor(el.clientWidth);
      if (w > 0) {
        setWidth(w);
        if (key !== undefined) lastWidths.set(key, w);
      }
    };
    read();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(read);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

/**
 * A chart in a box that sets its width: the svg at `width` × `height` CSS pixels (no viewBox, so
 * nothing inside is scaled) and its legend below it, outside the plot. `layers` are laid over the
 * svg in the same coordinates: a `RevealLayer` of the whole run's marks and a `TopLayer` above it.
 */
export function ChartFrame({ boxRef, width, height, legend, className, svgClass, layers, children, ...svg }: { boxRef: RefObject<HTMLDivElement | null>; width: number; height: number; legend?: LegendItem[]; className?: string; svgClass?: string; layers?: ReactNode; children: ReactNode } & React.SVGProps<SVGSVGElement>) {
  return (
    <figure className={`chart-frame${className ? ` ${className}` : ''}`}>
      <div ref={boxRef} className={`chart-box${layers ? ' layered' : ''}`}>
        <svg {...svg} width={width} height={height} className={`chart${svgClass ? ` ${svgClass}` : ''}`}>
          {children}
        </svg>
        {layers}
      </div>
      {legend && legend.length > 0 && <Legend items={legend} />}
    </figure>
  );
}

/** A chart axis drawn by React from a d3 scale: d3 supplies tick values, positions and formats. */
export function Axis({ scale, orient, at, ticks = 6, format, values: given, color }: { scale: ScaleContinuousNumeric<number, number>; orient: 'bottom' | 'left' | 'right'; at: number; ticks?: number; format?: (v: number) => string; values?: number[]; color?: string }) {
  const fmt = format ?? scale.tickFormat(ticks);
  const [r0, r1] = scale.range();
  const values = given ?? scale.ticks(ticks);
  const stroke = color ?? 'currentColor';
  if (orient === 'bottom') {
    return (
      <g className="axis" transform={`translate(0,${at})`} textAnchor="middle">
        <line x1={r0} x2={r1} stroke={stroke} />
        {values.map((v) => (
          <g key={v} transform={`translate(${scale(v)},0)`}>
            <line y2={5} stroke={stroke} />
            <text className="tick" y={7} dy="0.71em">
              {fmt(v)}
            </text>
          </g>
        ))}
      </g>
    );
  }
  const s = orient === 'left' ? -1 : 1;
  return (
    <g className="axis" transform={`translate(${at},0)`} textAnchor={orient === 'left' ? 'end' : 'start'}>
      <line y1={r0} y2={r1} stroke={stroke} />
      {values.map((v) => (
        <g key={v} transform={`translate(0,${scale(v)})`}>
          <line x2={5 * s} stroke={stroke} />
          <text className="tick" x={8 * s} dy="0.32em">
            {fmt(v)}
          </text>
        </g>
      ))}
    </g>
  );
}

/** A legend entry: what the mark looks like (its colour and shape) and what it means. */
export interface LegendItem {
  label: string;
  color: string;
  mark: 'line' | 'dash' | 'dot' | 'ring' | 'diamond' | 'swatch' | 'rule';
  /** A line's dash pattern, where the mark carries identity by more than hue ('none': solid). */
  dash?: string;
}

/** A legend as HTML beside the plot, never over it: a swatch drawn as the mark, then its label. */
export function Legend({ items }: { items: LegendItem[] }) {
  return (
    <figcaption className="chart-legend" data-testid="chart-legend">
      {items.map((it) => (
        <span key={it.label} className="chart-key">
          <svg width={22} height={12} aria-hidden="true" className="chart-key-mark">
            <KeyMark item={it} />
          </svg>
          {it.label}
        </span>
      ))}
    </figcaption>
  );
}

function KeyMark({ item: { mark, color, dash } }: { item: LegendItem }) {
  switch (mark) {
    case 'line':
    case 'dash':
      return <line x1={1} x2={21} y1={6} y2={6} stroke={color} strokeWidth={2.5} strokeDasharray={dash === 'none' ? undefined : (dash ?? (mark === 'dash' ? '4 3' : undefined))} />;
    case 'rule':
      return <line x1={11} x2={11} y1={1} y2={11} stroke={color} strokeWidth={2.5} />;
    case 'dot':
      return <circle cx={11} cy={6} r={4.5} fill={color} />;
    case 'ring':
      return <circle cx={11} cy={6} r={4} fill="none" stroke={color} strokeWidth={2} />;
    case 'diamond':
      return <path d="M11,0.5L16.5,6L11,11.5L5.5,6Z" fill={color} />;
    case 'swatch':
      return <rect x={3} y={1} width={16} height={10} fill={color} />;
  }
}

/**
 * The whole run's marks, shown left of `revealTo` (null: all of them): the React twin of
 * charts/reveal.ts. The marks are drawn once per run and their svg is its own composited layer,
 * so a timeline move changes one box width and nothing is painted or rastered again.
 */
export function RevealLayer({ width, height, revealTo, children }: { width: number; height: number; revealTo: number | null; children: ReactNode }) {
  const w = revealTo === null ? width : Math.max(0, Math.min(width, revealTo));
  return (
    <div className="chart-reveal" style={{ width: `${w.toFixed(1)}px`, height: `${height}px` }}>
      <svg className="chart chart-marks" width={width} height={height} aria-hidden="true">
        {children}
      </svg>
    </div>
  );
}

/** Marks drawn above a RevealLayer (the moment's own: what is alive, what is being looked at). */
export function TopLayer({ width, height, children }: { width: number; height: number; children: ReactNode }) {
  return (
    <svg className="chart chart-top" width={width} height={height} aria-hidden="true">
      {children}
    </svg>
  );
}
