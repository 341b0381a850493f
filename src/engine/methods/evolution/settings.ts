import type { RunConfig } from '../../core/config';
import type { z } from '../../core/schema';
import { numberSetting, parseSettings, settingDefaults, settingHelp, settingsGroup } from '../../core/settings';

/**
 * Regularised evolution's settings (`config.methodSettings.evolution`), apart from its search so
 * the plugin and the page read them without it. Each field once: range, default, help.
 */
export const evolutionSettingsSchema = settingsGroup({
  // P (NB-201's REA: 10; Real et al. on CIFAR-10: 100).
  populationSize: numberSetting('population size', { int: true, min: 2 })
    .default(10)
    .describe('P, members alive at once; the first P queries are random cells. Larger P explores longer before selection bites (default 10, as NAS-Bench-201’s REA; Real et al. used 100 on CIFAR-10).'),
  // S (NB-201's REA: 3; Real et al.: 25).
  sampleSize: numberSetting('sample size', { int: true, min: 1 })
    .default(3)
    .describe('S, members drawn (with replacement) per tournament; the best of them is mutated. Larger S is greedier (default 3, as NAS-Bench-201’s REA; Real et al. used 25).'),
});

export type EvolutionSettings = z.output<typeof evolutionSettingsSchema>;

export const EVOLUTION_DEFAULTS: EvolutionSettings = settingDefaults(evolutionSettingsSchema);

/** One line per setting, for a settings form (config.methodSettings.evolution). */
export const EVOLUTION_SETTING_HELP = settingHelp(evolutionSettingsSchema);

/** Settings from config.methodSettings.evolution over the defaults; throws with a readable message when invalid. */
export function evolutionSettings(config: RunConfig): EvolutionSettings {
  const r = parseSettings(evolutionSettingsSchema, config.methodSettings.evolution ?? {});
  if (!r.ok) throw new Error(`evolution: ${r.errors.join('; ')}`);
  return r.value;
}
