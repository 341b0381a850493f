import { SERIES, seriesColor } from './graphs/ops';
import { METHOD_OPTIONS } from './methods';

/**
 * Series colours (graphs/ops.ts: the Okabe–Ito set, defined once in styles.css for light and
 * dark): a method keeps its colour wherever methods share a chart (Repeats), and a run in the
 * Compare view takes a free slot of the same set.
 */
export const SERIES_COLORS: readonly string[] = Array.from({ length: SERIES }, (_, k) => seriesColor(k));

/** A method's colour: its place in the catalog's menu order. */
export function methodColor(id: string): string {
  return seriesColor(Math.max(0, METHOD_OPTIONS.findIndex((m) => m.id === id)));
}
