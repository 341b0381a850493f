import { settingsGroup, settingsProblems } from '../../core/settings';
import type { MethodPlugin } from '../contract';

/** Random search has no settings: any key given is a mistake to name, not to ignore. */
const randomSettingsSchema = settingsGroup({});

export const randomPlugin: MethodPlugin = {
  id: 'random',
  title: 'Random search',
  summary: 'Samples cells uniformly at random and keeps the best by the evaluator’s score: the baseline every NAS result must beat.',
  available: true,
  space: 'nb201',
  budget: 'Candidates scored: each is one cell sampled and scored once by the evaluator.',
  presets: { quick: { budget: 20, supernet: { steps: 20 }, standalone: { epochs: 1 }, final: { epochs: 1 } }, thorough: {} },
  needs: { dataset: 'unless-table' },
  resume: { checkpoint: true, why: 'its only state is its sampling stream, which is drawn again from the seed' },
  defaultSettings: () => ({}),
  settingsSchema: randomSettingsSchema,
  checkSettings: (c) => settingsProblems(randomSettingsSchema, c.methodSettings.random ?? {}, 'random search'),
  async load() {
    const { randomSearch } = await import('./index');
    return { kind: 'nb201-search', run: (ctx, evaluator) => randomSearch.run(ctx, evaluator) };
  },
};
