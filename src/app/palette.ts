import * as d3 from 'd3';
import { METHOD_OPTIONS } from './methods';

/**
 * The one palette of series colours (d3's Tableau 10): a method keeps its colour wherever methods
 * share a chart (Repeats), and a run in the Compare view takes a slot of the same palette.
 */
export const SERIES_COLORS: readonly string[] = d3.schemeTableau10;

/** A method's colour: its place in the catalog's menu order. */
export function methodColor(id: string): string {
  return SERIES_COLORS[Math.max(0, METHOD_OPTIONS.findIndex((m) => m.id === id)) % SERIES_COLORS.length];
}
