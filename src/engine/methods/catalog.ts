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
  /**
   * How the page's shared panels (candidates chart, leaderboard, inspector, result, progress,
   * training chart) word this method's numbers. Absent: the NB-201 wording, which depends on the
   * evaluator (see the page's scoreLabel).
   */
  views?: MethodViews;
}

/** What a method's numbers mean, for the panels every method shares. Every text names its unit. */
export interface MethodViews {
  /** The candidates chart's y axis: what a candidate's score is, with its unit and which way is better. */
  scoreAxis: string;
  /** The candidates chart's x axis: what a candidate is and in which order it arrives. */
  candidateAxis: string;
  /** Why the evaluator setting does not apply, shown in its place; absent where the method uses the evaluator. */
  evaluatorUnused?: string;
  /** The training chart's text before its first training point (one short line). */
  trainingChart: string;
  /** What the training chart's curves are for this method, shown under it. */
  trainingNote: string;
  /**
   * What its progress events count, by their `unit`: a method without a candidate budget reports
   * each stage's own work, so "2 / 2 retrains" needs saying which retrains.
   */
  progressUnits: Record<string, string>;
  /** Human labels of the method's own metric keys (candidate and final metrics). */
  metricLabels: Record<string, string>;
}

/** The search space's words for one architecture, for titles and hints. */
export const SPACE_WORDS: Record<MethodSpace, { noun: string; nounPlural: string; empty: string }> = {
  nb201: { noun: 'cell', nounPlural: 'cells', empty: 'Cells appear here as they are scored: 4 nodes, 6 edges, one op per edge.' },
  blocks: { noun: 'block chain', nounPlural: 'block chains', empty: 'Architectures appear here as the search returns them: a chain of blocks, one op per layer.' },
};

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
    views: {
      scoreAxis: 'score = − summed block distance to the teacher (no unit; nearer 0 is better)',
      candidateAxis: 'architecture # (the budgeted search’s optimum, then its cost–score frontier)',
      evaluatorUnused: 'Not used by DNA: it rates every path by how closely each student block reproduces the teacher’s block.',
      trainingChart: 'Student blocks train first: their losses are in DNA’s view.',
      trainingNote: 'DNA’s student blocks learn the teacher’s features first; their losses (MSE to the teacher, per block) are drawn in the method’s view. This chart shows the final retrains: the chosen chain and the random baselines, trained from scratch.',
      progressUnits: { 'student steps': 'student-block training steps (all blocks)', retrains: 'final retrains (the pick, then random chains of the same budget)' },
      metricLabels: {
        blockScoreSum: 'summed block distance to the teacher (lower is better)',
        block1Score: 'block 1 distance to the teacher',
        block2Score: 'block 2 distance to the teacher',
        block3Score: 'block 3 distance to the teacher',
        block4Score: 'block 4 distance to the teacher',
        block5Score: 'block 5 distance to the teacher',
        teacherTestAcc: 'the teacher’s test accuracy %',
        randomTestAccMean: 'random chains within the budget: mean test accuracy %',
      },
    },
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
