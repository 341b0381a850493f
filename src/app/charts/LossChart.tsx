import * as d3 from 'd3';
import { useCallback, useRef } from 'react';
import type { Phase } from '../../engine/core/events';
import { methodInfo } from '../../engine/methods/catalog';
import type { SeriesPoint } from '../runState';
import { useRunStart, useRunStore } from '../store';
import { thin, useRafDraw } from './rafDraw';
import { C, Legend } from './kit';
import { buildReveal, type Reveal } from './reveal';

/**
 * Training loss (top) and accuracy (bottom) over every training step of the run, end to end:
 * the supernet's steps, each standalone training, the final retrain. Phases are shaded bands.
 * d3 owns the whole <svg> (created here, inside a React-owned <div>); React never touches it.
 */
export const PHASE_COLORS: Record<Phase, string> = {
  setup: C.faint,
  supernet: 'var(--oi-blue)',
  search: 'var(--oi-orange)',
  final: 'var(--oi-green)',
  done: C.faint,
};
const PHASE_NAMES: Record<Phase, string> = { setup: 'setup', supernet: 'supernet training', search: 'search', final: 'final retrain', done: 'done' };

const HEIGHT = 300;
const M = { left: 52, right: 14, top: 26, bottom: 34, gap: 26 };
const LOSS_H = 122;
const ACC_H = HEIGHT - M.top - M.bottom - M.gap - LOSS_H;

interface Span {
  phase: Phase;
  x0: number;
  x1: number;
}

/** Each training as its own slice of points, and contiguous trainings of one phase as a band. */
function segmentsOf(points: SeriesPoint[], starts: number[]): { spans: Span[]; segments: SeriesPoint[][] } {
  const spans: Span[] = [];
  const segments: SeriesPoint[][] = [];
  for (let k = 0; k < starts.length; k++) {
    const seg = points.slice(starts[k], k + 1 < starts.length ? starts[k + 1] : points.length);
    if (seg.length === 0) continue;
    segments.push(seg);
    const first = seg[0];
    const lastX = seg[seg.length - 1].x;
    const span = spans[spans.length - 1];
    if (span && span.phase === first.phase) span.x1 = lastX;
    else spans.push({ phase: first.phase, x0: first.x, x1: lastX });
  }
  return { spans, segments };
}

/**
 * Upper end of the x axis while a run grows: the next 1-2-5 step above the data, so the scale
 * (and with it every finished training's cached path) holds still for many frames.
 */
function roomyMax(v: number): number {
  const base = 10 ** Math.floor(Math.log10(Math.max(v, 1)));
  for (const m of [1, 1.5, 2, 3, 5, 7.5, 10]) if (m * base >= v) return m * base;
  return 10 * base;
}

/** Exponential moving average within a training, restarted at each one, so the trend reads through batch noise. */
function smooth(seg: SeriesPoint[], key: 'loss' | 'acc', alpha = 0.15): [number, number][] {
  let ema = NaN;
  return seg.map((p) => {
    const v = p[key];
    if (Number.isFinite(v)) ema = Number.isFinite(ema) ? ema + alpha * (v - ema) : v;
    return [p.x, ema];
  });
}

export function LossChart() {
  const host = useRef<HTMLDivElement>(null);
  const svgRef = useRef<{ svg: d3.Selection<SVGSVGElement, unknown, null, undefined>; reveal: Reveal } | null>(null);
  const pathCache = useRef<{ key: string; train: SeriesPoint[] | null; paths: { n: number; raw: string; acc: string; smooth: string }[] }>({ key: '', train: null, paths: [] });
  const drawnRef = useRef({ key: '', empty: null as string | null, raw: '', smooth: '', acc: '', val: '' });

  const draw = useCallback((width: number) => {
    if (!host.current) return;
    if (!svgRef.current) svgRef.current = build(host.current);
    const { svg, reveal } = svgRef.current;
    const marks = reveal.marks;
    const W = Math.max(width, 320);
    const { run, source, cursor } = useRunStore.getState();
    // While the timeline is held back, the curves are the whole run's, drawn once, and a clip shows
    // the moment's prefix (training points come in x order): a move changes one attribute instead
    // of rebuilding every path, and the axes stay put while scrubbing.
    const whole = cursor !== null ? source : run;
    const { train, val, segmentStarts, maxLoss, end } = whole;
    const { runStart } = run;
    const shownTrain = run.train.length;
    const shownVal = run.val.length;
    svg.attr('width', W).attr('data-count', shownTrain);

    const dataMax = Math.max(train.length ? train[train.length - 1].x : 0, val.length ? val[val.length - 1].x : 0, 10);
    const x = d3
      .scaleLinear()
      .domain([0, end ? dataMax : roomyMax(dataMax)])
      .range([M.left, W - M.right]);
    const yLoss = d3
      .scaleLinear()
      .domain([0, (maxLoss || 2.5) * 1.05])
      .range([M.top + LOSS_H, M.top])
      .nice();
    const accTop = M.top + LOSS_H + M.gap;
    const yAcc = d3.scaleLinear().domain([0, 100]).range([accTop + ACC_H, accTop]);

    const px = (p: SeriesPoint) => x(p.x);
    const drawn = drawnRef.current;
    const lastX = Math.max(shownTrain ? run.train[shownTrain - 1].x : -Infinity, shownVal ? run.val[shownVal - 1].x : -Infinity);
    const clipTo = Number.isFinite(lastX) ? x(lastX) + 4 : 0;
    reveal.update(W, HEIGHT, cursor === null ? null : clipTo);
    marks.selectAll('path.train-loss-raw, path.train-loss, path.train-acc').attr('data-count', shownTrain);
    marks.select('path.val-acc').attr('data-count', shownVal);
    marks.select('g.val-dots').attr('data-count', shownVal);
    const empty = shownTrain
      ? ''
      : runStart?.config.evaluator === 'table'
        ? 'Nothing trains here: the table evaluator looks every score up.'
        : runStart
          ? (methodInfo(runStart.config.method).views?.trainingChart ?? 'Loading the data and building the network…')
          : 'No training yet: start a run to see the loss fall.';
    if (drawn.empty !== empty) {
      drawn.empty = empty;
      svg.select('text.empty').attr('display', empty ? null : 'none').text(empty);
    }
    svg.select('text.empty').attr('x', W / 2);
    // What the clip reveals is drawn only when it changes: while the timeline moves over a held
    // run, that is never, and a move costs the clip alone.
    const wholeKey = `${useRunStore.getState().runId}|${W}|${x.domain()}|${yLoss.domain()}|${train.length}|${val.length}|${segmentStarts.length}`;
    if (drawn.key === wholeKey) return;
    drawn.key = wholeKey;
    const { spans, segments } = segmentsOf(train, segmentStarts);
    const lossLine = d3
      .line<SeriesPoint>()
      .defined((p) => Number.isFinite(p.loss))
      .x(px)
      .y((p) => yLoss(p.loss));
    const accLine = d3
      .line<SeriesPoint>()
      .defined((p) => Number.isFinite(p.acc))
      .x(px)
      .y((p) => yAcc(p.acc));
    const pairLine = (y: d3.ScaleLinear<number, number>) =>
      d3
        .line<[number, number]>()
        .defined((p) => Number.isFinite(p[1]))
        .x((p) => x(p[0]))
        .y((p) => y(p[1]));
    // A finished training's paths never change while the scales hold: only the growing last one
    // is rebuilt, so a frame costs that training's points, not the whole run's.
    const scaleKey = `${x.domain()}|${x.range()}|${yLoss.domain()}`;
    const cache = pathCache.current;
    if (cache.key !== scaleKey || cache.train !== train) {
      cache.key = scaleKey;
      cache.train = train;
      cache.paths = [];
    }
    const perPx = Math.max(1, segments.length);
    let rawLoss = '';
    let smoothLoss = '';
    let rawAcc = '';
    segments.forEach((seg, k) => {
      let p = cache.paths[k];
      if (!p || p.n !== seg.length) {
        p = {
          n: seg.length,
          raw: lossLine(thin(seg, px, (q) => q.loss, W / perPx)) ?? '',
          acc: accLine(thin(seg, px, (q) => q.acc, W / perPx)) ?? '',
          smooth: pairLine(yLoss)(thin(smooth(seg, 'loss'), (q) => x(q[0]), (q) => q[1], W / perPx)) ?? '',
        };
        cache.paths[k] = p;
      }
      rawLoss += p.raw;
      rawAcc += p.acc;
      smoothLoss += p.smooth;
    });

    marks
      .select('g.bands')
      .selectAll<SVGGElement, Span>('g.band')
      .data(spans)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'band');
        g.append('rect');
        g.append('text').attr('class', 'band-label');
        return g;
      })
      .call((g) =>
        g
          .select('rect')
          .attr('x', (s) => x(s.x0))
          .attr('width', (s) => Math.max(1, x(s.x1) - x(s.x0)))
          .attr('y', M.top)
          .attr('height', accTop + ACC_H - M.top)
          .attr('fill', (s) => PHASE_COLORS[s.phase])
          .attr('opacity', 0.08),
      )
      .call((g) =>
        g
          .select('text')
          .attr('x', (s) => x(s.x0) + 4)
          .attr('y', M.top - 8)
          .text((s) => (x(s.x1) - x(s.x0) > 60 || spans.length === 1 ? PHASE_NAMES[s.phase] : '')),
      );

    // Set only when changed: the browser parses a path's text again on every write.
    const setPath = (cls: 'raw' | 'smooth' | 'acc' | 'val', sel: string, d: string) => {
      if (drawn[cls] !== d) marks.select(sel).attr('d', (drawn[cls] = d));
    };
    setPath('raw', 'path.train-loss-raw', rawLoss);
    setPath('smooth', 'path.train-loss', smoothLoss);
    setPath('acc', 'path.train-acc', rawAcc);

    // Validation probes are joined within one training only: a line across phases would suggest a trend that is not there.
    let valPath = '';
    for (let i = 0, j = 0; i < val.length; i = j) {
      while (j < val.length && val[j].segment === val[i].segment && val[j].phase === val[i].phase) j++;
      valPath += accLine(val.slice(i, j)) ?? '';
    }
    setPath('val', 'path.val-acc', valPath);
    marks
      .select('g.val-dots')
      .selectAll<SVGCircleElement, SeriesPoint>('circle')
      .data(val)
      .join((enter) => enter.append('circle').attr('r', 3.5).call((c) => c.append('title')))
      .attr('cx', px)
      .attr('cy', (p) => (Number.isFinite(p.acc) ? yAcc(p.acc) : -100))
      .attr('fill', (p) => PHASE_COLORS[p.phase])
      .select('title')
      .text((p) => `${PHASE_NAMES[p.phase]}, step ${p.step}: val accuracy ${p.acc.toFixed(1)}%, loss ${p.loss.toFixed(3)}`);

    const ticks = Math.max(2, Math.floor(W / 90));
    svg.select<SVGGElement>('g.x-axis').attr('transform', `translate(0,${accTop + ACC_H})`).call(d3.axisBottom(x).ticks(ticks).tickSizeOuter(0));
    svg.select<SVGGElement>('g.y-loss').attr('transform', `translate(${M.left},0)`).call(d3.axisLeft(yLoss).ticks(4));
    svg.select<SVGGElement>('g.y-acc').attr('transform', `translate(${M.left},0)`).call(d3.axisLeft(yAcc).ticks(4));
    svg.select('text.x-title').attr('x', W - M.right).attr('y', HEIGHT - 4);
  }, []);

  useRafDraw(host, (s) => `${s.runId}:${s.trainVersion}:${s.cursor === null ? 'live' : 'held'}:${s.run.runStart ? 1 : 0}`, draw);
  return (
    <>
      <div ref={host} className="chart-host" />
      <Legend
        items={[
          { label: 'loss, smoothed', color: C.ink, mark: 'line' },
          { label: 'loss per batch', color: C.faint, mark: 'line' },
          { label: 'validation accuracy (dots coloured by phase)', color: C.ink, mark: 'dash', dash: '3 3' },
          { label: 'training-batch accuracy', color: C.faint, mark: 'dash', dash: '1 2' },
          { label: 'supernet', color: PHASE_COLORS.supernet, mark: 'swatch' },
          { label: 'search', color: PHASE_COLORS.search, mark: 'swatch' },
          { label: 'final retrain', color: PHASE_COLORS.final, mark: 'swatch' },
        ]}
      />
      <TrainingNote />
    </>
  );
}

/** What the curves are for the method on screen, where it differs from training NB-201 networks (catalog `views.trainingNote`). */
function TrainingNote() {
  const runStart = useRunStart();
  const note = runStart ? methodInfo(runStart.config.method).views?.trainingNote : undefined;
  return note ? (
    <p className="hint" data-testid="training-note">
      {note}
    </p>
  ) : null;
}

function build(host: HTMLDivElement) {
  const svg = d3
    .select(host)
    .append('svg')
    .attr('data-testid', 'loss-chart')
    .attr('class', 'chart loss-chart')
    .attr('height', HEIGHT)
    .attr('role', 'img')
    .attr('aria-label', 'Training loss and validation accuracy over training steps');
  // The bands and curves go over the chart (see reveal.ts).
  const reveal = buildReveal(host, 'loss-marks');
  const clipped = reveal.marks;
  clipped.append('g').attr('class', 'bands');
  svg.append('g').attr('class', 'axis x-axis');
  svg.append('g').attr('class', 'axis y-loss');
  svg.append('g').attr('class', 'axis y-acc');
  clipped.append('path').attr('class', 'train-loss-raw').attr('fill', 'none').attr('stroke', C.ink).attr('stroke-opacity', 0.25).attr('stroke-width', 1);
  clipped.append('path').attr('class', 'train-loss').attr('fill', 'none').attr('stroke', C.ink).attr('stroke-width', 2);
  clipped.append('path').attr('class', 'train-acc').attr('fill', 'none').attr('stroke', C.muted).attr('stroke-opacity', 0.5).attr('stroke-width', 1).attr('stroke-dasharray', '1 2');
  clipped.append('path').attr('class', 'val-acc').attr('fill', 'none').attr('stroke', C.ink).attr('stroke-width', 1.5).attr('stroke-dasharray', '3 3');
  clipped.append('g').attr('class', 'val-dots');
  const accTop = M.top + LOSS_H + M.gap;
  // Panel titles run up the y axes, so they never sit on top of a curve.
  const yTitle = (text: string, top: number, h: number) =>
    svg
      .append('text')
      .attr('class', 'axis-title')
      .attr('text-anchor', 'middle')
      .attr('transform', `translate(13,${top + h / 2}) rotate(-90)`)
      .text(text);
  yTitle('training loss', M.top, LOSS_H);
  yTitle('accuracy %', accTop, ACC_H);
  svg.append('text').attr('class', 'axis-title x-title').attr('text-anchor', 'end').text('training steps, all trainings of the run end to end');
  svg
    .append('text')
    .attr('class', 'empty')
    .attr('text-anchor', 'middle')
    .attr('y', HEIGHT / 2);
  return { svg, reveal };
}
