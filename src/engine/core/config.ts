import type { DatasetId } from '../data/datasets';
import { quote } from './quote';
import { NB201_OPS, type Nb201Op } from '../spaces/nb201';

/** A method's id: one the registry holds (engine/methods/registry.ts), checked where a config comes in. */
export type MethodId = string;
export const EVALUATOR_IDS = ['supernet', 'standalone', 'table'] as const;
export type EvaluatorId = (typeof EVALUATOR_IDS)[number];
/** Pacing between units of work: 'max' runs flat out; the others leave time to watch. */
export type Speed = 'max' | 'fast' | 'normal' | 'slow';

export const SPEED_DELAY_MS: Record<Speed, number> = { max: 0, fast: 20, normal: 120, slow: 600 };

export interface SupernetSettings {
  /** Training steps of the weight-sharing supernet before candidates are scored. */
  steps: number;
  batchSize: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  /** Validation examples in the fixed batch every candidate is scored on. */
  evalBatch: number;
}

export interface StandaloneSettings {
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  weightDecay: number;
}

export interface TableSettings {
  /** Which table: a shipped one by id, or 'custom' for a CSV the user supplied. */
  source: string;
  /** Column the search sees (its score). */
  searchColumn: string;
  /** Column reported for the found architecture. */
  reportColumn: string;
}

export interface SpaceSettings {
  /** Ops an edge may take: all five for NAS-Bench-201, a subset for a small exhaustive space. */
  ops: Nb201Op[];
}

export interface RunConfig {
  method: MethodId;
  dataset: DatasetId;
  evaluator: EvaluatorId;
  /** Candidates the search may evaluate (table queries, supernet scorings or standalone trainings). */
  budget: number;
  seed: number;
  speed: Speed;
  space: SpaceSettings;
  supernet: SupernetSettings;
  /** Standalone recipe used by the standalone evaluator (short) and for the final retrain. */
  standalone: StandaloneSettings;
  final: StandaloneSettings & { enabled: boolean };
  table: TableSettings;
  /** Method-specific settings, owned by each method's folder. */
  methodSettings: Record<string, unknown>;
}

export const DEFAULT_CONFIG: RunConfig = {
  method: 'random',
  dataset: 'digits',
  evaluator: 'supernet',
  budget: 30,
  seed: 1,
  speed: 'max',
  space: { ops: [...NB201_OPS] },
  supernet: { steps: 300, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, evalBatch: 256 },
  standalone: { epochs: 3, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
  final: { enabled: true, epochs: 10, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
  table: { source: 'custom', searchColumn: 'c10_valid_acc', reportColumn: 'c10_test_acc' },
  methodSettings: {},
};

/** Deep-merges a partial config over the defaults (one level of nesting, as RunConfig has). */
export function withDefaults(partial: Partial<RunConfig> & Record<string, unknown> = {}): RunConfig {
  const out = structuredClone(DEFAULT_CONFIG) as RunConfig & Record<string, unknown>;
  for (const [k, v] of Object.entries(partial)) {
    if (v === undefined) continue;
    const cur = out[k];
    out[k] = cur && typeof cur === 'object' && !Array.isArray(cur) && v && typeof v === 'object' ? { ...cur, ...v } : v;
  }
  return out;
}

/**
 * Bounds of the config's integers, as [least, most]. checkConfig enforces them, so the page's
 * Start, a run of an imported file and the CLI (which quotes them in its messages) refuse the
 * same values; the upper bounds keep out sizes no run could finish (a budget of 1e15) and sit well
 * above any real run.
 */
export const INT_LIMITS = {
  budget: [1, 100_000],
  seed: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  supernetSteps: [0, 1_000_000],
  supernetBatch: [2, 4096],
  evalBatch: [2, 4096],
  standaloneEpochs: [1, 1000],
  standaloneBatch: [2, 4096],
  finalEpochs: [1, 1000],
  finalBatch: [2, 4096],
} as const satisfies Record<string, readonly [number, number]>;

/** "an integer ≥ 1 and ≤ 100000": what a value within `limits` is, for messages. */
export function intRangeText([min, max]: readonly [number, number]): string {
  return `an integer ≥ ${min} and ≤ ${max}`;
}

/** Whether `v` is an integer within `limits`. */
export function inIntRange(v: number, [min, max]: readonly [number, number]): boolean {
  return Number.isInteger(v) && v >= min && v <= max;
}

/** Returns the reasons a config cannot run, empty when it can. */
export function checkConfig(c: RunConfig): string[] {
  const errs: string[] = [];
  const int = (v: number, name: string, limits: readonly [number, number]) => {
    if (!inIntRange(v, limits)) errs.push(`${name} must be ${intRangeText(limits)} (got ${v})`);
  };
  int(c.budget, 'budget', INT_LIMITS.budget);
  int(c.seed, 'seed', INT_LIMITS.seed);
  int(c.supernet.steps, 'supernet steps', INT_LIMITS.supernetSteps);
  int(c.supernet.batchSize, 'supernet batch size', INT_LIMITS.supernetBatch);
  int(c.supernet.evalBatch, 'evaluation batch', INT_LIMITS.evalBatch);
  int(c.standalone.epochs, 'standalone epochs', INT_LIMITS.standaloneEpochs);
  int(c.standalone.batchSize, 'standalone batch size', INT_LIMITS.standaloneBatch);
  int(c.final.epochs, 'final epochs', INT_LIMITS.finalEpochs);
  int(c.final.batchSize, 'final batch size', INT_LIMITS.finalBatch);
  for (const [name, v] of [
    ['supernet lr', c.supernet.lr],
    ['standalone lr', c.standalone.lr],
    ['final lr', c.final.lr],
  ] as const) {
    if (!(v > 0 && v < 10)) errs.push(`${name} must be in (0, 10) (got ${v})`);
  }
  // SGD's momentum at 1 or above, or a negative decay, makes the weights grow without bound.
  for (const [name, s] of [
    ['supernet', c.supernet],
    ['standalone', c.standalone],
    ['final', c.final],
  ] as const) {
    if (!(s.momentum >= 0 && s.momentum < 1)) errs.push(`${name} momentum must be in [0, 1) (got ${s.momentum})`);
    if (!(s.weightDecay >= 0 && s.weightDecay < 1)) errs.push(`${name} weight decay must be in [0, 1) (got ${s.weightDecay})`);
  }
  if (!Object.hasOwn(SPEED_DELAY_MS, c.speed)) errs.push(`unknown speed "${c.speed}"`);
  const badOps = c.space.ops.filter((o) => !(NB201_OPS as readonly string[]).includes(o));
  if (badOps.length > 0) errs.push(`unknown op(s) in the space: ${badOps.join(', ')}`);
  if (c.space.ops.length < 2) errs.push('the space needs at least two ops');
  return errs;
}

/**
 * Keys of `given` that `defaults` does not have, as dotted paths, looked up to any depth of plain
 * objects. Method settings are merged over defaults, so a misspelt key would otherwise be ignored
 * without a word and the run would use the default the user meant to change.
 */
export function unknownSettingKeys(given: unknown, defaults: unknown, prefix = ''): string[] {
  const plain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!plain(given) || !plain(defaults)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(given)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (!Object.hasOwn(defaults, k)) out.push(p); // not `in`: "constructor" is in every object
    else out.push(...unknownSettingKeys(v, defaults[k], p));
  }
  return out;
}

/**
 * Where `given` holds something else in place of one of the defaults' groups or lists, as
 * messages: a method reads fields of its groups (settings.teacher.lr, stages[0].channels), so a
 * null or a number there would throw a TypeError instead of saying what is wrong. Values are the
 * method's own check; this only asks that the shape matches the defaults'.
 */
export function settingShapeProblems(given: unknown, defaults: unknown, prefix = ''): string[] {
  const plain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const what = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : typeof v);
  if (given === undefined) return []; // not given: the defaults hold
  const at = prefix ? `setting ${quote(prefix)}` : 'settings';
  if (plain(defaults)) {
    if (!plain(given)) return [`${at} must be an object, not ${what(given)}`];
    return Object.keys(given).flatMap((k) => (Object.hasOwn(defaults, k) ? settingShapeProblems(given[k], defaults[k], prefix ? `${prefix}.${k}` : k) : []));
  }
  if (Array.isArray(defaults)) {
    if (!Array.isArray(given)) return [`${at} must be a list, not ${what(given)}`];
    return defaults.length > 0 && typeof defaults[0] === 'object' ? given.flatMap((g, i) => settingShapeProblems(g, defaults[0], `${prefix}[${i}]`)) : [];
  }
  return [];
}

/**
 * Why a method's settings cannot run: keys its defaults lack and groups or lists of the wrong
 * shape, each prefixed with the method's name; when there are none, the method's own `check` of
 * the merged values.
 */
export function settingsProblems(name: string, given: unknown, defaults: object, check: () => string[]): string[] {
  const found = [
    ...unknownSettingKeys(given, defaults).map((k) => `unknown ${name} setting ${quote(k)}`),
    ...settingShapeProblems(given, defaults).map((m) => `${name} ${m}`),
  ];
  return found.length > 0 ? found : check();
}

/** A settings object with any field, at any depth of plain objects, left out (arrays stay whole). */
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

/**
 * Method settings over their defaults, two levels deep (the depth DNA's and Cream's settings
 * have): a given group is merged field by field into the default group; anything else replaces.
 */
export function mergeSettings<T extends object>(base: T, given: DeepPartial<T>): T {
  const out = structuredClone(base) as Record<string, unknown>;
  for (const [k, v] of Object.entries(given as Record<string, unknown>)) {
    if (v === undefined) continue;
    const cur = out[k];
    const plain = (x: unknown) => !!x && typeof x === 'object' && !Array.isArray(x);
    out[k] = plain(cur) && plain(v) ? { ...(cur as object), ...structuredClone(v as object) } : structuredClone(v);
  }
  return out as T;
}

/** What `f` threw, as messages: a settings parser that throws becomes a check that lists. */
export function thrownMessages(f: () => unknown): string[] {
  try {
    f();
    return [];
  } catch (err) {
    return [err instanceof Error ? err.message : String(err)];
  }
}
