import * as tf from '@tensorflow/tfjs';
import { type RunConfig, withDefaults } from './core/config';
import { runLifecycle } from './core/lifecycle';
import { foldBestSoFar } from './core/repeats';
import type { RunEvent } from './core/events';
import { type RunController, StopRequested, yieldToEventLoop } from './core/runLoop';
import type { Dataset } from './data/datasets';
import { StandaloneEvaluator } from './evaluate/standalone';
import { SupernetEvaluator } from './evaluate/supernet';
import { type BenchmarkTable, TableEvaluator } from './evaluate/table';
import type { Evaluator } from './evaluate/types';
import type { PublicFileReader, RunResources } from './methods/contract';
import { requireMethod } from './methods/registry';
import { configProblemsAboveCore } from './methods/configCheck';
import { CHECKPOINT_VERSION, checkpointMismatch, logHash, ReplayingEvaluator, type RunCheckpoint, SavedPart } from './methods/resume';
import { defaultMacro, nb201Cost } from './nn/macro';
import { formatCell, type Nb201Cell, type Nb201Op, parseCell } from './spaces/nb201';
import type { BlockStructure } from './core/formats';
import type { RunContext } from './core/runLoop';

export type { RunResources } from './methods/contract';
export type { RunCheckpoint } from './methods/resume';

/** What a run does with its checkpoint (the worker writes it to IndexedDB); the run waits for it, and it must not reject. */
export interface CheckpointHooks {
  checkpoint(cp: RunCheckpoint): Promise<void>;
}

/**
 * Loads what a run of `config` needs, through the caller's readers (fetch in the worker, the disk
 * in the CLI): the dataset unless the method scores through a table, and the method's own files.
 * The table, when there is one, the caller has parsed already.
 */
export async function loadRunResources(
  config: RunConfig,
  io: { dataset: (id: RunConfig['dataset']) => Promise<Dataset>; table?: BenchmarkTable; read: PublicFileReader },
): Promise<RunResources> {
  const plugin = requireMethod(config.method);
  // On a table an NB-201 method looks every score up, a given cell's included: no images.
  const dataset = plugin.needs.dataset === 'unless-table' && config.evaluator === 'table' ? undefined : await io.dataset(config.dataset);
  const files = plugin.loadFiles ? await plugin.loadFiles(config.dataset, io.read) : undefined;
  return { dataset, table: io.table, files };
}

export function makeEvaluator(config: RunConfig, res: RunResources): Evaluator<Nb201Cell> {
  const macro = defaultMacro(config.dataset);
  if (config.evaluator === 'table') {
    if (!res.table) throw new Error('table evaluator: no benchmark table loaded');
    return new TableEvaluator(res.table, config.table.searchColumn, config.table.reportColumn, (c) => nb201Cost(c, macro));
  }
  if (!res.dataset) throw new Error(`${config.evaluator} evaluator: dataset "${config.dataset}" is not loaded`);
  return config.evaluator === 'supernet' ? new SupernetEvaluator(res.dataset, macro) : new StandaloneEvaluator(res.dataset, macro);
}

/**
 * Runs one search to the end (or until stopped), sending every event to `sink`. Errors become a
 * `run-end` event with status 'error' rather than a throw, so the page can show them.
 */
export async function runSearch(
  config: RunConfig,
  res: RunResources,
  controller: RunController,
  sink: (e: RunEvent) => void,
  /** Train (or look up) this one architecture instead of searching: an imported file's "train it". */
  trainArch?: string,
  /** With `trainArch` on the block space: the imported file's structure, which is what gets built and trained. */
  trainStructure?: BlockStructure,
  /** Given, a method that can continue from a checkpoint hands one over once its evaluator is prepared. */
  hooks?: CheckpointHooks,
): Promise<void> {
  const plugin = requireMethod(config.method);
  const method = await plugin.load();
  if (method.kind === 'whole-run') return method.run(config, res, controller, sink, trainArch, trainStructure);
  // The events before the checkpoint, kept only until it is taken.
  let prefix: RunEvent[] | null = hooks && trainArch === undefined && plugin.resume?.checkpoint ? [] : null;
  const tap = (e: RunEvent) => {
    prefix?.push(e);
    sink(e);
  };
  await runLifecycle(config, controller, tap, {
    problems: () => configProblemsAboveCore(config),
    body: async (ctx, owned) => {
      const target = trainArch === undefined ? null : parseCell(trainArch);
      if (target && !target.ok) throw new Error(`cannot train "${trainArch}": ${target.reason}`);
      const evaluator = target ? makeFinalEvaluator(config, res) : makeEvaluator(config, res);
      owned.push(evaluator);
      ctx.emit({
        type: 'run-start',
        config,
        backend: ctx.backend,
        tfjsVersion: tf.version.tfjs,
        datasetSizes: res.dataset ? { train: res.dataset.train.n, val: res.dataset.val.n, test: res.dataset.test.n } : undefined,
        preprocessing: res.dataset?.preprocessing,
        trainArch: target ? formatCell(target.cell) : undefined,
      });
      const where = config.evaluator === 'table' ? res.table!.name : config.dataset;
      if (target) {
        ctx.emit({ type: 'phase', phase: 'setup', detail: `training ${formatCell(target.cell)} on ${where}` });
        await trainOne(ctx, evaluator, target.cell);
      } else {
        ctx.emit({ type: 'phase', phase: 'setup', detail: `${plugin.title} with the ${evaluator.id} evaluator on ${where}` });
        await evaluator.prepare(ctx);
        if (prefix && hooks) {
          const events = prefix;
          prefix = null;
          const cp: RunCheckpoint = { version: CHECKPOINT_VERSION, method: config.method, evaluator: config.evaluator, seed: config.seed, events: events.length, prefixHash: logHash(events), state: await evaluator.snapshot() };
          await hooks.checkpoint(cp).catch(() => undefined);
        }
        await method.run(ctx, evaluator);
      }
    },
  });
}

/**
 * Continues a saved run from its checkpoint (methods/resume.ts says what one holds and why that
 * is enough): sends the saved events as they were, restores the evaluator from the checkpoint
 * instead of preparing it (no supernet training), runs the method again from the seed while the
 * saved candidates answer its first evaluations — each proposed architecture and each event
 * checked against the saved log, at no speed delay — and goes on to the budget. The events after
 * the saved part are those of the uninterrupted run (times aside, which go on from the last
 * saved one). A checkpoint that does not fit the log, or a continued run that parts from it, ends
 * the run with a message saying why.
 */
export async function resumeSearch(
  config: RunConfig,
  res: RunResources,
  controller: RunController,
  sink: (e: RunEvent) => void,
  from: { checkpoint: RunCheckpoint; saved: readonly RunEvent[] },
  hooks?: CheckpointHooks,
): Promise<void> {
  const plugin = requireMethod(config.method);
  const method = await plugin.load();
  for (const e of from.saved) sink(e);
  const lastT = from.saved.at(-1)?.t ?? 0;
  const part = new SavedPart(from.saved, from.checkpoint.events);
  const forward = (e: RunEvent) => {
    if (!part.repeats(e)) sink({ ...e, t: e.t + lastT });
  };
  await runLifecycle(config, controller, forward, {
    problems: () => {
      const config_ = configProblemsAboveCore(config);
      if (config_.length > 0) return config_;
      if (method.kind !== 'nb201-search' || !plugin.resume?.checkpoint) return [`${plugin.title} does not continue from a checkpoint: ${plugin.resume?.why ?? 'it does not say it can'}`];
      const why = checkpointMismatch(from.checkpoint, from.saved, config);
      return why ? [`cannot continue from the checkpoint: ${why}`] : [];
    },
    body: async (ctx, owned) => {
      if (method.kind !== 'nb201-search') return;
      const evaluator = makeEvaluator(config, res);
      owned.push(evaluator);
      await evaluator.restore(ctx, from.checkpoint.state);
      // The continued run is a run of its own that a later reload may continue: the same checkpoint stands for its first events.
      if (hooks) await hooks.checkpoint(from.checkpoint).catch(() => undefined);
      // Catching up costs no speed delay; a stop still ends it, and the event loop is let in now and then.
      let calls = 0;
      const catchUp: RunContext = {
        ...ctx,
        checkpoint: async () => {
          if (!part.active) return ctx.checkpoint();
          if (controller.state === 'stopped') throw new StopRequested();
          if (++calls % 64 === 0) await yieldToEventLoop();
        },
      };
      await method.run(catchUp, new ReplayingEvaluator(evaluator, part));
    },
  });
}

/** For training a given architecture, the search evaluator is not needed: only its finalize (standalone retrain or table lookup). */
function makeFinalEvaluator(config: RunConfig, res: RunResources): Evaluator<Nb201Cell> {
  return makeEvaluator(config.evaluator === 'table' ? config : { ...config, evaluator: 'standalone' }, res);
}

async function trainOne(ctx: RunContext, evaluator: Evaluator<Nb201Cell>, cell: Nb201Cell): Promise<void> {
  await evaluator.prepare(ctx);
  const arch = formatCell(cell);
  ctx.emit({ type: 'phase', phase: 'final', detail: evaluator.id === 'table' ? `looking up ${arch}` : `training ${arch} from scratch for ${ctx.config.final.epochs} epochs` });
  const report = await evaluator.finalize(cell, ctx);
  ctx.emit({ type: 'final', arch: { space: 'nb201', arch }, candidateIndex: -1, score: report.metrics.valAcc ?? report.metrics.reported ?? 0, metrics: report.metrics, cost: report.cost, recipe: report.recipe });
}

/** One search on a benchmark table: what `npm run bench` and the page's "Repeat over seeds" both run. */
export interface TableSearchSpec {
  method: RunConfig['method'];
  table: BenchmarkTable;
  /** Shipped table id, or 'custom' for a table read from elsewhere (config.table.source). */
  source: string;
  searchColumn: string;
  reportColumn: string;
  ops: Nb201Op[];
  budget: number;
  seed: number;
  /** config.methodSettings: per method id, its settings over its defaults; none means defaults. */
  methodSettings?: RunConfig['methodSettings'];
}

/** The config of a table search: the same for the bench and the page, so the same seed gives the same run. */
export function tableSearchConfig(spec: Omit<TableSearchSpec, 'table'>): RunConfig {
  return withDefaults({
    method: spec.method,
    evaluator: 'table',
    budget: spec.budget,
    seed: spec.seed,
    speed: 'max',
    space: { ops: spec.ops },
    table: { source: spec.source, searchColumn: spec.searchColumn, reportColumn: spec.reportColumn },
    methodSettings: spec.methodSettings ?? {},
  });
}

export interface TableSearchOutcome {
  /** The reported column of the architecture the method picked (its `final` event). */
  reported: number;
  finalArch: string;
  /**
   * After each query, the reported column of the best candidate so far by the search column
   * (the first of equal scores, as CandidateLog keeps it): the best-so-far curve in the reported column.
   */
  bestSoFar: number[];
}

/**
 * Runs one search on a table through `runSearch` — the worker's path — and keeps the outcome.
 * `sink` sees every event too (the bench keeps them); a run that does not complete throws.
 */
export async function searchTable(spec: TableSearchSpec, controller: RunController, sink?: (e: RunEvent) => void): Promise<TableSearchOutcome> {
  const candidates: Extract<RunEvent, { type: 'candidate' }>[] = [];
  // Held in an object: TypeScript does not see assignments made inside the callback below.
  const seen: { final: Extract<RunEvent, { type: 'final' }> | null; end: Extract<RunEvent, { type: 'run-end' }> | null } = { final: null, end: null };
  await runSearch(tableSearchConfig(spec), { table: spec.table }, controller, (e) => {
    sink?.(e);
    if (e.type === 'candidate') candidates.push(e);
    else if (e.type === 'final') seen.final = e;
    else if (e.type === 'run-end') seen.end = e;
  });
  const ended = seen.end;
  if (!ended || ended.status !== 'completed') {
    throw new Error(`${spec.method} on ${spec.table.name} (seed ${spec.seed}) did not complete: ${ended ? (ended.message ?? ended.status) : 'no run-end event'}`);
  }
  const f = seen.final;
  if (!f) throw new Error(`${spec.method} on ${spec.table.name} (seed ${spec.seed}): no final event`);
  return { reported: f.metrics.reported, finalArch: f.arch.arch, bestSoFar: foldBestSoFar(candidates, spec.reportColumn).map((p) => p.reported) };
}
