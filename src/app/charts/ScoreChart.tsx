import * as d3 from 'd3';
import { useCallback, useRef } from 'react';
import type { RunConfig } from '../../engine/core/config';
import { methodInfo } from '../../engine/methods/catalog';
import { formatScore } from '../format';
import type { CandidateRow } from '../runState';
import { useRunStore } from '../store';
import { useRafDraw } from './rafDraw';
import { C } from './kit';
import { buildReveal, type Reveal } from './reveal';

/**
 * Every evaluated candidate as a dot (x = evaluation order, y = its search score) with the
 * best-so-far step line: the picture that says whether a method beats random search.
 * d3 owns the <svg>. The dots are one path of zero-length round-capped segments rather than a
 * <circle> each, so a 15,625-query table run stays a single DOM node; hover and click find the
 * candidate from the x position instead of per-dot listeners.
 */
const HEIGHT = 300;
const M = { left: 52, right: 14, top: 26, bottom: 34 };

/** What a candidate's score is, in the run's own terms: the method's (catalog `views`) where it scores by itself, else the evaluator's. */
export function scoreLabel(config: RunConfig | null | undefined): string {
  if (!config) return 'score';
  const own = methodInfo(config.method).views;
  if (own) return own.scoreAxis;
  if (config.evaluator === 'table') return `${config.table.searchColumn} (table lookup)`;
  if (config.evaluator === 'supernet') return 'val accuracy % with shared supernet weights';
  return 'val accuracy % after a short training';
}

export function ScoreChart() {
  const host = useRef<HTMLDivElement>(null);
  const svgRef = useRef<{ svg: d3.Selection<SVGSVGElement, unknown, null, undefined>; reveal: Reveal } | null>(null);
  const xRef = useRef<d3.ScaleLinear<number, number> | null>(null);
  const yRef = useRef<d3.ScaleLinear<number, number> | null>(null);
  const dotCache = useRef({ key: '', rows: null as CandidateRow[] | null, n: 0, d: '', drawnDots: '', drawnBest: '', axesKey: '' });

  const draw = useCallback((width: number) => {
    if (!host.current) return;
    if (!svgRef.current) svgRef.current = build(host.current, xRef, yRef);
    const { svg, reveal } = svgRef.current;
    const marks = reveal.marks;
    const W = Math.max(width, 320);
    const { run, source, cursor, selectedIndex } = useRunStore.getState();
    // While the timeline is held back, the dots and the best line are the whole run's, drawn once,
    // and the reveal shows the moment's prefix (candidates come in index order, so a prefix is
    // everything left of an x): a move changes one attribute instead of rebuilding thousands of
    // dots. The axes then stay put while scrubbing.
    const whole = cursor !== null ? source : run;
    const rows = whole.candidates;
    const shown = run.candidates;
    // A method without a candidate budget (DNA, Cream) leaves config.budget at its unused default: the axis is its candidates only.
    const rs = whole.runStart;
    const budget = rs && methodInfo(rs.config.method).budget !== null ? rs.config.budget : 0;
    svg.attr('width', W).attr('data-count', shown.length);

    const x = d3
      .scaleLinear()
      .domain([-0.5, Math.max(budget, rows.length, 2) - 0.5])
      .range([M.left, W - M.right]);
    // The store tracks the extremes, so the range costs nothing per frame however many dots there are.
    const [lo, hi] = whole.worst && whole.best ? [whole.worst.score, whole.best.score] : [0, 100];
    const pad = Math.max((hi - lo) * 0.08, 0.5);
    const y = d3
      .scaleLinear()
      .domain([lo - pad, hi + pad])
      .range([HEIGHT - M.bottom, M.top])
      .nice();
    xRef.current = x;
    yRef.current = y;

    // The path text only grows while the scales hold, so a frame formats only the new dots.
    const scaleKey = `${x.domain()}|${x.range()}|${y.domain()}`;
    const cache = dotCache.current;
    if (cache.key !== scaleKey || cache.rows !== rows || cache.n > rows.length) {
      cache.key = scaleKey;
      cache.rows = rows;
      cache.n = 0;
      cache.d = '';
    }
    for (let i = cache.n; i < rows.length; i++) {
      const r = rows[i];
      if (Number.isFinite(r.score)) cache.d += `M${x(r.index).toFixed(1)},${y(r.score).toFixed(1)}h0`;
    }
    cache.n = rows.length;
    // Set only when changed: the browser parses a path's text again on every write.
    if (cache.drawnDots !== cache.d) marks.select('path.dots').attr('d', (cache.drawnDots = cache.d));
    marks
      .select('path.dots')
      .attr('data-count', shown.length)
      .attr('stroke-width', rows.length > 1000 ? 4 : 7);
    const steps = whole.improvements;
    const step = d3
      .line<CandidateRow>()
      .curve(d3.curveStepAfter)
      .x((r) => x(r.index))
      .y((r) => y(r.bestSoFar));
    // Carried to the right edge of the last candidate so the current best reads as a level.
    const end = rows.length ? rows[rows.length - 1].index + 0.5 : 0;
    const best = steps.length ? `${step(steps)}H${x(end)}` : '';
    if (cache.drawnBest !== best) marks.select('path.best').attr('d', (cache.drawnBest = best));
    reveal.update(W, HEIGHT, cursor === null ? null : shown.length ? x(shown[shown.length - 1].index + 0.5) : 0);

    const ring = (cls: string, index: number | null | undefined) => {
      const r = index === null || index === undefined ? undefined : shown[index]?.index === index ? shown[index] : shown.find((c) => c.index === index);
      marks
        .select(`circle.${cls}`)
        .attr('display', r && Number.isFinite(r.score) ? null : 'none')
        .attr('cx', r ? x(r.index) : 0)
        .attr('cy', r && Number.isFinite(r.score) ? y(r.score) : 0);
    };
    ring('final-ring', run.final?.candidateIndex);
    ring('selected-ring', selectedIndex);

    // Axes and titles are rebuilt only when they change: a scrub over a held run moves neither.
    const yTitle = run.runStart ? `score: ${scoreLabel(run.runStart.config)}` : 'score';
    const xTitle = `${(run.runStart && methodInfo(run.runStart.config.method).views?.candidateAxis) ?? 'candidate # (order of evaluation)'} · red: best so far`;
    const empty = shown.length ? '' : run.runStart?.trainArch ? 'This run trains one given cell: there is no search.' : 'No candidates yet.';
    const axesKey = `${scaleKey}|${budget}|${rows.length}|${yTitle}|${xTitle}|${empty}`;
    if (cache.axesKey === axesKey) return;
    cache.axesKey = axesKey;
    const ticks = Math.max(2, Math.floor(W / 80));
    svg
      .select<SVGGElement>('g.x-axis')
      .attr('transform', `translate(0,${HEIGHT - M.bottom})`)
      .call(d3.axisBottom(x).ticks(Math.min(ticks, Math.max(budget, rows.length, 2))).tickFormat(d3.format('d')).tickSizeOuter(0));
    svg.select<SVGGElement>('g.y-axis').attr('transform', `translate(${M.left},0)`).call(d3.axisLeft(y).ticks(5));
    svg.select('text.y-title').text(yTitle);
    svg.select('text.x-title').attr('x', W - M.right).attr('y', HEIGHT - 4).text(xTitle);
    svg
      .select('text.empty')
      .attr('x', W / 2)
      .attr('display', empty ? null : 'none')
      .text(empty);
  }, []);

  // run-start brings the budget (x domain) and the evaluator (y title) before any candidate.
  useRafDraw(host, (s) => `${s.runId}:${s.candidateVersion}:${s.selectedIndex}:${s.run.final ? 1 : 0}:${s.run.runStart ? 1 : 0}`, draw);
  return <div ref={host} className="chart-host" />;
}

function build(host: HTMLDivElement, xRef: React.RefObject<d3.ScaleLinear<number, number> | null>, yRef: React.RefObject<d3.ScaleLinear<number, number> | null>) {
  const svg = d3
    .select(host)
    .append('svg')
    .attr('data-testid', 'score-chart')
    .attr('class', 'chart score-chart')
    .attr('height', HEIGHT)
    .attr('role', 'img')
    .attr('aria-label', 'Score of every evaluated candidate, with the best so far');
  svg.append('g').attr('class', 'axis x-axis');
  svg.append('g').attr('class', 'axis y-axis');
  // The marks, the rings and the hover go over the chart (see reveal.ts); pointer events reach the chart below.
  const reveal = buildReveal(host, 'score-marks');
  const marks = reveal.marks;
  marks.append('path').attr('class', 'best').attr('fill', 'none').attr('stroke', C.best).attr('stroke-width', 2.5);
  marks.append('path').attr('class', 'dots').attr('fill', 'none').attr('stroke', C.primary).attr('stroke-opacity', 0.75).attr('stroke-width', 7).attr('stroke-linecap', 'round');
  marks.append('circle').attr('class', 'final-ring').attr('r', 8).attr('fill', 'none').attr('stroke', C.good).attr('stroke-width', 3).attr('display', 'none');
  marks.append('circle').attr('class', 'selected-ring').attr('r', 10).attr('fill', 'none').attr('stroke', C.ink).attr('stroke-width', 1.5).attr('display', 'none');
  const hover = marks.append('g').attr('class', 'hover').attr('display', 'none').attr('pointer-events', 'none');
  hover.append('circle').attr('r', 5).attr('fill', C.ink);
  const label = hover.append('text').attr('class', 'hover-label').attr('y', -12);
  svg.append('text').attr('class', 'axis-title y-title').attr('x', M.left + 6).attr('y', M.top - 10);
  svg.append('text').attr('class', 'axis-title x-title').attr('text-anchor', 'end');
  svg.append('text').attr('class', 'empty').attr('text-anchor', 'middle').attr('y', HEIGHT / 2).text('No candidates yet.');

  const nearest = (event: PointerEvent): CandidateRow | null => {
    const x = xRef.current;
    const y = yRef.current;
    if (!x || !y) return null;
    const [mx, my] = d3.pointer(event);
    const rows = useRunStore.getState().run.candidates;
    const i = Math.round(x.invert(mx));
    // Indices near the pointer, then the closest of those on screen: dots are dense in x.
    let best: CandidateRow | null = null;
    let bestD = 400;
    for (let k = Math.max(0, i - 3); k <= Math.min(rows.length - 1, i + 3); k++) {
      const r = rows[k];
      if (!Number.isFinite(r.score)) continue;
      const dd = (x(r.index) - mx) ** 2 + (y(r.score) - my) ** 2;
      if (dd < bestD) {
        bestD = dd;
        best = r;
      }
    }
    return best;
  };
  svg
    .on('pointermove', (event: PointerEvent) => {
      const r = nearest(event);
      if (!r || !xRef.current || !yRef.current) return void hover.attr('display', 'none');
      const cx = xRef.current(r.index);
      const w = Number(svg.attr('width'));
      hover.attr('display', null).attr('transform', `translate(${cx},${yRef.current(r.score)})`);
      label.attr('text-anchor', cx > w * 0.6 ? 'end' : 'start').text(`#${r.index}: ${formatScore(r.score)} (${r.origin})`);
    })
    .on('pointerleave', () => hover.attr('display', 'none'))
    .on('click', (event: PointerEvent) => {
      const r = nearest(event);
      if (r) useRunStore.getState().select(r.index);
    });
  return { svg, reveal };
}
