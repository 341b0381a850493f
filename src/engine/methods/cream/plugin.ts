import type { MethodPlugin } from '../contract';
import { isCreamEvent } from './events';
import { finalRetrain, pixelFactor, WORK_COST } from '../workCost';
import { checkCreamSettings, creamSettingsOf, creamSettingsSchema, defaultCreamSettings } from './settings';

export const creamPlugin: MethodPlugin = {
  id: 'cream',
  title: 'Cream — prioritized paths',
  summary: 'Keeps a board of the best paths found so far and lets them teach the path being trained.',
  available: true,
  space: 'blocks',
  budget: null,
  bound: 'Cream trains one supernet for a fixed number of steps and keeps a board of the best paths, so it has no candidate budget: its run is as long as its supernet steps and the final retrains, and its pick is limited by FLOPs (method settings → final).',
  presets: { quick: { final: { epochs: 1 }, methodSettings: { supernet: { steps: 100, warmup: 40 } } }, thorough: {} },
    views: {
      scoreAxis: 'path accuracy % with the shared weights, when it entered the board (higher is better)',
      candidateAxis: 'board entry # (in the order paths entered the board)',
      evaluatorUnused: 'Not used by Cream: its paths are scored with the weights of its own one-shot supernet.',
      trainingChart: 'Loading the data and building the one-shot supernet…',
      trainingNote: 'The supernet’s steps (one sampled path each; cross-entropy, plus distillation from a board entry after the warm-up), then the final retrains from scratch.',
      progressUnits: { steps: 'one-shot supernet steps (one sampled path each)' },
      metricLabels: {
        supernetAcc: 'path accuracy % with the shared weights',
        step: 'supernet step it entered the board',
        boardAcc: 'board accuracy % (shared weights)',
        supernetValAcc: 'val accuracy % with the shared weights',
        randomTestAcc: 'random path of similar FLOPs: test accuracy %',
        randomValAcc: 'random path of similar FLOPs: val accuracy %',
        randomFlops: 'random path’s FLOPs',
      },
    },
  needs: { dataset: 'always' },
  resume: { checkpoint: false, why: 'a whole run with its own supernet and prioritised board: no checkpoint is taken' },
  defaultSettings: (dataset) => defaultCreamSettings(dataset),
  settingsSchema: creamSettingsSchema,
  events: isCreamEvent,
  checkSettings: (c) => checkCreamSettings(creamSettingsOf(c)),
  planWork(config) {
    const s = creamSettingsOf(config);
    return [
      { label: 'supernet with the board', units: s.supernet.steps, unit: 'steps', cost: WORK_COST.creamStep * pixelFactor(config.dataset) * (s.supernet.batchSize / 32), counter: { kind: 'progress', unit: 'steps' } },
      // The pick and one random path of similar FLOPs.
      ...finalRetrain(config, 2, WORK_COST.blockStep),
    ];
  },
  async load() {
    const { runCream } = await import('./run');
    return { kind: 'whole-run', run: (config, res, controller, sink, trainArch, trainStructure) => runCream(config, { dataset: res.dataset }, controller, sink, trainArch, trainStructure) };
  },
};
