import { check, type Checked, describeValue, z } from './schema';

/**
 * The run config: one zod schema (below) is its type, its defaults, its ranges and its messages,
 * for the page's Start, an imported file, a saved run and the CLI alike. Core knows no dataset and
 * no search space: `dataset` is a name the data layer checks, and `space.ops` names ops the
 * method's space checks (an empty list means all of them), so the method declares its space.
 */

/** A method's id: one the registry holds (engine/methods/registry.ts), checked where a config comes in. */
export type MethodId = string;
export const EVALUATOR_IDS = ['supernet', 'standalone', 'table'] as const;
export type EvaluatorId = (typeof EVALUATOR_IDS)[number];
export const SPEEDS = ['max', 'fast', 'normal', 'slow'] as const;
/** Pacing between units of work: 'max' runs flat out; the others leave time to watch. */
export type Speed = (typeof SPEEDS)[number];

export const SPEED_DELAY_MS: Record<Speed, number> = { max: 0, fast: 20, normal: 120, slow: 600 };

/**
 * Bounds of the config's integers, as [least, most]. The schema enforces them, so the page's
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

// Each field's message names it as a person would ("supernet batch size") and quotes the value.
const got = (v: unknown) => `(got ${typeof v === 'number' ? String(v) : describeValue(v)})`;
const intIn = (name: string, limits: readonly [number, number]) =>
  z.number({ error: (iss) => `${name} must be ${intRangeText(limits)} ${got(iss.input)}` }).refine((v) => inIntRange(v, limits), { error: (iss) => `${name} must be ${intRangeText(limits)} ${got(iss.input)}` });
const lr = (name: string) => z.number({ error: (iss) => `${name} must be a number in (0, 10) ${got(iss.input)}` }).refine((v) => v > 0 && v < 10, { error: (iss) => `${name} must be in (0, 10) ${got(iss.input)}` });
// SGD's momentum at 1 or above, or a negative decay, makes the weights grow without bound.
const unitInterval = (name: string) => z.number({ error: (iss) => `${name} must be a number in [0, 1) ${got(iss.input)}` }).refine((v) => v >= 0 && v < 1, { error: (iss) => `${name} must be in [0, 1) ${got(iss.input)}` });
const oneOf = <T extends readonly [string, ...string[]]>(name: string, values: T) => z.enum(values, { error: (iss) => `unknown ${name} ${describeValue(iss.input)} (expected one of: ${values.join(', ')})` });
const name = (what: string) => z.string({ error: (iss) => `${what} must be a string ${got(iss.input)}` }).min(1, { error: `${what} must not be empty` }).max(200, { error: `${what} is at most 200 characters` });

const training = (stage: string) => ({
  batchSize: intIn(`${stage} batch size`, stage === 'supernet' ? INT_LIMITS.supernetBatch : stage === 'standalone' ? INT_LIMITS.standaloneBatch : INT_LIMITS.finalBatch),
  lr: lr(`${stage} lr`),
  momentum: unitInterval(`${stage} momentum`),
  weightDecay: unitInterval(`${stage} weight decay`),
});

const supernetSchema = z.strictObject({
  steps: intIn('supernet steps', INT_LIMITS.supernetSteps).describe('training steps of the weight-sharing supernet before candidates are scored'),
  ...training('supernet'),
  evalBatch: intIn('evaluation batch', INT_LIMITS.evalBatch).describe('validation examples in the fixed batch every candidate is scored on'),
});
const standaloneSchema = z.strictObject({ epochs: intIn('standalone epochs', INT_LIMITS.standaloneEpochs), ...training('standalone') });
const finalSchema = z.strictObject({ enabled: z.boolean({ error: (iss) => `final enabled must be true or false ${got(iss.input)}` }), epochs: intIn('final epochs', INT_LIMITS.finalEpochs), ...training('final') });

export type SupernetSettings = z.output<typeof supernetSchema>;
export type StandaloneSettings = z.output<typeof standaloneSchema>;

/** The run config's schema: strict objects (a misspelt key is refused, not ignored), every number in its range. */
export const runConfigSchema = z.strictObject({
  method: z.string({ error: (iss) => `method must be a string ${got(iss.input)}` }).regex(/^[a-z][a-z0-9-]{0,39}$/, { error: (iss) => `unknown method ${describeValue(iss.input)} (a method's name is lower-case letters, digits and "-")` }).describe('a registered method: random, evolution, nao, dna, cream, …'),
  // A learner's own images go by "user:<name>-<content hash>" (engine/data/userData.ts); core only bounds the text.
  dataset: z.string({ error: (iss) => `dataset must be a string ${got(iss.input)}` }).regex(/^[a-z][a-z0-9-]{0,39}(?::[a-z0-9-]{1,60})?$/, { error: (iss) => `unknown dataset ${describeValue(iss.input)} (a dataset's name is lower-case letters, digits and "-", a learner's own starts with "user:")` }).describe('a dataset the app ships (digits, fashion), or a learner\'s own images kept in the browser (user:<name>-<content hash>)'),
  evaluator: oneOf('evaluator', EVALUATOR_IDS),
  budget: intIn('budget', INT_LIMITS.budget).describe('candidates the search may evaluate (table queries, supernet scorings or standalone trainings)'),
  seed: intIn('seed', INT_LIMITS.seed),
  speed: oneOf('speed', SPEEDS),
  // What the method's search space declares (spaces/nb201.ts: { ops }); core holds it, the space reads and checks it.
  space: z.record(z.string(), z.unknown(), { error: (iss) => `space must be an object of the search space's settings ${got(iss.input)}` }).describe("the search space's own settings, as the method's space declares them (NB-201: { ops })"),
  supernet: supernetSchema,
  standalone: standaloneSchema.describe('the standalone recipe: the standalone evaluator (short) and the final retrain'),
  final: finalSchema,
  table: z.strictObject({
    source: name('table source').describe("a shipped table by id, or 'custom' for a CSV the user supplied"),
    searchColumn: name('table search column').describe('the column the search sees (its score)'),
    reportColumn: name('table report column').describe('the column reported for the found architecture'),
  }),
  methodSettings: z.record(z.string(), z.unknown(), { error: (iss) => `method settings must be an object keyed by method, such as {"evolution":{"populationSize":20}} ${got(iss.input)}` }).describe("each method's own settings, keyed by its id; the method's schema checks its part"),
});

export type RunConfig = z.output<typeof runConfigSchema>;
export type SpaceSettings = RunConfig['space'];
export type TableSettings = RunConfig['table'];

export const DEFAULT_CONFIG: RunConfig = {
  method: 'random',
  dataset: 'digits',
  evaluator: 'supernet',
  budget: 30,
  seed: 1,
  speed: 'max',
  space: {},
  supernet: { steps: 300, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, evalBatch: 256 },
  standalone: { epochs: 3, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
  final: { enabled: true, epochs: 10, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
  table: { source: 'custom', searchColumn: 'c10_valid_acc', reportColumn: 'c10_test_acc' },
  methodSettings: {},
};

/** A config with any group left out, or given in part: what files, links and options hold. */
export type PartialConfig = { [K in keyof RunConfig]?: RunConfig[K] extends unknown[] ? RunConfig[K] : RunConfig[K] extends object ? Partial<RunConfig[K]> : RunConfig[K] };

/** A partial config over the defaults, group by group (one level of nesting, as RunConfig has). */
export function withDefaults(p: PartialConfig = {}): RunConfig {
  const d = structuredClone(DEFAULT_CONFIG);
  const pick = <T>(v: T | undefined, def: T): T => (v === undefined ? def : v);
  return {
    method: pick(p.method, d.method),
    dataset: pick(p.dataset, d.dataset),
    evaluator: pick(p.evaluator, d.evaluator),
    budget: pick(p.budget, d.budget),
    seed: pick(p.seed, d.seed),
    speed: pick(p.speed, d.speed),
    space: { ...d.space, ...p.space },
    supernet: { ...d.supernet, ...p.supernet },
    standalone: { ...d.standalone, ...p.standalone },
    final: { ...d.final, ...p.final },
    table: { ...d.table, ...p.table },
    methodSettings: pick(p.methodSettings, d.methodSettings),
  };
}

/**
 * Returns the reasons a config cannot run as core can tell (the schema: shapes, names and
 * ranges), empty when it can. What the dataset, the space and the method say is added above core
 * (methods/configCheck.ts).
 */
export function checkConfig(c: unknown): string[] {
  const r = parseRunConfig(c);
  return r.ok ? [] : r.errors;
}

/** The config typed, or core's reasons it cannot run. */
export function parseRunConfig(c: unknown): Checked<RunConfig> {
  // Each field's own message names it as a person would ("supernet batch size …"); only the generic ones get their path.
  return check(runConfigSchema, c, { paths: 'generic' });
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
