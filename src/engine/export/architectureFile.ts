import { fileTooLarge } from '../core/limits';
import { clip, quote, QUOTE_MAX } from '../core/quote';
import { INT_LIMITS, runConfigSchema, type RunConfig, type Speed, withDefaults } from '../core/config';
import type { MethodEventSchemas, Phase, RunEvent } from '../core/events';
import type { BlockStructure } from '../core/formats';
import { type Checked, describeValue, issueMessages, measured, z } from '../core/schema';
import { costSchema } from '../core/cost';
import { datasetInfo, isDatasetId, SPLIT_SEED, type DatasetId } from '../data/datasets';
import type { UserDatasetSummary } from '../data/userData';
import { formatCell, NB201_EDGES, NB201_OPS, parseCell, spaceOps, type CellEdge, type Nb201Op, cellEdges } from '../spaces/nb201';
import { BLOCK_LIMITS, BLOCK_OPS, BLOCK_STRIDES, blockArchFromJson, blockSpaceFitsDataset, type BlockSpace, formatBlockArch, parseBlockArch, trainableBlockArch, type BlockArchJson } from '../spaces/blocks';
import { checkRunConfig } from '../methods/configCheck';
import { isTableEvent } from '../evaluate/table';
import { methodSpace, methodsOfSpace } from '../methods/catalog';
import { PROTOTYPE_KEYS, prototypeKeyPaths } from '../methods/settingsCheck';
import { findMethod, methodPlugins } from '../methods/registry';

/**
 * An exported architecture: the found cell (NB-201) or block chain (DNA, Cream) plus everything needed to rebuild and retrain it
 * elsewhere (config, seed, backend, library versions, data preprocessing). The same rules are
 * written as a JSON Schema in architecture.schema.json for readers outside this code base;
 * validateArchitectureFile also checks what a schema cannot say (edges agree with arch).
 */
export const ARCHITECTURE_SCHEMA_ID = 'nas-playground/architecture';
export const ARCHITECTURE_FILE_VERSION = 2;
/** Version 1 held NB-201 cells only; its files are still read (they are valid version 2 files but for the number). */
export const READABLE_VERSIONS: readonly number[] = [1, 2];

export type RunStartEvent = Extract<RunEvent, { type: 'run-start' }>;
export type FinalEvent = Extract<RunEvent, { type: 'final' }>;

export interface ArchitectureFile {
  schema: typeof ARCHITECTURE_SCHEMA_ID;
  /** 2 when written by this app; 1 in older NB-201 files, which read the same. */
  version: number;
  space: 'nb201' | 'blocks';
  arch: string;
  /** NB-201 cells: the six edges with their ops. */
  edges?: CellEdge[];
  /** Block chains: the structure (stem, widths, strides, one op per layer), enough to rebuild the network. */
  blocks?: BlockArchJson;
  /** null marks a missing measurement: JSON has no NaN. */
  metrics: Record<string, number | null>;
  search?: { candidateIndex: number; score: number | null; scoreLabel?: string };
  recipe?: string;
  cost: { params: number; flops: number };
  /** A learner's own images are named (name, classes, counts, content hash, size), never embedded: `user`. */
  dataset: { id: string; preprocessing: { source: string } & Record<string, unknown>; user?: UserDatasetSummary };
  config: RunConfig;
  seed: number;
  backend: string;
  versions: { tfjs: string; app: string };
  createdAt: string;
  log?: RunEvent[];
}

export interface BuildOptions {
  runStart: RunStartEvent;
  final: FinalEvent;
  appVersion: string;
  createdAt?: Date;
  /** Attach the run's event log so the file can be replayed. */
  log?: RunEvent[];
  /** Overrides the run-start event's preprocessing; describePreprocessing fills in for logs that lack both. */
  preprocessing?: Record<string, unknown>;
  /** For table runs: which benchmark table the numbers came from. */
  table?: { name: string; provenance?: string[] };
}

/**
 * The deterministic part of a dataset's preprocessing (datasets.ts), for logs recorded before
 * run-start carried the real one: the split is fixed by SPLIT_SEED, so mean/std can be recomputed.
 */
export function describePreprocessing(id: DatasetId): { source: string } & Record<string, unknown> {
  if (!isDatasetId(id)) return { source: `unknown dataset ${quote(id)}` };
  const info = datasetInfo(id);
  if (info.user) return { source: `${info.user.source} (your own images)`, inputShape: info.inputShape, splitSeed: info.user.splitSeed };
  const common = { source: info.files.map((f) => f.images).join(', '), inputShape: info.inputShape, splitSeed: SPLIT_SEED };
  const standardise = { from: 'train split', note: 'mean/std not recorded by this run: recompute them from the train split' };
  return id === 'digits'
    ? { ...common, scale: 'pixel / 16 (values 0..16 → 0..1)', downsample: 'none (8×8)', standardise, split: 'shuffle of all images with the split seed; train 60% / val 20% / test 20%' }
    : { ...common, scale: 'pixel / 255', downsample: '2×2 mean pooling, 28×28 → 14×14', standardise, split: 'train file shuffled with the split seed: train 80% / val 20%; the test file as test' };
}

/** A learner's dataset as the file names it: what another browser needs to tell whether it holds the same images. */
function userPart(id: DatasetId): { user?: UserDatasetSummary } {
  const user = isDatasetId(id) ? datasetInfo(id).user : undefined;
  return user ? { user: structuredClone(user) } : {};
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The space-specific part of a file: the canonical string and its structured form. */
function archPart(final: FinalEvent): Pick<ArchitectureFile, 'space' | 'arch' | 'edges' | 'blocks'> {
  if (final.arch.space === 'blocks') {
    if (!final.structure) throw new Error('the final event carries no block structure (a log recorded before version 2 files existed?)');
    const { arch } = blockArchFromJson(final.structure);
    if (formatBlockArch(arch) !== final.arch.arch) throw new Error(`the final block structure (${formatBlockArch(arch)}) disagrees with its arch string (${final.arch.arch})`);
    return { space: 'blocks', arch: final.arch.arch, blocks: JSON.parse(JSON.stringify(final.structure)) as BlockArchJson };
  }
  const parsed = parseCell(final.arch.arch);
  if (!parsed.ok) throw new Error(`the final architecture does not parse: ${parsed.reason}`);
  return { space: 'nb201', arch: formatCell(parsed.cell), edges: cellEdges(parsed.cell) };
}

export function buildArchitectureFile(o: BuildOptions): ArchitectureFile {
  const part = archPart(o.final);
  const config = o.runStart.config;
  const fromRun = o.runStart.preprocessing as Record<string, unknown> | undefined;
  const dataset: ArchitectureFile['dataset'] =
    config.evaluator === 'table'
      ? {
          id: 'benchmark-table',
          preprocessing: {
            source: `benchmark table ${o.table?.name ?? config.table.source}`,
            searchColumn: config.table.searchColumn,
            reportColumn: config.table.reportColumn,
            ...(o.table?.provenance?.length ? { provenance: o.table.provenance } : {}),
          },
        }
      : { id: config.dataset, preprocessing: { ...describePreprocessing(config.dataset), ...(fromRun ?? {}), ...(o.preprocessing ?? {}) } as ArchitectureFile['dataset']['preprocessing'], ...userPart(config.dataset) };
  const file: ArchitectureFile = {
    schema: ARCHITECTURE_SCHEMA_ID,
    version: ARCHITECTURE_FILE_VERSION,
    ...part,
    metrics: Object.fromEntries(Object.entries(o.final.metrics).map(([k, v]) => [k, finiteOrNull(v)])),
    // A run that trained one given cell (candidateIndex −1) searched nothing: it has no search record.
    ...(o.final.candidateIndex >= 0 ? { search: { candidateIndex: o.final.candidateIndex, score: finiteOrNull(o.final.score) } } : {}),
    recipe: o.final.recipe,
    cost: { params: o.final.cost.params, flops: o.final.cost.flops },
    dataset,
    config,
    seed: config.seed,
    backend: o.runStart.backend,
    versions: { tfjs: o.runStart.tfjsVersion, app: o.appVersion },
    createdAt: (o.createdAt ?? new Date()).toISOString(),
  };
  // A JSON round trip turns NaN into null everywhere in the log, as the file will hold it.
  if (o.log) file.log = JSON.parse(JSON.stringify(o.log)) as RunEvent[];
  return file;
}

/** Builds from a whole log: its run-start and last final event. */
export function buildArchitectureFileFromLog(log: RunEvent[], rest: Omit<BuildOptions, 'runStart' | 'final'> & { includeLog?: boolean }): ArchitectureFile {
  const runStart = log.find((e): e is RunStartEvent => e.type === 'run-start');
  const final = log.findLast((e): e is FinalEvent => e.type === 'final');
  if (!runStart) throw new Error('the log has no run-start event');
  if (!final) throw new Error('the log has no final event: the run did not finish');
  const tableName = log.find(isTableEvent)?.data.name;
  return buildArchitectureFile({
    ...rest,
    runStart,
    final,
    table: rest.table ?? (typeof tableName === 'string' ? { name: tableName } : undefined),
    log: rest.includeLog ? log : undefined,
  });
}

/**
 * The run config "Train" starts for an imported file: the file's config over the defaults (a
 * later version may leave out what it no longer needs), a table run's cell trained on data (the
 * page holds no table for it, so with the file's final recipe), at the page's speed when given.
 * The validator checks this same config, so an accepted file's Train is not refused at the start.
 */
export function trainConfigOf(config: RunConfig, speed?: Speed): RunConfig {
  return withDefaults({ ...config, evaluator: config.evaluator === 'table' ? 'standalone' : config.evaluator, ...(speed ? { speed } : {}) });
}

/** What "Train" sends for an imported file: its config (trainConfigOf), its arch string and, for a block chain, its structure, which is what gets built. */
export function trainRequestOf(file: ArchitectureFile, speed?: Speed): { config: RunConfig; trainArch: string; trainStructure?: BlockStructure } {
  return { config: trainConfigOf(file.config, speed), trainArch: file.arch, ...(file.space === 'blocks' && file.blocks ? { trainStructure: file.blocks } : {}) };
}

/** FNV-1a, 32 bits: a short stable name for a file, not a security measure. */
export function archHash(arch: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < arch.length; i++) {
    h ^= arch.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function architectureFileName(file: Pick<ArchitectureFile, 'arch'>): string {
  return `nas-playground-${archHash(file.arch)}.json`;
}

// ---------------------------------------------------------------------------------------------
// Validation. The file's shape is one zod schema (below): the validator parses with it, and the
// JSON Schema for readers outside this code base (architecture.schema.json) is generated from it
// (`npm run schemas`; a test fails when the shipped copy is stale). What a schema cannot say —
// edges agree with arch, the config can run, the method searches the file's space, every
// architecture in the log parses in it — is checked after, in code. Errors name the field
// (a JSON-pointer-like path) and what was expected, so a learner who edited a file can fix it.

export type ValidationResult = { ok: true; file: ArchitectureFile } | { ok: false; errors: string[] };

export const EVENT_TYPES = ['run-start', 'phase', 'train', 'val', 'candidate', 'progress', 'final', 'log', 'run-end', 'method'] as const;
export const PHASES = ['setup', 'supernet', 'search', 'final', 'done'] as const satisfies readonly Phase[];
/** Year, month, day, hours, minutes, [seconds, [fraction]], zone: the fields isRealDateTime reads back. */
const ISO_DATE_PARTS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_ERRORS = 25;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = describeValue;

const intIn = ([min, max]: readonly [number, number]) => z.int().min(min).max(max);
const nb201Op = z.enum(NB201_OPS, { error: (iss) => `unknown op ${describe(iss.input)} (ops: ${NB201_OPS.join(', ')})` }).meta({ id: 'op' });
const blockOp = z.enum(BLOCK_OPS, { error: (iss) => `unknown op ${describe(iss.input)} (ops: ${BLOCK_OPS.join(', ')})` }).meta({ id: 'blockOp' });
const text = z.string();
const listed = (v: unknown) => (Array.isArray(v) ? v.length : 'more');
const nonEmpty = z.string().min(1);

const edgeSchema = z.looseObject({ from: z.int(), to: z.int(), op: nb201Op });

/** A block chain's structure; what only the space can say (skip where the shape is kept, agreement with arch) is checked after. */
// Fields in the order the builder writes them (blockArchToJson), so a file read back and written again reads the same.
const blocksSchema = z
  .looseObject(
    {
      space: z.literal('blocks'),
      blocks: z
        .array(
          z.looseObject({
            channels: intIn(BLOCK_LIMITS.channels),
            stride: z.literal([1, 2], { error: (iss) => `must be ${BLOCK_STRIDES.join(' or ')}, not ${describe(iss.input)}` }),
            ops: z
              .array(blockOp)
              .min(1)
              .max(BLOCK_LIMITS.layers[1], { error: (iss) => `a block has at most ${BLOCK_LIMITS.layers[1]} layers, the file lists ${listed(iss.input)}` }),
          }),
        )
        .min(1, { error: 'must list at least one block {channels, stride, ops}' })
        .max(BLOCK_LIMITS.blocks[1], { error: (iss) => `a chain has at most ${BLOCK_LIMITS.blocks[1]} blocks, the file lists ${listed(iss.input)}` }),
      stemChannels: intIn(BLOCK_LIMITS.stemChannels),
      inputShape: z.tuple([intIn(BLOCK_LIMITS.inputSide), intIn(BLOCK_LIMITS.inputSide), intIn(BLOCK_LIMITS.inputChannels)], {
        error: (iss) => `must be [height, width, channels], not ${describe(iss.input)}`,
      }),
      numClasses: intIn(BLOCK_LIMITS.classes),
    },
    { error: (iss) => (iss.code === 'invalid_type' ? `must be an object (the block structure), not ${describe(iss.input)}` : undefined) },
  )
  .meta({ id: 'blocks', description: 'a block chain: stem, one {channels, stride, ops} per block, the input shape and classes' });

/**
 * A config as a file holds it: the shape and ranges of core's schema, with each group optional
 * and partial (a later version may leave out what it no longer needs; the defaults fill in), the
 * result merged over the defaults. Whether it can run is asked of the merged config after.
 */
const rc = runConfigSchema.shape;
export const fileConfigSchema = z
  .strictObject({
    method: rc.method,
    dataset: rc.dataset,
    evaluator: rc.evaluator,
    budget: rc.budget,
    seed: rc.seed,
    speed: rc.speed,
    space: rc.space.optional(),
    supernet: rc.supernet.partial().optional(),
    standalone: rc.standalone.partial().optional(),
    final: rc.final.partial().optional(),
    table: rc.table.partial().optional(),
    methodSettings: rc.methodSettings.optional(),
  })
  .transform((c) => withDefaults(c))
  .meta({ id: 'runConfig', description: "the run's settings (engine/core/config.ts); omitted groups take the defaults" });

const archRef = z.looseObject({ space: z.enum(['nb201', 'blocks']), arch: text });
const metricsSchema = z.record(z.string(), measured);

/** Each event as a replay reads it (core/events.ts); a log that passes can be fed to the store. */
const e = {
  'run-start': z.looseObject({
    type: z.literal('run-start'),
    t: measured,
    config: fileConfigSchema,
    backend: text,
    tfjsVersion: text.default('unknown'),
    datasetSizes: z.record(z.string(), z.number()).optional(),
    preprocessing: z.looseObject({ source: text, scale: text, downsample: text, standardise: z.looseObject({ mean: z.number(), std: z.number(), from: text }), split: text, splitSeed: z.number() }).optional(),
    trainArch: text.optional(),
  }),
  phase: z.looseObject({ type: z.literal('phase'), t: measured, phase: z.enum(PHASES), detail: text, total: z.number().optional() }),
  train: z.looseObject({ type: z.literal('train'), t: measured, phase: z.enum(PHASES), step: z.int(), loss: measured, acc: measured, lr: measured }),
  val: z.looseObject({ type: z.literal('val'), t: measured, phase: z.enum(PHASES), step: z.int(), loss: measured, acc: measured }),
  candidate: z.looseObject({ type: z.literal('candidate'), t: measured, index: z.int(), arch: archRef, score: measured, metrics: metricsSchema, cost: costSchema, origin: text }),
  progress: z.looseObject({ type: z.literal('progress'), t: measured, done: z.int(), total: z.int(), unit: text }),
  final: z.looseObject({
    type: z.literal('final'),
    t: measured,
    arch: archRef,
    candidateIndex: z.int(),
    score: measured,
    metrics: metricsSchema,
    cost: costSchema,
    recipe: text,
    structure: blocksSchema.optional(),
  }),
  log: z.looseObject({ type: z.literal('log'), t: measured, level: z.enum(['info', 'warn']), message: text }),
  'run-end': z.looseObject({ type: z.literal('run-end'), t: measured, status: z.enum(['completed', 'stopped', 'error']), message: text.optional() }),
  // The payload is parsed by its method's schema for its kind (checkMethodPayload): a fold trusts it as typed.
  method: z.looseObject({ type: z.literal('method'), t: measured, method: text, kind: text, data: z.record(z.string(), z.unknown()) }).transform((ev, ctx) => {
    const r = checkMethodPayload(ev.method, ev.kind, ev.data);
    if (r.ok) return { ...ev, data: r.value };
    for (const message of r.errors) ctx.issues.push({ code: 'custom', message, input: ev.data });
    return z.NEVER;
  }),
} as const;

/** The evaluators' method events (the table's `table-info`), beside the methods' own. */
const EVALUATOR_EVENTS: readonly MethodEventSchemas[] = [isTableEvent];

/** Who declares events of `method`: its plugin (read at each call, so a method registered at run time counts) or an evaluator. */
function eventSchemasOf(method: string): MethodEventSchemas | undefined {
  return EVALUATOR_EVENTS.find((s) => s.method === method) ?? findMethod(method)?.events;
}

/** A method or kind as a message names it: bare when it is a plain name, else quoted and clipped. */
const named = (s: string) => (/^[a-z0-9-]{1,40}$/i.test(s) ? s : quote(s, 40));

/**
 * A method event's payload checked against its method's schema for its kind, the payload as the
 * schema outputs it (null read back as NaN where the log writes NaN as null). Messages start with
 * "(method kind)", which the event's path goes before: `log[12] (nao embedding): points[3].x must be …`.
 */
export function checkMethodPayload(method: string, kind: string, data: unknown): Checked<unknown> {
  const at = `(${named(method)} ${named(kind)})`;
  const schemas = eventSchemasOf(method);
  if (!schemas) {
    const known = [...methodPlugins().filter((p) => p.events).map((p) => p.id), ...EVALUATOR_EVENTS.map((s) => s.method)];
    return { ok: false, errors: [`${at}: no method ${quote(method, 40)} emits events (methods with events: ${known.join(', ')})`] };
  }
  if (!Object.hasOwn(schemas.payloads, kind)) return { ok: false, errors: [`${at}: ${schemas.method} emits no ${quote(kind, 40)} events (its kinds: ${Object.keys(schemas.payloads).join(', ')})`] };
  const r = schemas.payloads[kind].safeParse(data, { reportInput: true });
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: issueMessages(r.error.issues, { max: 3 }).map((m) => `${at}: ${m}`) };
}

/** One event: its type first (an unknown type is one message), then that type's fields. */
export const runEventSchema: z.ZodType<RunEvent, unknown> = z
  .discriminatedUnion('type', [e['run-start'], e.phase, e.train, e.val, e.candidate, e.progress, e.final, e.log, e['run-end'], e.method], {
    error: (iss) => (iss.code === 'invalid_union' && isObj(iss.input) ? `unknown event type ${describe(iss.input.type)}` : undefined),
  })
  .meta({ id: 'event' });

/** The canonical NB-201 arch string, as a pattern readers outside can check; a mismatch is explained by the parser's own reason. */
const OP = `(${NB201_OPS.join('|')})`;
const NB201_ARCH = new RegExp(`^\\|${OP}~0\\|\\+\\|${OP}~0\\|${OP}~1\\|\\+\\|${OP}~0\\|${OP}~1\\|${OP}~2\\|$`);
const nb201Arch = z
  .string()
  .regex(NB201_ARCH, {
    error: (iss) => {
      const input = typeof iss.input === 'string' ? iss.input : '';
      const parsed = parseCell(input);
      return parsed.ok ? `is not in canonical form: expected "${formatCell(parsed.cell)}"` : parsed.reason;
    },
  })
  .describe('the cell: |op~0|+|op~0|op~1|+|op~0|op~1|op~2|');

const fileFields = {
  $schema: z.string().optional(),
  schema: z.literal(ARCHITECTURE_SCHEMA_ID),
  version: z.literal([...READABLE_VERSIONS] as [1, 2]),
  metrics: metricsSchema,
  search: z.looseObject({ candidateIndex: z.int().min(0), score: measured, scoreLabel: text.optional() }).optional(),
  recipe: text.optional(),
  cost: z.looseObject({ params: z.number().min(0), flops: z.number().min(0) }),
  dataset: z.looseObject({
    id: nonEmpty,
    preprocessing: z.looseObject({ source: text }),
    user: z
      .looseObject({
        name: text,
        classes: z.array(text),
        counts: z.array(z.int().min(0)),
        contentHash: z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be a SHA-256 in hex (64 characters 0-9, a-f)' }),
        size: z.int().min(1),
        channels: z.int().min(1).max(3),
        splitSeed: z.int().min(0),
        splits: z.looseObject({ train: z.int().min(0), val: z.int().min(0), test: z.int().min(0) }),
        source: text,
        corrupt: z.int().min(0),
      })
      .optional()
      .describe("a learner's own images, named and hashed, not embedded: the dataset must be uploaded again in another browser"),
  }),
  config: fileConfigSchema,
  seed: z.int().min(INT_LIMITS.seed[0], { error: `must be a safe integer (at most ${Number.MAX_SAFE_INTEGER} in size)` }).max(INT_LIMITS.seed[1], { error: `must be a safe integer (at most ${Number.MAX_SAFE_INTEGER} in size)` }),
  backend: nonEmpty,
  versions: z.looseObject({ tfjs: text, app: text }),
  createdAt: z.string().refine(isRealDateTime, { error: (iss) => `must be an ISO 8601 date-time such as 2025-01-31T12:00:00.000Z, not ${describe(iss.input)}` }),
  log: z.array(runEventSchema).optional(),
};

/** An NB-201 cell: its canonical string and its six edges. */
const nb201FileSchema = z.looseObject({
  ...fileFields,
  space: z.literal('nb201'),
  arch: nb201Arch,
  edges: z.array(edgeSchema, { error: (iss) => `must be an array of ${NB201_EDGES.length} {from, to, op} objects, not ${describe(iss.input)}` }).describe('the six edges with their ops'),
});

/** A block chain (DNA, Cream): its string and the structure Train builds. */
const blocksFileSchema = z.looseObject({
  ...fileFields,
  space: z.literal('blocks'),
  version: z.literal(2, { error: 'space "blocks" needs a version 2 file (version 1 holds NB-201 cells only)' }),
  arch: text.describe('the chain: one op per layer, layers joined by "-", blocks by "|"'),
  blocks: blocksSchema,
});

export const architectureFileSchema = z
  .discriminatedUnion('space', [nb201FileSchema, blocksFileSchema], {
    error: (iss) => (iss.code === 'invalid_union' && isObj(iss.input) ? `unknown search space ${describe(iss.input.space)} (this app reads "nb201" and "blocks")` : undefined),
  })
  .meta({ title: 'NAS Playground architecture', description: 'An architecture found by a NAS Playground search, with everything needed to rebuild and retrain it.' });

/** The JSON Schema of the file, for readers outside this code base (src/engine/export/architecture.schema.json). */
export function architectureJsonSchema(): unknown {
  return z.toJSONSchema(architectureFileSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' });
}

/** Parses JSON text and validates it; a syntax error becomes a message, never a throw. */
export function parseArchitectureFile(text: string, name = 'the file'): ValidationResult {
  // Characters, not bytes: a cheap bound that holds before parsing; the page checks bytes first.
  const tooLarge = fileTooLarge(name, text.length, 'architecture');
  if (tooLarge) return { ok: false, errors: [tooLarge] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`not valid JSON: ${clip(err instanceof Error ? err.message : String(err), 2 * QUOTE_MAX)}`] };
  }
  return validateArchitectureFile(json);
}

class Errors {
  readonly list: string[] = [];
  add(msg: string): void {
    // Messages built from nested checks (an arch string's parse error …) are bounded too.
    if (this.list.length < MAX_ERRORS) this.list.push(clip(msg, 4 * QUOTE_MAX));
    else if (this.list.length === MAX_ERRORS) this.list.push('… further errors not shown');
  }
}

export function validateArchitectureFile(json: unknown): ValidationResult {
  if (!isObj(json)) return { ok: false, errors: [`expected a JSON object describing an architecture, got ${describe(json)}`] };
  // Identity first: a file of another kind or version gets one clear sentence, not a list of field errors.
  if (json.schema !== ARCHITECTURE_SCHEMA_ID) {
    return { ok: false, errors: [`not a NAS Playground architecture file: "schema" is ${describe(json.schema)}, expected "${ARCHITECTURE_SCHEMA_ID}"`] };
  }
  if (typeof json.version !== 'number' || !READABLE_VERSIONS.includes(json.version)) {
    const v = json.version;
    const newer = typeof v === 'number' && v > ARCHITECTURE_FILE_VERSION;
    return {
      ok: false,
      errors: [`unsupported file version ${describe(v)}: this app reads versions ${READABLE_VERSIONS.join(' and ')}${newer ? ' (the file comes from a newer NAS Playground)' : ''}`],
    };
  }
  // The config is merged over the defaults and the file is read field by field: a key that reaches
  // an object's prototype has no business anywhere in it (the CLI refuses the same keys).
  const proto = prototypeKeyPaths(json);
  if (proto.length > 0) return { ok: false, errors: proto.slice(0, MAX_ERRORS).map((p) => `the key ${quote(p)} is not allowed (${PROTOTYPE_KEYS.join(', ')} reach an object's prototype)`) };

  const c = new Errors();
  const shape = architectureFileSchema.safeParse(json, { reportInput: true });
  if (!shape.success) for (const m of issueMessages(shape.error.issues, { max: MAX_ERRORS })) c.add(m);
  const file = shape.success ? shape.data : null;

  // What the schema cannot say, on what it let through (each check reads only well-formed parts).
  // The config is checked whenever it is well formed itself, so its faults show beside the file's others.
  const config = file ? { success: true as const, data: file.config } : fileConfigSchema.safeParse(json.config);
  const run = config.success ? configProblems(c, config.data) : null;
  if (isObj(json.config) && Number.isInteger(json.seed) && json.config.seed !== json.seed) c.add(`seed ${json.seed} disagrees with config.seed ${describe(json.config.seed)}`);
  let logSpace: BlockSpace | null = null;
  if (json.space === 'nb201' && typeof json.arch === 'string') {
    // The schema said what is wrong with the string; the edges are compared with it only when it reads.
    const parsed = parseCell(json.arch);
    const archOps = parsed.ok && formatCell(parsed.cell) === json.arch ? parsed.cell.ops : null;
    if (file?.space === 'nb201') checkEdges(c, file.edges, archOps);
    // Train refuses nothing here, but a cell outside the run's own space is not what the run searched.
    if (run && archOps) {
      const allowed = spaceOps(run.space);
      const outside = [...new Set(archOps.filter((op) => !allowed.includes(op)))];
      if (outside.length > 0) c.add(`arch uses ${outside.join(', ')}, which config.space.ops (${allowed.join(', ')}) does not include`);
    }
  } else if (file?.space === 'blocks') logSpace = checkBlocks(c, file.blocks, file.arch, run);
  if (isObj(json.config) && (json.space === 'nb201' || json.space === 'blocks')) {
    const searched = methodSpace(String(json.config.method));
    if (searched && searched !== json.space) {
      c.add(`config.method "${json.config.method}" searches the ${searched === 'blocks' ? 'block' : 'NB-201'} space, but the file holds ${json.space === 'blocks' ? 'a block chain' : 'an NB-201 cell'} (methods for it: ${methodsOfSpace(json.space).join(', ')})`);
    }
  }
  if (file?.log) checkLogArchs(c, file.log, file.space, logSpace);
  return c.list.length > 0 || !file ? { ok: false, errors: c.list } : { ok: true, file };
}

/**
 * A bare event log read back from somewhere the page does not control (a run saved in the
 * browser's storage): the same rules as a file's log and config, without the file around it. The
 * log must open with a run-start event whose config passes the app's checks; every event is
 * checked as a file's are. Returns the run's config when it passes.
 */
export function validateRunLog(log: unknown): { ok: true; log: RunEvent[]; config: RunConfig } | { ok: false; errors: string[] } {
  if (!Array.isArray(log)) return { ok: false, errors: [`expected an array of run events, got ${describe(log)}`] };
  const first: unknown = log[0];
  if (!isObj(first) || first.type !== 'run-start') return { ok: false, errors: [`the log must open with a run-start event, not ${isObj(first) ? `a ${describe(first.type)} event` : describe(first)}`] };
  const proto = prototypeKeyPaths(log);
  if (proto.length > 0) return { ok: false, errors: proto.slice(0, MAX_ERRORS).map((p) => `the key ${quote(p)} is not allowed (${PROTOTYPE_KEYS.join(', ')} reach an object's prototype)`) };
  const c = new Errors();
  const r = z.array(runEventSchema).safeParse(log, { reportInput: true });
  if (!r.success) {
    for (const m of issueMessages(r.error.issues, { max: MAX_ERRORS })) c.add(m.replace(/^\[/, 'log['));
    return { ok: false, errors: c.list };
  }
  const start = r.data[0];
  const run = start.type === 'run-start' ? configProblems(c, start.config, 'run') : null;
  const space = run ? methodSpace(run.method) : null;
  if (space) checkLogArchs(c, r.data, space, null);
  return c.list.length > 0 || !run ? { ok: false, errors: c.list } : { ok: true, log: r.data, config: run };
}

/**
 * An ISO 8601 date-time naming a day and time that exist: the written fields read back the same
 * through Date (2025-02-30 becomes 2 March, 24:00 the next day, and both are refused).
 */
function isRealDateTime(s: string): boolean {
  const m = ISO_DATE_PARTS.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, sec);
  const same = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && date.getUTCHours() === h && date.getUTCMinutes() === mi && date.getUTCSeconds() === sec;
  const offset = m[8];
  const offsetOk = !offset || offset === 'Z' || (Number(offset.slice(1, 3)) <= 14 && Number(offset.slice(4, 6)) <= 59);
  return same && offsetOk && !Number.isNaN(Date.parse(s));
}

type Errs = Errors;

/** The six edges: each an edge of the cell, listed once, with the op `arch` gives it (the schema checked their fields). */
function checkEdges(c: Errs, edges: readonly { from: number; to: number; op: Nb201Op }[], archOps: readonly Nb201Op[] | null): void {
  if (edges.length !== NB201_EDGES.length) c.add(`edges: a cell has ${NB201_EDGES.length} edges, the file lists ${edges.length}`);
  const seen = new Set<string>();
  edges.forEach((e, i) => {
    const p = `edges[${i}]`;
    const key = `${e.from}→${e.to}`;
    const slot = NB201_EDGES.findIndex(([f, t]) => f === e.from && t === e.to);
    if (slot < 0) c.add(`${p}: ${key} is not an edge of the NB-201 cell (edges: ${NB201_EDGES.map(([f, t]) => `${f}→${t}`).join(', ')})`);
    else if (seen.has(key)) c.add(`${p}: edge ${key} is listed twice`);
    seen.add(key);
    if (archOps && slot >= 0 && archOps[slot] !== e.op) c.add(`${p}: edge ${key} has op "${e.op}" but arch says "${archOps[slot]}"`);
  });
}

/**
 * What only the block space can say of a well-formed structure (skip only where the shape is
 * kept), its agreement with `arch`, and the run's dataset. It is what Train builds
 * (trainableBlockArch), so a structure that passes here builds there. Returns the space the
 * structure describes (the log's block archs are read in it), or null.
 */
function checkBlocks(c: Errs, blocks: BlockStructure, arch: string, run: RunConfig | null): BlockSpace | null {
  const before = c.list.length;
  let space: BlockSpace;
  try {
    const built = blockArchFromJson(blocks);
    space = built.space;
    const canonical = formatBlockArch(built.arch);
    if (arch !== canonical) c.add(`arch ${quote(arch)} disagrees with the block structure, which reads "${canonical}"`);
  } catch (err) {
    c.add(`blocks: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
  if (!run) return space;
  const misfit = blockSpaceFitsDataset(space, run.dataset);
  if (misfit) c.add(`blocks: ${misfit} (config.dataset)`);
  else if (c.list.length === before) {
    // What Train calls: nothing above should let through a file it refuses, and this says so if it did.
    try {
      trainableBlockArch(blocks, arch, run.dataset);
    } catch (err) {
      c.add(`blocks: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return space;
}

/**
 * The app's own rules on the config Train starts (trainConfigOf): checkRunConfig's shapes,
 * ranges, method, dataset, space and the method's settings. Returns that config when it passes.
 */
function configProblems(c: Errs, config: RunConfig, as: 'train' | 'run' = 'train'): RunConfig | null {
  const before = c.list.length;
  // A file is checked as Train would start it; a saved run as it ran (a table run stays on its table).
  const run = as === 'train' ? trainConfigOf(config) : config;
  try {
    for (const m of checkRunConfig(run)) c.add(`config: ${m}`);
  } catch (err) {
    // A check that cannot read a value refuses the file; it never throws at the page.
    c.add(`config: cannot be checked (${clip(err instanceof Error ? err.message : String(err))})`);
  }
  return c.list.length > before ? null : run;
}

/**
 * Every architecture a candidate or final event names is of the file's space and parses in it
 * (for a block chain, the skeleton of the file's structure), as the replay's views parse them.
 */
function checkLogArchs(c: Errs, log: readonly RunEvent[], fileSpace: 'nb201' | 'blocks', blockSpace: BlockSpace | null): void {
  // A run names the same few architectures many times over: each distinct string is parsed once.
  const parsedArchs = new Map<string, string | null>();
  const archProblem = (text: string): string | null => {
    if (parsedArchs.has(text)) return parsedArchs.get(text)!;
    let why: string | null = null;
    if (fileSpace === 'nb201') {
      const r = parseCell(text);
      why = r.ok ? null : r.reason;
    } else if (blockSpace) {
      const r = parseBlockArch(text, blockSpace);
      why = r.ok ? null : r.reason;
    }
    if (parsedArchs.size < 100_000) parsedArchs.set(text, why);
    return why;
  };
  log.forEach((e, i) => {
    if (e.type !== 'candidate' && e.type !== 'final') return;
    const p = `log[${i}]`;
    if (e.arch.space !== fileSpace) c.add(`${p}.arch.space must be "${fileSpace}" as the file's, not ${describe(e.arch.space)}`);
    else {
      const why = archProblem(e.arch.arch);
      if (why) c.add(`${p}.arch.arch: ${why}`);
    }
  });
}

/**
 * Pretty-prints the file for people, but writes the log one event per line: indenting tens of
 * thousands of events would triple the file for no reader's benefit.
 */
export function stringifyArchitectureFile(file: ArchitectureFile): string {
  const { log, ...head } = file;
  const text = JSON.stringify(head, null, 2);
  if (!log) return `${text}\n`;
  const events = log.map((e) => `    ${JSON.stringify(e)}`).join(',\n');
  return `${text.slice(0, text.lastIndexOf('}')).trimEnd()},\n  "log": [\n${events}\n  ]\n}\n`;
}
