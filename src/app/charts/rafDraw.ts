import { useEffect, useRef } from 'react';
import { useRunStore, type RunStore } from '../store';

/**
 * Runs `draw` at most once per animation frame, and only when `key` of the store changed or the
 * element was resized. Batches arrive every 100 ms and a replay delivers a whole log at once;
 * coalescing them into frames keeps each redraw one short task however fast events come.
 */
export function useRafDraw(el: React.RefObject<HTMLElement | null>, key: (s: RunStore) => unknown, draw: (width: number) => void): void {
  // The latest draw closure, so the subscription is made once per mount.
  const drawRef = useRef(draw);
  drawRef.current = draw;
  const keyRef = useRef(key);
  keyRef.current = key;

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    let frame = 0;
    let width = node.clientWidth;
    const schedule = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        drawRef.current(width);
      });
    };
    let last = keyRef.current(useRunStore.getState());
    const unsubscribe = useRunStore.subscribe((s) => {
      const k = keyRef.current(s);
      if (k !== last) {
        last = k;
        schedule();
      }
    });
    const ro = new ResizeObserver(() => {
      const w = node.clientWidth;
      if (w !== width) {
        width = w;
        schedule();
      }
    });
    ro.observe(node);
    drawRef.current(width);
    return () => {
      unsubscribe();
      ro.disconnect();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [el]);
}

/**
 * Thins a series for drawing: per pixel column, keeps the first, lowest, highest and last point,
 * so spikes survive but a path never holds more than ~4 points per pixel.
 */
export function thin<T>(points: T[], px: (p: T) => number, py: (p: T) => number, width: number, maxPerPx = 4): T[] {
  if (points.length <= Math.max(width, 1) * maxPerPx) return points;
  const out: T[] = [];
  let col = NaN;
  let first = 0;
  let lo = 0;
  let hi = 0;
  let last = 0;
  const flush = () => {
    // Indices ascend, so a sorted unique set keeps the path's order.
    const keep = [...new Set([first, lo, hi, last])].sort((a, b) => a - b);
    for (const i of keep) out.push(points[i]);
  };
  for (let i = 0; i < points.length; i++) {
    const c = Math.round(px(points[i]));
    if (c !== col) {
      if (i > 0) flush();
      col = c;
      first = lo = hi = last = i;
      continue;
    }
    const y = py(points[i]);
    // NaN compares false both ways, so a missing value never becomes an extreme.
    if (y < py(points[lo])) lo = i;
    if (y > py(points[hi])) hi = i;
    last = i;
  }
  if (points.length > 0) flush();
  return out;
}
