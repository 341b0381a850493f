import { type RunConfig, unknownSettingKeys } from '../../core/config';

/** Regularised evolution's settings, apart from its search so the plugin and the page read them without it. */
export interface EvolutionSettings {
  /** P: members alive at once (NB-201's REA: 10; Real et al. on CIFAR-10: 100). */
  populationSize: number;
  /** S: members drawn per tournament (NB-201's REA: 3; Real et al.: 25). */
  sampleSize: number;
}

export const EVOLUTION_DEFAULTS: EvolutionSettings = { populationSize: 10, sampleSize: 3 };

/** One line per setting, for a settings form (config.methodSettings.evolution). */
export const EVOLUTION_SETTING_HELP: Record<keyof EvolutionSettings, string> = {
  populationSize: 'P, members alive at once; the first P queries are random cells. Larger P explores longer before selection bites (default 10, as NAS-Bench-201’s REA; Real et al. used 100 on CIFAR-10).',
  sampleSize: 'S, members drawn (with replacement) per tournament; the best of them is mutated. Larger S is greedier (default 3, as NAS-Bench-201’s REA; Real et al. used 25).',
};

/** Settings from config.methodSettings.evolution over the defaults; throws with a readable message when invalid. */
export function evolutionSettings(config: RunConfig): EvolutionSettings {
  const raw = (config.methodSettings.evolution ?? {}) as Partial<EvolutionSettings>;
  const s: EvolutionSettings = { ...EVOLUTION_DEFAULTS, ...raw };
  const errs: string[] = unknownSettingKeys(raw, EVOLUTION_DEFAULTS).map((k) => `unknown setting "${k}" (settings: ${Object.keys(EVOLUTION_DEFAULTS).join(', ')})`);
  if (!Number.isInteger(s.populationSize) || s.populationSize < 2) errs.push(`population size must be an integer ≥ 2 (got ${s.populationSize})`);
  if (!Number.isInteger(s.sampleSize) || s.sampleSize < 1) errs.push(`sample size must be an integer ≥ 1 (got ${s.sampleSize})`);
  if (errs.length > 0) throw new Error(`evolution: ${errs.join('; ')}`);
  return s;
}
