import * as tf from '@tensorflow/tfjs';
import type { MethodId, RunConfig } from './core/config';
import { runLifecycle } from './core/lifecycle';
import { runCream } from './methods/cream/run';
import { runDna } from './methods/dna/run';
import type { TeacherFiles } from './methods/dna/teacher';
import type { RunEvent } from './core/events';
import type { RunController } from './core/runLoop';
import type { Dataset } from './data/datasets';
import { StandaloneEvaluator } from './evaluate/standalone';
import { SupernetEvaluator } from './evaluate/supernet';
import { type BenchmarkTable, TableEvaluator } from './evaluate/table';
import type { Evaluator } from './evaluate/types';
import { getMethod } from './methods';
import { defaultMacro, nb201Cost } from './nn/macro';
import { formatCell, type Nb201Cell, parseCell } from './spaces/nb201';
import type { BlockArchJson } from './spaces/blocks';
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
  cream: (config, res, controller, sink, trainArch, trainStructure) => runCream(config, { dataset: res.dataset }, controller, sink, trainArch, trainStructure),
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
  /** With `trainArch` on the block space: the imported file's structure, which is what gets built and trained. */
  trainStructure?: BlockArchJson,
): Promise<void> {
  const blockRunner = BLOCK_METHOD_RUNNERS[config.method];
  if (blockRunner) return blockRunner(config, res, controller, sink, trainArch, trainStructure);
  await runLifecycle(config, controller, sink, {
    body: async (ctx, owned) => {
      const method = getMethod(config.method);
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
        ctx.emit({ type: 'phase', phase: 'setup', detail: `${method.title} with the ${evaluator.id} evaluator on ${where}` });
        await evaluator.prepare(ctx);
        await method.run(ctx, evaluator);
      }
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
