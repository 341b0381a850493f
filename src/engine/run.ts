import * as tf from '@tensorflow/tfjs';
import { checkConfig, type MethodId, type RunConfig } from './core/config';
import { runCream } from './methods/cream/run';
import { runDna } from './methods/dna/run';
import type { TeacherFiles } from './methods/dna/teacher';
import type { RunEvent } from './core/events';
import { makeContext, RunController, StopRequested } from './core/runLoop';
import type { Dataset } from './data/datasets';
import { StandaloneEvaluator } from './evaluate/standalone';
import { SupernetEvaluator } from './evaluate/supernet';
import { type BenchmarkTable, TableEvaluator } from './evaluate/table';
import type { Evaluator } from './evaluate/types';
import { getMethod } from './methods';
import { defaultMacro, nb201Cost } from './nn/macro';
import { formatCell, type Nb201Cell, parseCell } from './spaces/nb201';
import type { RunContext } from './core/runLoop';

/** What a run needs from outside the engine: loaded data, for table mode a table, for DNA a shipped teacher. */
export interface RunResources {
  dataset?: Dataset;
  table?: BenchmarkTable;
  teacher?: TeacherFiles;
}

/**
 * Methods on the block space (DNA, Cream) bring their own supernets and scoring instead of an
 * NB-201 evaluator, so each runs whole from its folder and emits the same events.
 */
export const BLOCK_METHOD_RUNNERS: Partial<Record<MethodId, typeof runDna>> = {
  dna: runDna,
  cream: (config, res, controller, sink, trainArch) => runCream(config, { dataset: res.dataset }, controller, sink, trainArch),
};

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
): Promise<void> {
  const blockRunner = BLOCK_METHOD_RUNNERS[config.method];
  if (blockRunner) return blockRunner(config, res, controller, sink, trainArch);
  const backend = tf.getBackend();
  const ctx = makeContext(config, controller, sink, backend);
  const problems = checkConfig(config);
  if (problems.length > 0) {
    ctx.emit({ type: 'run-end', status: 'error', message: `cannot start: ${problems.join('; ')}` });
    return;
  }
  const startTensors = tf.memory().numTensors;
  let evaluator: Evaluator<Nb201Cell> | null = null;
  controller.speed = config.speed;
  // A controller that was paused or stepped before the start keeps that state.
  if (controller.state === 'idle') controller.start();
  try {
    const method = getMethod(config.method);
    const target = trainArch === undefined ? null : parseCell(trainArch);
    if (target && !target.ok) throw new Error(`cannot train "${trainArch}": ${target.reason}`);
    evaluator = target ? makeFinalEvaluator(config, res) : makeEvaluator(config, res);
    ctx.emit({
      type: 'run-start',
      config,
      backend,
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
      ctx.emit({ type: 'phase', phase: 'setup', detail: `${method.title} with the ${evaluator.id} evaluator on ${where}` });
      await evaluator.prepare(ctx);
      await method.run(ctx, evaluator);
    }
    ctx.emit({ type: 'phase', phase: 'done', detail: 'search finished' });
    ctx.emit({ type: 'run-end', status: 'completed' });
  } catch (err) {
    if (err instanceof StopRequested) ctx.emit({ type: 'run-end', status: 'stopped' });
    else ctx.emit({ type: 'run-end', status: 'error', message: err instanceof Error ? err.message : String(err) });
  } finally {
    evaluator?.dispose();
    controller.finish();
    const leaked = tf.memory().numTensors - startTensors;
    if (leaked !== 0) sink({ type: 'log', t: 0, level: 'warn', message: `${leaked} tensor(s) outlived the run` });
  }
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
