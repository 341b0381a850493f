import { parseRunConfig, type RunConfig } from '../core/config';
import { quote } from '../core/quote';
import { isDatasetId, trainImages, unknownDatasetMessage } from '../data/datasets';
import { nb201SpaceProblems } from '../spaces/nb201';
import { findMethod, methodPlugins } from './registry';
import { checkMethodSettings } from './settingsCheck';

/**
 * What a run config must also satisfy beyond core's schema, where the layers that know say it:
 * the method is registered, the dataset ships, and the ops are ops of the method's space.
 */
export function configProblemsAboveCore(config: RunConfig): string[] {
  const errs: string[] = [];
  const plugin = findMethod(config.method);
  if (!plugin) errs.push(`unknown method ${quote(config.method)} (methods: ${methodPlugins().map((m) => m.id).join(', ')})`);
  if (!isDatasetId(config.dataset)) errs.push(unknownDatasetMessage(config.dataset));
  else if (plugin && !(plugin.needs.dataset === 'unless-table' && config.evaluator === 'table')) errs.push(...batchProblems(config, plugin.space === 'nb201'));
  // The block methods keep their ops in their own settings; files recorded before left the NB-201 list here, unused.
  if (plugin?.space === 'nb201') errs.push(...nb201SpaceProblems(config.space));
  return errs;
}

/**
 * Every reason a config cannot run, empty when it can: core's schema (shapes, names, ranges),
 * then what the method, dataset and space say, then the method's settings. The page's Start, an
 * imported file, a saved run and the CLI all ask this.
 */
export function checkRunConfig(config: unknown): string[] {
  const r = parseRunConfig(config);
  return r.ok ? [...configProblemsAboveCore(r.value), ...checkMethodSettings(r.value)] : r.errors;
}

/**
 * A learner's dataset may be small: a batch larger than its training split cannot be drawn
 * (the batch sampler would stop the run), so the check says so before the run starts.
 */
function batchProblems(config: RunConfig, evaluates: boolean): string[] {
  const n = trainImages(config.dataset);
  const stages: [string, number][] = [];
  if (evaluates && config.evaluator === 'supernet') stages.push(['supernet batch size', config.supernet.batchSize]);
  if (evaluates && config.evaluator === 'standalone') stages.push(['standalone batch size', config.standalone.batchSize]);
  if (config.final.enabled) stages.push(['final batch size', config.final.batchSize]);
  return stages.filter(([, b]) => b > n).map(([what, b]) => `${what} ${b} is more than the ${n} training images of ${quote(config.dataset)}`);
}
