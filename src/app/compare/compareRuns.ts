import { spaceOps } from '../../engine/spaces/nb201';
import type { RunConfig } from '../../engine/core/config';
import type { RunEvent } from '../../engine/core/events';
import { type BestSoFarPoint, foldBestSoFar } from '../../engine/core/repeats';
import { methodInfo } from '../../engine/methods/catalog';
import { scoreLabel } from '../charts/ScoreChart';
import { candidatesOf, tableInfoOf } from '../panels/benchmark/regret';

/**
 * What the Compare view reads from one run's event log: its settings (run-start), its best-so-far
 * curve (the engine's one fold over its candidate events), its final pick, and what its score
 * means. Pure functions of the log, so a live, recorded or imported run is read the same way.
 */

export type SlotOrigin = 'screen' | 'recorded' | 'imported' | 'live';

export const ORIGIN_WORDS: Record<SlotOrigin, string> = {
  screen: 'the run on screen',
  recorded: 'recorded run',
  imported: 'imported file',
  live: 'run live here',
};

type Candidate = Extract<RunEvent, { type: 'candidate' }>;
type Final = Extract<RunEvent, { type: 'final' }>;

export interface ScoreSpace {
  /** Runs with the same key have scores that mean the same thing, so their curves share axes. */
  key: string;
  /** The score in words, with its unit: the y axis title. */
  label: string;
}

/**
 * What a run's candidate score means. Decided here, once: scores share an axis only when they
 * measure the same thing on the same data —
 * - a benchmark table: the same search column of the same table (by the table's name);
 * - a weight-sharing supernet: validation accuracy with shared weights on the same dataset;
 * - standalone training: validation accuracy after the same short training on the same dataset;
 * - a method that scores in its own way (DNA's distance to the teacher, Cream's path accuracy):
 *   the same method on the same dataset.
 * An NB-201 table run and a block-space run are never on one chart: their scores are different
 * quantities even when both are called accuracy.
 */
export function scoreSpaceOf(config: RunConfig, log: readonly RunEvent[]): ScoreSpace {
  const label = scoreLabel(config);
  if (methodInfo(config.method).views) return { key: `method:${config.method}:${config.dataset}`, label: `${label}, ${config.dataset}` };
  if (config.evaluator === 'table') {
    const table = tableInfoOf(log as RunEvent[])?.name ?? config.table.source;
    return { key: `table:${table}:${config.table.searchColumn}`, label: `${config.table.searchColumn} on table ${table}` };
  }
  if (config.evaluator === 'standalone') return { key: `standalone:${config.dataset}:${config.standalone.epochs}`, label: `${label} (${config.standalone.epochs} epochs), ${config.dataset}` };
  return { key: `supernet:${config.dataset}`, label: `${label}, ${config.dataset}` };
}

export interface RunSummary {
  config: RunConfig;
  backend: string;
  candidates: Candidate[];
  /** The engine's best-so-far fold over the candidate events. */
  curve: BestSoFarPoint<Candidate>[];
  final: Final | null;
  end: Extract<RunEvent, { type: 'run-end' }> | null;
  space: ScoreSpace;
  /** The time of the run's last event, ms. */
  duration: number;
}

/** A log the view can show: it starts with run-start and has at least one candidate, or the reason it cannot. */
export function summarizeRun(log: readonly RunEvent[]): { ok: true; run: RunSummary } | { ok: false; reason: string } {
  const start = log.find((e): e is Extract<RunEvent, { type: 'run-start' }> => e.type === 'run-start');
  if (!start) return { ok: false, reason: 'its log has no run-start event (no settings to compare)' };
  if (start.trainArch) return { ok: false, reason: 'it trains one given architecture: there is no search to compare' };
  const candidates = candidatesOf(log as RunEvent[]);
  if (candidates.length === 0) return { ok: false, reason: 'it has no candidate yet: there is no curve to draw' };
  let final: Final | null = null;
  let end: Extract<RunEvent, { type: 'run-end' }> | null = null;
  for (const e of log) {
    if (e.type === 'final') final = e;
    else if (e.type === 'run-end') end = e;
  }
  return {
    ok: true,
    run: {
      config: start.config,
      backend: start.backend,
      candidates,
      curve: foldBestSoFar(candidates),
      final,
      end,
      space: scoreSpaceOf(start.config, log),
      duration: log.length > 0 ? log[log.length - 1].t : 0,
    },
  };
}

/** One row of the settings table: a label and each run's value as text. */
export interface SettingRow {
  label: string;
  values: string[];
  /** Not every run has the same value. */
  differs: boolean;
}

const json = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

/**
 * The settings that make runs comparable, side by side. Rows that do not apply to a run say so
 * ("—"), and a row differs when its texts differ.
 */
export function settingRows(runs: readonly RunSummary[]): SettingRow[] {
  const rows: [string, (r: RunSummary) => string][] = [
    ['method', (r) => methodInfo(r.config.method).title],
    ['space', (r) => (methodInfo(r.config.method).space === 'blocks' ? 'block chain' : `NB-201 cell, ops ${spaceOps(r.config.space).join(', ')}`)],
    ['score', (r) => r.space.label],
    ['evaluator', (r) => (methodInfo(r.config.method).views ? 'its own' : r.config.evaluator)],
    ['dataset', (r) => r.config.dataset],
    ['budget', (r) => String(r.config.budget)],
    ['candidates evaluated', (r) => String(r.candidates.length)],
    ['seed', (r) => String(r.config.seed)],
    ['table', (r) => (r.config.evaluator === 'table' && !methodInfo(r.config.method).views ? `${r.config.table.source}: search ${r.config.table.searchColumn}, report ${r.config.table.reportColumn}` : '—')],
    ['supernet', (r) => (r.config.evaluator === 'supernet' || methodInfo(r.config.method).views ? `${r.config.supernet.steps} steps, batch ${r.config.supernet.batchSize}, lr ${r.config.supernet.lr}` : '—')],
    ['final retrain', (r) => (r.config.evaluator === 'table' && !methodInfo(r.config.method).views ? 'table lookup' : r.config.final.enabled ? `${r.config.final.epochs} epochs` : 'off')],
    ['method settings', (r) => json(r.config.methodSettings[r.config.method])],
    ['backend', (r) => r.backend],
    ['ended', (r) => (r.end ? r.end.status : 'not yet')],
  ];
  return rows.map(([label, f]) => {
    const values = runs.map(f);
    return { label, values, differs: new Set(values).size > 1 };
  });
}

/**
 * Equal budget is what makes a comparison fair. Unequal budgets (config.budget) are flagged; equal
 * budgets spent unequally (NAO may stop early; a run still going or stopped) are noted.
 */
export function budgetNote(runs: readonly RunSummary[]): { unequal: boolean; text: string } | null {
  const budgets = runs.map((r) => r.config.budget);
  const spent = runs.map((r) => r.candidates.length);
  if (new Set(budgets).size > 1) return { unequal: true, text: `Unequal budgets (${budgets.join(' vs ')}): a run with more queries has had more chances. Compare the curves at the same x, not their ends.` };
  if (new Set(spent).size > 1) return { unequal: false, text: `Equal budgets of ${budgets[0]}, spent unequally (${spent.join(' vs ')} candidates): a run that stopped early or is still going ends sooner on the x axis.` };
  return null;
}
