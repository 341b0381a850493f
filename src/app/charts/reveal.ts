import * as d3 from 'd3';

/**
 * The timeline's reveal for a d3-owned chart. While the timeline is held back, a chart keeps the
 * whole run's marks drawn and shows the moment's prefix (points arrive in x order, so a prefix is
 * everything left of an x). The marks live in a second <svg> laid over the chart, inside a box
 * that clips them at that x; the marks' svg is its own composited layer, so a scrub move changes
 * the box's width and nothing is painted or rastered again. A clip-path inside the chart (what
 * this replaced) made the raster threads redraw thousands of round-capped dots on every move:
 * 12 ms a frame on two cores, more than the page's own work.
 */
export interface Reveal {
  /** The svg the marks go in: same size and coordinates as the chart's own. */
  marks: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  /** Sizes the marks' svg to the chart and shows everything left of `revealTo` (null: all of it). */
  update(width: number, height: number, revealTo: number | null): void;
}

export function buildReveal(host: HTMLDivElement, className: string): Reveal {
  const box = d3.select(host).append('div').attr('class', 'chart-reveal');
  const marks = box.append('svg').attr('class', `chart chart-marks ${className}`).attr('aria-hidden', 'true');
  let drawn = { width: -1, height: -1, box: '' };
  return {
    marks,
    update(width, height, revealTo) {
      if (drawn.width !== width || drawn.height !== height) {
        marks.attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
        drawn = { width, height, box: '' };
      }
      const w = revealTo === null ? `${width}px` : `${Math.max(0, Math.min(width, revealTo)).toFixed(1)}px`;
      if (drawn.box !== w) {
        // CSSOM writes, not a style attribute: the page's CSP refuses inline styles.
        box.node()!.style.width = drawn.box = w;
        box.node()!.style.height = `${height}px`;
      }
    },
  };
}
