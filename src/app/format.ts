import type { MethodId } from '../engine/core/config';
import { methodInfo } from '../engine/methods/catalog';

/** Number and time formatting shared by the panels, so the same quantity reads the same everywhere. */

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Compact counts for params and FLOPs: 12.3k, 4.56M. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${(n / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${(n / 1e3).toPrecision(3)}k`;
  return String(Math.round(n));
}

export function formatScore(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return v.toFixed(digits);
}

/** Human names for metric keys every method may report; a method's own keys are named in its catalog entry. */
const METRIC_LABELS: Record<string, string> = {
  testAcc: 'test accuracy %',
  valAcc: 'validation accuracy %',
  testLoss: 'test loss',
  valLoss: 'validation loss',
  trainLoss: 'final training loss',
  supernetAcc: 'supernet val accuracy %',
  supernetLoss: 'supernet val loss',
  reported: 'reported value',
};

/** A metric key in words: the method's own label (catalog `views.metricLabels`) first, then the shared ones; unknown keys as they are. */
export const metricLabel = (key: string, method?: MethodId) => (method ? methodInfo(method).views?.metricLabels[key] : undefined) ?? METRIC_LABELS[key] ?? key;

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(0)} kB`;
  return `${n} B`;
}

/**
 * Whole numbers with thousands separators. One shared formatter: building one (which is what every
 * bare toLocaleString() does) costs tens of milliseconds the first time, a main-thread long task
 * measured in the first render of a run; formatting with a built one is cheap.
 */
const INT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export function formatInt(n: number): string {
  return Number.isFinite(n) ? INT_FORMAT.format(n) : '–';
}
