import type { RunConfig } from '../core/config';
import type { MethodEventSchemas, RunEvent } from '../core/events';
import type { z } from '../core/schema';
import type { RunContext, RunController } from '../core/runLoop';
import type { Dataset, DatasetId } from '../data/datasets';
import type { Evaluator } from '../evaluate/types';
import type { BenchmarkTable } from '../evaluate/table';
import type { BlockStructure } from '../core/formats';
import type { Nb201Cell } from '../spaces/nb201';
import type { WorkStage } from './workCost';

/**
 * The method contract. A method is one folder under engine/methods/ exporting a MethodPlugin from
 * its `plugin.ts`, and one line in methods/registry.ts; everything else — the catalog the page
 * lists, the settings check the page, the import and the CLI apply, what the worker and the CLI
 * load before a run, the work plan behind the estimates, the export's method list — is read from
 * the plugin. `plugin.ts` must not import TensorFlow.js (the page and the CLI's option check load
 * it); the implementation comes through `load`, a dynamic import the worker and the CLI call.
 */

/** What a preset changes in a run's config: the lengths of its trainings and searches, nothing else. */
export interface PresetConfig {
  budget?: number;
  supernet?: { steps: number };
  standalone?: { epochs: number };
  final?: { epochs: number };
  /** The method's own block (what `config.methodSettings[id]` holds). */
  methodSettings?: Record<string, unknown>;
}

export type PresetId = 'quick' | 'thorough';

/** The search spaces a method can declare (an architecture file's `space`). */
export type MethodSpace = 'nb201' | 'blocks';

/** What the page needs to list a method, without its implementation. */
export interface MethodInfo {
  /** The name in configs, links, files and `--method`: lower-case letters, digits and '-'. */
  id: string;
  title: string;
  summary: string;
  available: boolean;
  /**
   * The search space the method searches, and so the space of the architectures it exports and
   * trains. The import refuses a file whose method and space disagree.
   */
  space: MethodSpace;
  /** What the run config's `budget` counts for this method, or null where the method does not use it. */
  budget: string | null;
  /** Where the method has no `budget`, what bounds its run instead (shown in place of the budget field). */
  bound?: string;
  presets: Record<PresetId, PresetConfig>;
  /**
   * How the page's shared panels (candidates chart, leaderboard, inspector, result, progress,
   * training chart) word this method's numbers. Absent: the NB-201 wording, which depends on the
   * evaluator (see the page's scoreLabel).
   */
  views?: MethodViews;
  /** How a run of it saved in the browser goes on after a reload (app/restore); absent: a checked rerun from the start. */
  resume?: ResumeInfo;
}

/**
 * Whether a run continues from the checkpoint taken when its evaluator is prepared (the
 * supernet's weights), with the reason in one plain clause the page shows. A method qualifies
 * when its whole state is a function of the seed and its candidates' scores — its draws come
 * from its own named streams, none of them drawn by an evaluation — so running it again with the
 * saved scores rebuilds its state exactly, in milliseconds (run.ts `resumeSearch`).
 */
export interface ResumeInfo {
  checkpoint: boolean;
  why: string;
}

/** What a method's numbers mean, for the panels every method shares. Every text names its unit. */
export interface MethodViews {
  /** The candidates chart's y axis: what a candidate's score is, with its unit and which way is better. */
  scoreAxis: string;
  /** The candidates chart's x axis: what a candidate is and in which order it arrives. */
  candidateAxis: string;
  /** Why the evaluator setting does not apply, shown in its place; absent where the method uses the evaluator. */
  evaluatorUnused?: string;
  /** The training chart's text before its first training point (one short line). */
  trainingChart: string;
  /** What the training chart's curves are for this method, shown under it. */
  trainingNote: string;
  /**
   * What its progress events count, by their `unit`: a method without a candidate budget reports
   * each stage's own work, so "2 / 2 retrains" needs saying which retrains.
   */
  progressUnits: Record<string, string>;
  /** Human labels of the method's own metric keys (candidate and final metrics). */
  metricLabels: Record<string, string>;
}

/** What a run of the method needs loaded before it starts. */
export interface MethodNeeds {
  /** The dataset's images: 'always', or 'unless-table' for methods that score through an NB-201 evaluator. */
  dataset: 'always' | 'unless-table';
}

/** Reads a file shipped in public/ by its path there: fetch in the worker, the disk in the CLI. */
export type PublicFileReader = (relPath: string) => Promise<Uint8Array>;

/** Loaded data and files for one run; `files` is what the method's `loadFiles` returned. */
export interface RunResources<X = unknown> {
  dataset?: Dataset;
  table?: BenchmarkTable;
  files?: X;
}

/**
 * The implementation, loaded on demand. An NB-201 search spends the budget through the shared
 * evaluator (supernet, standalone or table) and ends with a `final` event; a method that brings
 * its own supernet and scoring (DNA, Cream) runs whole and emits the same events.
 */
export type MethodRunner<X = unknown> =
  | { kind: 'nb201-search'; run(ctx: RunContext, evaluator: Evaluator<Nb201Cell>): Promise<void> }
  | {
      kind: 'whole-run';
      run(config: RunConfig, res: RunResources<X>, controller: RunController, sink: (e: RunEvent) => void, trainArch?: string, trainStructure?: BlockStructure): Promise<void>;
    };

export interface MethodPlugin<X = unknown> extends MethodInfo {
  needs: MethodNeeds;
  /**
   * Files beyond the dataset that a run uses when they ship (DNA's trained teacher), read through
   * `read`; undefined when they are absent or unreadable, and the method does without (DNA then
   * trains its teacher live).
   */
  loadFiles?(dataset: DatasetId, read: PublicFileReader): Promise<X | undefined>;
  /** The method's settings (`config.methodSettings[id]`) over its defaults for the dataset; {} for none. */
  defaultSettings(dataset: DatasetId): object;
  /** One line of help per top-level setting, for the settings form. */
  settingHelp?: Record<string, string>;
  /**
   * The zod schema of the method's section (`config.methodSettings[id]`): each field's type,
   * range, help (`.describe()`) and, where it does not depend on the dataset, default. For tools
   * that read the settings (a form, the generated JSON Schema); `checkSettings` is what a run asks.
   */
  settingsSchema?: z.ZodType;
  /**
   * The payload schema of every kind of `method` event the method emits, by kind: the guard its
   * `events.ts` makes with `methodEventGuard` (its `method` is this plugin's id). An imported file's
   * or saved run's events of this method are parsed with them; an event of a kind not listed is
   * refused, and so is any event of a method that declares none.
   */
  events?: MethodEventSchemas;
  /** Why the config's settings for this method cannot run, empty when they can (no TensorFlow.js). */
  checkSettings(config: RunConfig): string[];
  /**
   * The run's stages of countable work (engine/methods/workCost.ts), for the estimate before Start
   * and the remaining time during a run. Absent: the NB-201 plan (supernet, candidates, final).
   */
  planWork?(config: RunConfig): WorkStage[];
  load(): Promise<MethodRunner<X>>;
}
