import { fileTooLarge } from '../core/limits';
import { clip, quote, QUOTE_MAX } from '../core/quote';
import type { RunConfig } from '../core/config';
import type { RunEvent } from '../core/events';
import { DATASETS, SPLIT_SEED, type DatasetId } from '../data/datasets';
import { formatCell, NB201_EDGES, NB201_OPS, parseCell, type CellEdge, type Nb201Op, cellEdges } from '../spaces/nb201';
import { BLOCK_OPS, blockArchFromJson, formatBlockArch, type BlockArchJson } from '../spaces/blocks';

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
  dataset: { id: string; preprocessing: { source: string } & Record<string, unknown> };
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
  const info = DATASETS[id];
  if (!info) return { source: `unknown dataset "${id}"` };
  const common = { source: info.files.map((f) => f.images).join(', '), inputShape: info.inputShape, splitSeed: SPLIT_SEED };
  const standardise = { from: 'train split', note: 'mean/std not recorded by this run: recompute them from the train split' };
  return id === 'digits'
    ? { ...common, scale: 'pixel / 16 (values 0..16 → 0..1)', downsample: 'none (8×8)', standardise, split: 'shuffle of all images with the split seed; train 60% / val 20% / test 20%' }
    : { ...common, scale: 'pixel / 255', downsample: '2×2 mean pooling, 28×28 → 14×14', standardise, split: 'train file shuffled with the split seed: train 80% / val 20%; the test file as test' };
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
      : { id: config.dataset, preprocessing: { ...describePreprocessing(config.dataset), ...(fromRun ?? {}), ...(o.preprocessing ?? {}) } as ArchitectureFile['dataset']['preprocessing'] };
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
  const tableInfo = log.find((e) => e.type === 'method' && e.kind === 'table-info') as Extract<RunEvent, { type: 'method' }> | undefined;
  const tableName = (tableInfo?.data as { name?: unknown } | undefined)?.name;
  return buildArchitectureFile({
    ...rest,
    runStart,
    final,
    table: rest.table ?? (typeof tableName === 'string' ? { name: tableName } : undefined),
    log: rest.includeLog ? log : undefined,
  });
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
// Validation. Errors name the field (JSON-pointer-like path) and what was expected, so a learner
// who edited a file by hand can fix it.

export type ValidationResult = { ok: true; file: ArchitectureFile } | { ok: false; errors: string[] };

const METHOD_IDS = ['random', 'evolution', 'nao', 'dna', 'cream'];
const DATASET_IDS = ['digits', 'fashion'];
const EVALUATOR_IDS = ['supernet', 'standalone', 'table'];
const SPEEDS = ['max', 'fast', 'normal', 'slow'];
const EVENT_TYPES = ['run-start', 'phase', 'train', 'val', 'candidate', 'progress', 'final', 'log', 'run-end', 'method'];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_ERRORS = 25;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
// A value is quoted clipped: a message names the fault without echoing a megabyte of the file.
const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? quote(v) : typeof v === 'object' ? 'an object' : v === undefined ? 'missing' : clip(String(v)));

class Checker {
  readonly errors: string[] = [];
  add(msg: string): void {
    // Messages built from nested checks (an arch string's parse error …) are bounded too.
    if (this.errors.length < MAX_ERRORS) this.errors.push(clip(msg, 4 * QUOTE_MAX));
    else if (this.errors.length === MAX_ERRORS) this.errors.push('… further errors not shown');
  }
  obj(v: unknown, path: string): v is Obj {
    if (!isObj(v)) this.add(`${path} must be an object, not ${describe(v)}`);
    return isObj(v);
  }
  str(v: unknown, path: string): v is string {
    if (typeof v !== 'string') this.add(`${path} must be a string, not ${describe(v)}`);
    return typeof v === 'string';
  }
  num(v: unknown, path: string, opts: { int?: boolean; min?: number; nullable?: boolean } = {}): void {
    if (v === null && opts.nullable) return;
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.add(`${path} must be a${opts.int ? 'n integer' : ' number'}, not ${describe(v)}`);
    if (opts.int && !Number.isInteger(v)) return this.add(`${path} must be an integer, not ${v}`);
    if (opts.min !== undefined && v < opts.min) this.add(`${path} must be ≥ ${opts.min}, not ${v}`);
  }
  oneOf(v: unknown, allowed: readonly string[], path: string, what: string): void {
    if (typeof v !== 'string' || !allowed.includes(v)) this.add(`${path}: unknown ${what} ${describe(v)} (expected one of: ${allowed.join(', ')})`);
  }
  /** Checks a field only when present: later app versions may leave out what they no longer need. */
  optionalObj(parent: Obj, key: string, path: string, fields: Record<string, { int?: boolean; min?: number; bool?: boolean; str?: boolean }>): void {
    if (!(key in parent)) return;
    const o = parent[key];
    if (!this.obj(o, `${path}.${key}`)) return;
    for (const [f, spec] of Object.entries(fields)) {
      if (!(f in o)) continue;
      const p = `${path}.${key}.${f}`;
      if (spec.bool) {
        if (typeof o[f] !== 'boolean') this.add(`${p} must be true or false, not ${describe(o[f])}`);
      } else if (spec.str) this.str(o[f], p);
      else this.num(o[f], p, spec);
    }
  }
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

export function validateArchitectureFile(json: unknown): ValidationResult {
  const c = new Checker();
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
  if (json.space === 'nb201') {
    let archOps: readonly Nb201Op[] | null = null;
    if (c.str(json.arch, 'arch')) {
      const parsed = parseCell(json.arch);
      if (!parsed.ok) c.add(`arch: ${parsed.reason}`);
      else if (formatCell(parsed.cell) !== json.arch) c.add(`arch is not in canonical form: expected "${formatCell(parsed.cell)}"`);
      else archOps = parsed.cell.ops;
    }
    checkEdges(c, json.edges, archOps);
  } else if (json.space === 'blocks') {
    if (json.version === 1) c.add('space "blocks" needs a version 2 file (version 1 holds NB-201 cells only)');
    checkBlocks(c, json.blocks, json.arch);
  } else c.add(`space: unknown search space ${describe(json.space)} (this app reads "nb201" and "blocks")`);

  if (c.obj(json.metrics, 'metrics')) for (const [k, v] of Object.entries(json.metrics)) c.num(v, `metrics.${k}`, { nullable: true });
  if ('search' in json && c.obj(json.search, 'search')) {
    c.num(json.search.candidateIndex, 'search.candidateIndex', { int: true, min: 0 });
    c.num(json.search.score, 'search.score', { nullable: true });
  }
  if ('recipe' in json) c.str(json.recipe, 'recipe');
  if (c.obj(json.cost, 'cost')) {
    c.num(json.cost.params, 'cost.params', { min: 0 });
    c.num(json.cost.flops, 'cost.flops', { min: 0 });
  }
  if (c.obj(json.dataset, 'dataset')) {
    if (c.str(json.dataset.id, 'dataset.id') && json.dataset.id === '') c.add('dataset.id must not be empty');
    if (c.obj(json.dataset.preprocessing, 'dataset.preprocessing')) c.str(json.dataset.preprocessing.source, 'dataset.preprocessing.source');
  }
  checkConfig(c, json.config);
  c.num(json.seed, 'seed', { int: true });
  if (isObj(json.config) && Number.isInteger(json.seed) && json.config.seed !== json.seed) c.add(`seed ${json.seed} disagrees with config.seed ${describe(json.config.seed)}`);
  if (c.str(json.backend, 'backend') && json.backend === '') c.add('backend must not be empty');
  if (c.obj(json.versions, 'versions')) {
    c.str(json.versions.tfjs, 'versions.tfjs');
    c.str(json.versions.app, 'versions.app');
  }
  if (c.str(json.createdAt, 'createdAt') && (!ISO_DATE.test(json.createdAt) || Number.isNaN(Date.parse(json.createdAt)))) {
    c.add(`createdAt must be an ISO 8601 date-time such as 2025-01-31T12:00:00.000Z, not "${json.createdAt}"`);
  }
  if ('log' in json) checkLog(c, json.log);
  return c.errors.length > 0 ? { ok: false, errors: c.errors } : { ok: true, file: json as unknown as ArchitectureFile };
}

function checkEdges(c: Checker, edges: unknown, archOps: readonly Nb201Op[] | null): void {
  if (!Array.isArray(edges)) return c.add(`edges must be an array of ${NB201_EDGES.length} {from, to, op} objects, not ${describe(edges)}`);
  if (edges.length !== NB201_EDGES.length) c.add(`edges: a cell has ${NB201_EDGES.length} edges, the file lists ${edges.length}`);
  const seen = new Set<string>();
  edges.forEach((e, i) => {
    const p = `edges[${i}]`;
    if (!c.obj(e, p)) return;
    c.num(e.from, `${p}.from`, { int: true });
    c.num(e.to, `${p}.to`, { int: true });
    const key = `${e.from}→${e.to}`;
    const slot = NB201_EDGES.findIndex(([f, t]) => f === e.from && t === e.to);
    if (Number.isInteger(e.from) && Number.isInteger(e.to)) {
      if (slot < 0) c.add(`${p}: ${key} is not an edge of the NB-201 cell (edges: ${NB201_EDGES.map(([f, t]) => `${f}→${t}`).join(', ')})`);
      else if (seen.has(key)) c.add(`${p}: edge ${key} is listed twice`);
      seen.add(key);
    }
    if (typeof e.op !== 'string' || !(NB201_OPS as readonly string[]).includes(e.op)) {
      c.add(`${p}.op: unknown op ${describe(e.op)} (ops: ${NB201_OPS.join(', ')})`);
    } else if (archOps && slot >= 0 && archOps[slot] !== e.op) {
      c.add(`${p}: edge ${key} has op "${e.op}" but arch says "${archOps[slot]}"`);
    }
  });
}

/** The block structure: known ops, sane widths and strides, skip only where the shape is kept, and the same chain as `arch`. */
function checkBlocks(c: Checker, blocks: unknown, arch: unknown): void {
  c.str(arch, 'arch');
  if (!c.obj(blocks, 'blocks')) return;
  if (blocks.space !== 'blocks') c.add(`blocks.space must be "blocks", not ${describe(blocks.space)}`);
  c.num(blocks.stemChannels, 'blocks.stemChannels', { int: true, min: 1 });
  c.num(blocks.numClasses, 'blocks.numClasses', { int: true, min: 2 });
  const shape = blocks.inputShape;
  if (!Array.isArray(shape) || shape.length !== 3) c.add(`blocks.inputShape must be [height, width, channels], not ${describe(shape)}`);
  else shape.forEach((v, i) => c.num(v, `blocks.inputShape[${i}]`, { int: true, min: 1 }));
  const list = blocks.blocks;
  if (!Array.isArray(list) || list.length === 0) return c.add(`blocks.blocks must be a non-empty array of {channels, stride, ops}, not ${describe(list)}`);
  const before = c.errors.length;
  list.forEach((b, i) => {
    const p = `blocks.blocks[${i}]`;
    if (!c.obj(b, p)) return;
    c.num(b.channels, `${p}.channels`, { int: true, min: 1 });
    if (b.stride !== 1 && b.stride !== 2) c.add(`${p}.stride must be 1 or 2, not ${describe(b.stride)}`);
    if (!Array.isArray(b.ops) || b.ops.length === 0) return c.add(`${p}.ops must be a non-empty array of ops, not ${describe(b.ops)}`);
    b.ops.forEach((op, l) => c.oneOf(op, BLOCK_OPS, `${p}.ops[${l}]`, 'op'));
  });
  if (c.errors.length > before) return;
  // The fields are well formed: now what only the space can say (skip placement), and agreement with arch.
  try {
    const { arch: parsed } = blockArchFromJson(blocks as unknown as BlockArchJson);
    const canonical = formatBlockArch(parsed);
    if (typeof arch === 'string' && arch !== canonical) c.add(`arch "${arch}" disagrees with the block structure, which reads "${canonical}"`);
  } catch (err) {
    c.add(`blocks: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function checkConfig(c: Checker, config: unknown): void {
  if (!c.obj(config, 'config')) return;
  c.oneOf(config.method, METHOD_IDS, 'config.method', 'method');
  c.oneOf(config.dataset, DATASET_IDS, 'config.dataset', 'dataset');
  c.oneOf(config.evaluator, EVALUATOR_IDS, 'config.evaluator', 'evaluator');
  c.num(config.budget, 'config.budget', { int: true, min: 1 });
  c.num(config.seed, 'config.seed', { int: true });
  c.oneOf(config.speed, SPEEDS, 'config.speed', 'speed');
  if ('space' in config && c.obj(config.space, 'config.space') && 'ops' in config.space) {
    const ops = config.space.ops;
    if (!Array.isArray(ops)) c.add(`config.space.ops must be an array of ops, not ${describe(ops)}`);
    else ops.forEach((op, i) => c.oneOf(op, NB201_OPS, `config.space.ops[${i}]`, 'op'));
  }
  const training = { epochs: { int: true, min: 1 }, batchSize: { int: true, min: 1 }, lr: {}, momentum: {}, weightDecay: {} };
  c.optionalObj(config, 'supernet', 'config', { steps: { int: true, min: 0 }, batchSize: { int: true, min: 1 }, lr: {}, momentum: {}, weightDecay: {}, evalBatch: { int: true, min: 1 } });
  c.optionalObj(config, 'standalone', 'config', training);
  c.optionalObj(config, 'final', 'config', { ...training, enabled: { bool: true } });
  c.optionalObj(config, 'table', 'config', { source: { str: true }, searchColumn: { str: true }, reportColumn: { str: true } });
  if ('methodSettings' in config) c.obj(config.methodSettings, 'config.methodSettings');
}

/**
 * Checks what a replay reads from each event; a log that passes can be fed to the store.
 * Numbers may be null: JSON writes NaN (a diverged loss, a missing table cell) as null.
 */
function checkLog(c: Checker, log: unknown): void {
  if (!Array.isArray(log)) return c.add(`log must be an array of run events, not ${describe(log)}`);
  const n = (v: unknown, p: string, int = false) => c.num(v, p, { nullable: !int, int });
  log.forEach((e, i) => {
    const p = `log[${i}]`;
    if (!c.obj(e, p)) return;
    if (typeof e.type !== 'string' || !EVENT_TYPES.includes(e.type)) return c.add(`${p}.type: unknown event type ${describe(e.type)}`);
    n(e.t, `${p}.t`);
    switch (e.type) {
      case 'run-start':
        checkConfig(c, e.config);
        c.str(e.backend, `${p}.backend`);
        break;
      case 'train':
      case 'val':
        n(e.step, `${p}.step`, true);
        n(e.loss, `${p}.loss`);
        n(e.acc, `${p}.acc`);
        c.str(e.phase, `${p}.phase`);
        break;
      case 'candidate':
      case 'final':
        if (c.obj(e.arch, `${p}.arch`)) c.str(e.arch.arch, `${p}.arch.arch`);
        n(e.score, `${p}.score`);
        if (c.obj(e.cost, `${p}.cost`)) {
          n(e.cost.params, `${p}.cost.params`);
          n(e.cost.flops, `${p}.cost.flops`);
        }
        c.obj(e.metrics, `${p}.metrics`);
        n(e.type === 'candidate' ? e.index : e.candidateIndex, `${p}.${e.type === 'candidate' ? 'index' : 'candidateIndex'}`, true);
        break;
      case 'progress':
        n(e.done, `${p}.done`, true);
        n(e.total, `${p}.total`, true);
        break;
      case 'phase':
        c.str(e.phase, `${p}.phase`);
        break;
      case 'run-end':
        c.oneOf(e.status, ['completed', 'stopped', 'error'], `${p}.status`, 'status');
        break;
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
