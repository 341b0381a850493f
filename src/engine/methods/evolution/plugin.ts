import type { MethodPlugin } from '../contract';
import { isEvolutionEvent } from './events';
import { thrownMessages } from '../../core/config';
import { EVOLUTION_DEFAULTS, EVOLUTION_SETTING_HELP, evolutionSettings, evolutionSettingsSchema } from './settings';

export const evolutionPlugin: MethodPlugin = {
  id: 'evolution',
  title: 'Regularised evolution',
  summary: 'Mutates the best of a random sample of the population and retires the oldest member (aging evolution).',
  available: true,
  space: 'nb201',
  budget: 'Candidates scored: the first P fill the population at random, every later one is a mutation.',
  presets: { quick: { budget: 25, supernet: { steps: 20 }, standalone: { epochs: 1 }, final: { epochs: 1 } }, thorough: {} },
  needs: { dataset: 'unless-table' },
  resume: { checkpoint: true, why: 'its population and random streams are rebuilt by replaying its tournaments and mutations on the saved scores' },
  defaultSettings: () => ({ ...EVOLUTION_DEFAULTS }),
  settingHelp: EVOLUTION_SETTING_HELP,
  settingsSchema: evolutionSettingsSchema,
  events: isEvolutionEvent,
  checkSettings: (c) => thrownMessages(() => evolutionSettings(c)),
  async load() {
    const { regularizedEvolution } = await import('./index');
    return { kind: 'nb201-search', run: (ctx, evaluator) => regularizedEvolution.run(ctx, evaluator) };
  },
};
