import * as d3 from 'd3';
import { compareChartCsv } from '../compare/CompareChart';
import { regretSeries, tableInfoOf } from '../panels/benchmark/regret';
import { useRunStore } from '../store';

/**
 * Charts as figures for slides: any chart on the page (an <svg role="img">) as a standalone SVG —
 * its title on top, its legend as a caption, every style it takes from the page's stylesheet
 * written onto its elements so it looks the same anywhere — or as a PNG at 2×; and, for the charts
 * drawn from the run's own series, the plotted points as CSV.
 */
export interface FigureSource {
  svg: SVGSVGElement;
  title: string;
  /** A legend kept outside the svg (HTML beside the chart), as the figure's caption. */
  caption: string;
  /** The chart's test id, when it has one: the key of its CSV. */
  id: string | null;
}

const STYLE_PROPS = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'stroke-linecap', 'stroke-linejoin', 'opacity', 'font-size', 'font-family', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'display', 'visibility'];
const SVG_NS = 'http://www.w3.org/2000/svg';
const TITLE_H = 30;
const CAPTION_H = 22;

/** Every chart in `root` worth a figure, with the title its panel gives it. */
export function figuresIn(root: ParentNode = document): FigureSource[] {
  return [...root.querySelectorAll<SVGSVGElement>('svg[role="img"]')]
    .filter((svg) => svg.getBoundingClientRect().width > 40 && svg.closest('[hidden]') === null)
    .map((svg) => {
      // A chart's own figure (charts/kit.tsx) holds no heading: the panel's section does.
      const heading = (svg.closest('figure')?.querySelector('h2, h3') ?? svg.closest('section')?.querySelector('h2, h3'))?.textContent?.trim();
      const label = svg.getAttribute('aria-label') ?? '';
      const legend = svg.parentElement?.parentElement?.querySelector('.chart-legend') ?? svg.closest('figure')?.querySelector('figcaption');
      return {
        svg,
        title: heading && label && !label.startsWith(heading) ? `${heading}: ${label}` : heading || label || 'chart',
        caption: legend?.textContent?.replace(/\s+/g, ' ').trim() ?? '',
        id: svg.getAttribute('data-testid') ?? svg.closest('[data-testid]')?.getAttribute('data-testid') ?? null,
      };
    });
}

/** Writes the computed styles of `from`'s elements onto their copies in `to` (same structure). */
function inlineStyles(from: Element, to: Element): void {
  const a = [from, ...from.querySelectorAll('*')];
  const b = [to, ...to.querySelectorAll('*')];
  a.forEach((el, i) => {
    const cs = getComputedStyle(el);
    // As presentation attributes, not a style attribute: the page's CSP refuses inline styles,
    // and in the standalone file (no stylesheet) they are what the renderer reads.
    for (const p of STYLE_PROPS) {
      const v = cs.getPropertyValue(p);
      if (v) b[i].setAttribute(p, v);
    }
    b[i].removeAttribute('style');
    b[i].removeAttribute('class');
  });
}

function sizeOf(svg: SVGSVGElement): { w: number; h: number } {
  const vb = svg.viewBox.baseVal;
  if (vb && vb.width > 0 && vb.height > 0) return { w: vb.width, h: vb.height };
  const r = svg.getBoundingClientRect();
  return { w: Math.round(r.width), h: Math.round(r.height) };
}

/** The chart as a standalone SVG document's text. */
export function figureSvg(f: FigureSource): string {
  const { w, h } = sizeOf(f.svg);
  const chart = f.svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(f.svg, chart);
  // A chart whose marks sit in the timeline's reveal overlays (charts/reveal.ts, kit.tsx
  // RevealLayer): the marks join the figure in their order, each clipped where its box clips it on
  // screen.
  const scale = w / Math.max(1, f.svg.getBoundingClientRect().width);
  f.svg.parentElement?.querySelectorAll<SVGSVGElement>(':scope > .chart-reveal > svg').forEach((overlay, k) => {
    const box = overlay.parentElement!.getBoundingClientRect().width;
    const marks = overlay.cloneNode(true) as SVGSVGElement;
    inlineStyles(overlay, marks);
    const id = k === 0 ? 'figure-reveal' : `figure-reveal-${k}`;
    const clip = document.createElementNS(SVG_NS, 'clipPath');
    clip.setAttribute('id', id);
    const rect = document.createElementNS(SVG_NS, 'rect');
    rect.setAttribute('width', String(Math.min(w, box * scale)));
    rect.setAttribute('height', String(h));
    clip.append(rect);
    const g = document.createElementNS(SVG_NS, 'g');
    g.setAttribute('clip-path', `url(#${id})`);
    g.append(...marks.childNodes);
    chart.append(clip, g);
  });
  // Marks laid above the reveal (the moment's own, charts/kit.tsx TopLayer) join last, unclipped.
  const top = f.svg.parentElement?.querySelector<SVGSVGElement>(':scope > svg.chart-top');
  if (top) {
    const marks = top.cloneNode(true) as SVGSVGElement;
    inlineStyles(top, marks);
    chart.append(...marks.childNodes);
  }
  chart.removeAttribute('style');
  chart.setAttribute('x', '0');
  chart.setAttribute('y', String(TITLE_H));
  chart.setAttribute('width', String(w));
  chart.setAttribute('height', String(h));
  chart.setAttribute('viewBox', `0 0 ${w} ${h}`);
  const height = TITLE_H + h + (f.caption ? CAPTION_H : 0);
  const root = document.createElementNS(SVG_NS, 'svg');
  root.setAttribute('xmlns', SVG_NS);
  root.setAttribute('width', String(w));
  root.setAttribute('height', String(height));
  root.setAttribute('viewBox', `0 0 ${w} ${height}`);
  root.setAttribute('font-family', 'system-ui, sans-serif');
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  // The theme's own surface and ink (computed, so the file holds colours, not var()s): a dark-mode
  // figure keeps its light marks on their dark ground.
  const page = getComputedStyle(document.documentElement);
  bg.setAttribute('fill', page.getPropertyValue('--panel').trim() || '#ffffff');
  const text = (s: string, y: number, size: number, weight = 'normal') => {
    const t = document.createElementNS(SVG_NS, 'text');
    t.setAttribute('x', '8');
    t.setAttribute('y', String(y));
    t.setAttribute('font-size', String(size));
    t.setAttribute('font-weight', weight);
    t.setAttribute('fill', page.getPropertyValue('--ink').trim() || '#1d2330');
    t.textContent = s;
    return t;
  };
  // One line each, sized to the figure's width (a character is about 0.55 of its font size).
  const fit = (s: string, max: number) => Math.max(8, Math.min(max, (w - 16) / (0.55 * Math.max(1, s.length))));
  root.append(bg, text(f.title, 20, fit(f.title, 15), 'bold'), chart);
  if (f.caption) root.append(text(f.caption, TITLE_H + h + 15, fit(f.caption, 11)));
  return new XMLSerializer().serializeToString(root);
}

/** The figure as a PNG at `scale`× its size (2× for a projector or a slide). */
export async function figurePng(f: FigureSource, scale = 2): Promise<Blob> {
  const text = figureSvg(f);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(img.width * scale);
    canvas.height = Math.ceil(img.height * scale);
    const ctx = canvas.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be made'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The plotted points of the charts drawn from the run's own series, as CSV with a header; null for other charts. */
export function figureCsv(id: string | null): string | null {
  const { run } = useRunStore.getState();
  switch (id) {
    case 'score-chart':
      return d3.csvFormat(run.candidates.map((c) => ({ candidate: c.index, score: c.score, best_so_far: c.bestSoFar, origin: c.origin, arch: c.arch })));
    case 'loss-chart':
      return d3.csvFormat([
        ...run.train.map((p) => ({ series: 'train', x: p.x, phase: p.phase, step: p.step, loss: p.loss, accuracy: p.acc })),
        ...run.val.map((p) => ({ series: 'validation', x: p.x, phase: p.phase, step: p.step, loss: p.loss, accuracy: p.acc })),
      ]);
    case 'regret-chart': {
      const info = tableInfoOf(run.methodEvents);
      if (!info) return null;
      return d3.csvFormat(regretSeries(run.candidates, info).map((p) => ({ query: p.query, reported: p.reported, best_index: p.bestIndex, best_reported: p.bestReported, regret: p.regret })));
    }
    case 'compare-chart':
      return compareChartCsv();
    default:
      return null;
  }
}
