import { DEFAULT_CONFIG, type RunConfig } from '../core/config';
import type { MethodInfo, MethodSpace, PresetConfig, PresetId } from './contract';
import { methodPlugins } from './registry';

/**
 * What the page needs to list the methods — names, summaries, presets, what "budget" means —
 * read from the plugins (registry.ts), which hold no implementation: the page bundle stays free of
 * TensorFlow.js.
 */
export type { MethodInfo, MethodSpace, MethodViews, PresetConfig, PresetId } from './contract';

/** The search space's words for one architecture, for titles and hints. */
export const SPACE_WORDS: Record<MethodSpace, { noun: string; nounPlural: string; empty: string }> = {
  nb201: { noun: 'cell', nounPlural: 'cells', empty: 'Cells appear here as they are scored: 4 nodes, 6 edges, one op per edge.' },
  blocks: { noun: 'block chain', nounPlural: 'block chains', empty: 'Architectures appear here as the search returns them: a chain of blocks, one op per layer.' },
};

export const PRESET_IDS: readonly PresetId[] = ['quick', 'thorough'];
export const PRESET_TITLES: Record<PresetId, { title: string; hint: string }> = {
  quick: { title: 'Quick', hint: 'About a minute on a laptop CPU: fewer training steps, a smaller budget, a one-epoch final retrain. The method runs whole, only smaller.' },
  thorough: { title: 'Thorough', hint: 'The full defaults: several minutes to tens of minutes on a CPU, and closer to how the method behaves at scale.' },
};

/** Every method in menu order (the registry's live list). */
export const METHOD_CATALOG: readonly MethodInfo[] = methodPlugins();

export function methodInfo(id: string): MethodInfo {
  return METHOD_CATALOG.find((m) => m.id === id) ?? METHOD_CATALOG[0];
}

/** The space `method` searches; null for a name that is not a method (a file may hold anything). */
export function methodSpace(method: string): MethodSpace | null {
  return METHOD_CATALOG.find((m) => m.id === method)?.space ?? null;
}

/** The methods that search `space`, in catalog order. */
export function methodsOfSpace(space: MethodSpace): string[] {
  return METHOD_CATALOG.filter((m) => m.space === space).map((m) => m.id);
}

/**
 * A method's preset as a partial run config for `withDefaults`: the page's controls, the CLI's
 * `--preset` and the estimate bench all read presets through this one function.
 */
export function presetConfig(method: string, preset: PresetId): Partial<RunConfig> {
  const p: PresetConfig = methodInfo(method).presets[preset];
  const d = DEFAULT_CONFIG;
  return {
    method,
    ...(p.budget !== undefined ? { budget: p.budget } : {}),
    ...(p.supernet ? { supernet: { ...d.supernet, ...p.supernet } } : {}),
    ...(p.standalone ? { standalone: { ...d.standalone, ...p.standalone } } : {}),
    ...(p.final ? { final: { ...d.final, ...p.final } } : {}),
    ...(p.methodSettings ? { methodSettings: { [method]: p.methodSettings } } : {}),
  };
}
