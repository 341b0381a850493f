import { spaceOps } from '../../spaces/nb201';
import type { MethodPlugin } from '../contract';
import { isNaoEvent } from './events';
import { thrownMessages } from '../../core/config';
import { nb201Plan, WORK_COST } from '../workCost';
import { NAO_DEFAULTS, NAO_SETTING_HELP, naoSettingsSchema, parseNaoSettings, planRounds } from './settings';

export const naoPlugin: MethodPlugin = {
  id: 'nao',
  title: 'NAO — Neural Architecture Optimization',
  summary: 'Encodes cells into a continuous space, climbs a learned predictor there and decodes better cells.',
  available: true,
  space: 'nb201',
  budget: 'Evaluations in all: the initial pool, then each round’s new cells (NAO-WS also re-scores the pool every round). NAO stops early when a round finds no new cell before η reaches its cap.',
  presets: {
    quick: {
      supernet: { steps: 20 },
      standalone: { epochs: 1 },
      final: { epochs: 1 },
      // Three rounds fit: 8 initial cells, then per round the pool re-scored (NAO-WS) and 4 new cells.
      budget: 60,
      methodSettings: { initialPool: 8, iterations: 3, newPerIteration: 4, epochs: 40, warmEpochs: 15, wsStepsPerIteration: 15 },
    },
    thorough: {},
  },
  needs: { dataset: 'unless-table' },
  resume: { checkpoint: false, why: 'it trains its predictor again every round, and NAO-WS trains the supernet further, so its state is more than the weights a checkpoint keeps' },
  defaultSettings: () => structuredClone(NAO_DEFAULTS),
  settingHelp: NAO_SETTING_HELP,
  settingsSchema: naoSettingsSchema,
  events: isNaoEvent,
  checkSettings: (c) => thrownMessages(() => parseNaoSettings(c.methodSettings.nao)),
  planWork(config) {
    const s = parseNaoSettings(config.methodSettings.nao ?? {});
    const rescore = config.evaluator === 'supernet' && s.wsRescorePool;
    const initial = Math.min(s.initialPool, spaceOps(config.space).length ** 6, config.budget);
    const plan = planRounds(s, initial, config.budget, rescore);
    const meanPool = initial + (plan.rounds * s.newPerIteration) / 2;
    const batches = Math.ceil((meanPool * (s.augment ? 1.2 : 1)) / s.batchSize);
    const epochs = plan.rounds > 0 ? s.epochs + (plan.rounds - 1) * s.warmEpochs : 0;
    return nb201Plan(config, {
      evaluations: plan.evaluations,
      extraSupernetSteps: config.evaluator === 'supernet' ? plan.rounds * s.wsStepsPerIteration : 0,
      after: [{ label: 'predictor training', units: epochs, unit: 'epochs', cost: batches * WORK_COST.naoBatch, counter: { kind: 'method', method: 'nao', event: 'loss' } }],
    });
  },
  async load() {
    const { nao } = await import('./index');
    return { kind: 'nb201-search', run: (ctx, evaluator) => nao.run(ctx, evaluator) };
  },
};
