import { DEFAULT_CONFIG, type MethodId, type RunConfig } from '../core/config';

/**
 * What a preset changes in a run's config: the lengths of its trainings and searches, nothing
 * else. `methodSettings` is the method's own block (what `config.methodSettings[id]` holds).
 */
export interface PresetConfig {
  budget?: number;
  supernet?: { steps: number };
  standalone?: { epochs: number };
  final?: { epochs: number };
  methodSettings?: Record<string, unknown>;
}

export type PresetId = 'quick' | 'thorough';
export const PRESET_IDS: readonly PresetId[] = ['quick', 'thorough'];
export const PRESET_TITLES: Record<PresetId, { title: string; hint: string }> = {
  quick: { title: 'Quick', hint: 'About a minute on a laptop CPU: fewer training steps, a smaller budget, a one-epoch final retrain. The method runs whole, only smaller.' },
  thorough: { title: 'Thorough', hint: 'The full defaults: several minutes to tens of minutes on a CPU, and closer to how the method behaves at scale.' },
};

/**
 * What the page needs to list the methods: names, one-line summaries, availability, presets and
 * what "budget" means, without importing their implementations (NAO's and DNA's pull in
 * TensorFlow.js, which belongs in the worker's bundle, not the page's). test/catalog.test.ts keeps
 * `available` in step with the runners and every preset valid for its method.
 */
export interface MethodInfo {
  id: MethodId;
  title: string;
  summary: string;
  available: boolean;
  /**
   * The search space the method searches, and so the space of the architectures it exports and
   * trains: the NB-201 cell or the block chain. The import refuses a file whose method and space
   * disagree; the CLI decides from it which methods bring their own scoring.
   */
  space: MethodSpace;
  /** What the run config's `budget` counts for this method, or null where the method does not use it. */
  budget: string | null;
  /** Where the method has no `budget`, what bounds its run instead (shown in place of the budget field). */
  bound?: string;
  presets: Record<PresetId, PresetConfig>;
}

/** The search spaces a method can declare (an architecture file's `space`). */
export type MethodSpace = 'nb201' | 'blocks';

export const METHOD_CATALOG: MethodInfo[] = [
  {
    id: 'random',
    title: 'Random search',
    summary: 'Samples cells uniformly at random and keeps the best by the evaluator’s score: the baseline every NAS result must beat.',
    available: true,
    space: 'nb201',
    budget: 'Candidates scored: each is one cell sampled and scored once by the evaluator.',
    presets: { quick: { budget: 20, supernet: { steps: 20 }, standalone: { epochs: 1 }, final: { epochs: 1 } }, thorough: {} },
  },
  {
    id: 'evolution',
    title: 'Regularised evolution',
    summary: 'Mutates the best of a random sample of the population and retires the oldest member (aging evolution).',
    available: true,
    space: 'nb201',
    budget: 'Candidates scored: the first P fill the population at random, every later one is a mutation.',
    presets: { quick: { budget: 25, supernet: { steps: 20 }, standalone: { epochs: 1 }, final: { epochs: 1 } }, thorough: {} },
  },
  {
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
  },
  {
    id: 'dna',
    title: 'DNA — block-wise distillation',
    summary: 'Trains each block of the network against a teacher block, rates every candidate, then picks one per block under a budget.',
    available: true,
    space: 'blocks',
    budget: null,
    bound: 'DNA rates every path of every block, so it has no candidate budget: its run is as long as the student training (steps per block) and the final retrains, and its budget is a limit on the chosen network’s parameters or FLOPs (method settings → search).',
    presets: { quick: { final: { epochs: 1 }, methodSettings: { students: { stepsPerBlock: 80 }, final: { randomBaselines: 1 } } }, thorough: {} },
  },
  {
    id: 'cream',
    title: 'Cream — prioritized paths',
    summary: 'Keeps a board of the best paths found so far and lets them teach the path being trained.',
    available: true,
    space: 'blocks',
    budget: null,
    bound: 'Cream trains one supernet for a fixed number of steps and keeps a board of the best paths, so it has no candidate budget: its run is as long as its supernet steps and the final retrains, and its pick is limited by FLOPs (method settings → final).',
    presets: { quick: { final: { epochs: 1 }, methodSettings: { supernet: { steps: 100, warmup: 40 } } }, thorough: {} },
  },
];

export function methodInfo(id: MethodId): MethodInfo {
  return METHOD_CATALOG.find((m) => m.id === id) ?? METHOD_CATALOG[0];
}

/** The space `method` searches; null for a name that is not a method (a file may hold anything). */
export function methodSpace(method: string): MethodSpace | null {
  return METHOD_CATALOG.find((m) => m.id === method)?.space ?? null;
}

/** The methods that search `space`, in catalog order. */
export function methodsOfSpace(space: MethodSpace): MethodId[] {
  return METHOD_CATALOG.filter((m) => m.space === space).map((m) => m.id);
}

/**
 * A method's preset as a partial run config for `withDefaults`: the page's controls, the CLI's
 * `--preset` and the estimate bench all read presets through this one function.
 */
export function presetConfig(method: MethodId, preset: PresetId): Partial<RunConfig> {
  const p = methodInfo(method).presets[preset];
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
