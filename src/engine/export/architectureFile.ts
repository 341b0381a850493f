import { fileTooLarge } from '../core/limits';
import { clip, quote, QUOTE_MAX } from '../core/quote';
import { checkConfig as checkRunConfig, type RunConfig, type Speed, withDefaults } from '../core/config';
import type { RunEvent } from '../core/events';
import { DATASETS, SPLIT_SEED, type DatasetId } from '../data/datasets';
import { formatCell, NB201_EDGES, NB201_OPS, parseCell, type CellEdge, type Nb201Op, cellEdges } from '../spaces/nb201';
import {
  BLOCK_LIMITS,
  BLOCK_OPS,
  BLOCK_STRIDES,
  blockArchFromJson,
  blockSpaceFitsDataset,
  type BlockSpace,
  formatBlockArch,
  parseBlockArch,
  trainableBlockArch,
  type BlockArchJson,
} from '../spaces/blocks';
import { METHOD_CATALOG, methodSpace, methodsOfSpace } from '../methods/catalog';
import { checkMethodSettings, PROTOTYPE_KEYS, prototypeKeyPaths } from '../methods/settingsCheck';

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
export function trainRequestOf(file: ArchitectureFile, speed?: Speed): { config: RunConfig; trainArch: string; trainStructure?: BlockArchJson } {
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
// Validation. Errors name the field (JSON-pointer-like path) and what was expected, so a learner
// who edited a file by hand can fix it.

export type ValidationResult = { ok: true; file: ArchitectureFile } | { ok: false; errors: string[] };

const DATASET_IDS = ['digits', 'fashion'];
const EVALUATOR_IDS = ['supernet', 'standalone', 'table'];
const SPEEDS = ['max', 'fast', 'normal', 'slow'];
const EVENT_TYPES = ['run-start', 'phase', 'train', 'val', 'candidate', 'progress', 'final', 'log', 'run-end', 'method'];
/** Year, month, day, hours, minutes, [seconds, [fraction]], zone: the fields isRealDateTime reads back. */
const ISO_DATE_PARTS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
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
  num(v: unknown, path: string, opts: { int?: boolean; min?: number; max?: number; nullable?: boolean } = {}): void {
    if (v === null && opts.nullable) return;
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.add(`${path} must be a${opts.int ? 'n integer' : ' number'}, not ${describe(v)}`);
    if (opts.int && !Number.isInteger(v)) return this.add(`${path} must be an integer, not ${v}`);
    if (opts.min !== undefined && v < opts.min) this.add(`${path} must be ≥ ${opts.min}, not ${v}`);
    if (opts.max !== undefined && v > opts.max) this.add(`${path} must be ≤ ${opts.max}, not ${v}`);
  }
  /** An integer within [least, most] (a BLOCK_LIMITS entry). */
  range(v: unknown, path: string, [min, max]: readonly [number, number]): void {
    this.num(v, path, { int: true, min, max });
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
  // The config is merged over the defaults and the file is read field by field: a key that reaches
  // an object's prototype has no business anywhere in it (the CLI refuses the same keys).
  const proto = prototypeKeyPaths(json);
  if (proto.length > 0) {
    for (const p of proto) c.add(`the key ${quote(p)} is not allowed (${PROTOTYPE_KEYS.join(', ')} reach an object's prototype)`);
    return { ok: false, errors: c.errors };
  }

  // The config first: the cross-field checks below read it.
  const run = checkConfig(c, json.config);
  let logSpace: BlockSpace | null = null;
  if (json.space === 'nb201') {
    let archOps: readonly Nb201Op[] | null = null;
    if (c.str(json.arch, 'arch')) {
      const parsed = parseCell(json.arch);
      if (!parsed.ok) c.add(`arch: ${parsed.reason}`);
      else if (formatCell(parsed.cell) !== json.arch) c.add(`arch is not in canonical form: expected "${formatCell(parsed.cell)}"`);
      else archOps = parsed.cell.ops;
    }
    checkEdges(c, json.edges, archOps);
    // Train refuses nothing here, but a cell outside the run's own space is not what the run searched.
    if (run && archOps) {
      const outside = [...new Set(archOps.filter((op) => !run.space.ops.includes(op)))];
      if (outside.length > 0) c.add(`arch uses ${outside.join(', ')}, which config.space.ops (${run.space.ops.join(', ')}) does not include`);
    }
  } else if (json.space === 'blocks') {
    if (json.version === 1) c.add('space "blocks" needs a version 2 file (version 1 holds NB-201 cells only)');
    logSpace = checkBlocks(c, json.blocks, json.arch, run);
  } else c.add(`space: unknown search space ${describe(json.space)} (this app reads "nb201" and "blocks")`);
  if (isObj(json.config) && (json.space === 'nb201' || json.space === 'blocks')) {
    const searched = methodSpace(String(json.config.method));
    if (searched && searched !== json.space) {
      c.add(`config.method "${json.config.method}" searches the ${searched === 'blocks' ? 'block' : 'NB-201'} space, but the file holds ${json.space === 'blocks' ? 'a block chain' : 'an NB-201 cell'} (methods for it: ${methodsOfSpace(json.space).join(', ')})`);
    }
  }

  if (c.obj(json.metrics, 'metrics')) for (const [k, v] of Object.entries(json.metrics)) c.num(v, `metrics.${clip(k)}`, { nullable: true });
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
  c.num(json.seed, 'seed', { int: true });
  if (Number.isInteger(json.seed) && !Number.isSafeInteger(json.seed)) c.add(`seed must be a safe integer (at most ${Number.MAX_SAFE_INTEGER} in size), not ${json.seed}`);
  if (isObj(json.config) && Number.isInteger(json.seed) && json.config.seed !== json.seed) c.add(`seed ${json.seed} disagrees with config.seed ${describe(json.config.seed)}`);
  if (c.str(json.backend, 'backend') && json.backend === '') c.add('backend must not be empty');
  if (c.obj(json.versions, 'versions')) {
    c.str(json.versions.tfjs, 'versions.tfjs');
    c.str(json.versions.app, 'versions.app');
  }
  if (c.str(json.createdAt, 'createdAt') && !isRealDateTime(json.createdAt)) {
    c.add(`createdAt must be an ISO 8601 date-time such as 2025-01-31T12:00:00.000Z, not ${quote(json.createdAt)}`);
  }
  if ('log' in json) checkLog(c, json.log, json.space === 'nb201' || json.space === 'blocks' ? json.space : null, logSpace);
  return c.errors.length > 0 ? { ok: false, errors: c.errors } : { ok: true, file: json as unknown as ArchitectureFile };
}

/**
 * A bare event log read back from somewhere the page does not control (a run saved in the
 * browser's storage): the same rules as a file's log and config, without the file around it. The
 * log must open with a run-start event whose config passes the app's checks; every event is
 * checked as `checkLog` checks a file's. Returns the run's config when it passes.
 */
export function validateRunLog(log: unknown): { ok: true; log: RunEvent[]; config: RunConfig } | { ok: false; errors: string[] } {
  const c = new Checker();
  if (!Array.isArray(log)) return { ok: false, errors: [`expected an array of run events, got ${describe(log)}`] };
  const first: unknown = log[0];
  if (!isObj(first) || first.type !== 'run-start') return { ok: false, errors: [`the log must open with a run-start event, not ${isObj(first) ? `a ${describe(first.type)} event` : describe(first)}`] };
  const proto = prototypeKeyPaths(log);
  if (proto.length > 0) {
    for (const p of proto) c.add(`the key ${quote(p)} is not allowed (${PROTOTYPE_KEYS.join(', ')} reach an object's prototype)`);
    return { ok: false, errors: c.errors };
  }
  const run = checkConfig(c, first.config);
  const space = run ? methodSpace(run.method) : null;
  checkLog(c, log, space === 'nb201' || space === 'blocks' ? space : null, null);
  return c.errors.length > 0 || !run ? { ok: false, errors: c.errors } : { ok: true, log: log as RunEvent[], config: first.config as RunConfig };
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

/**
 * The block structure: known ops, sizes within BLOCK_LIMITS, skip only where the shape is kept,
 * the same chain as `arch`, and images and classes of the run's dataset. It is what Train builds
 * (trainableBlockArch), so a structure that passes here builds there. Returns the space the
 * structure describes (the log's block archs are read in it), or null.
 */
function checkBlocks(c: Checker, blocks: unknown, arch: unknown, run: RunConfig | null): BlockSpace | null {
  c.str(arch, 'arch');
  if (!c.obj(blocks, 'blocks')) return null;
  if (blocks.space !== 'blocks') c.add(`blocks.space must be "blocks", not ${describe(blocks.space)}`);
  c.range(blocks.stemChannels, 'blocks.stemChannels', BLOCK_LIMITS.stemChannels);
  c.range(blocks.numClasses, 'blocks.numClasses', BLOCK_LIMITS.classes);
  const shape = blocks.inputShape;
  if (!Array.isArray(shape) || shape.length !== 3) c.add(`blocks.inputShape must be [height, width, channels], not ${describe(shape)}`);
  else shape.forEach((v, i) => c.range(v, `blocks.inputShape[${i}]`, i < 2 ? BLOCK_LIMITS.inputSide : BLOCK_LIMITS.inputChannels));
  const list = blocks.blocks;
  if (!Array.isArray(list) || list.length === 0) {
    c.add(`blocks.blocks must be a non-empty array of {channels, stride, ops}, not ${describe(list)}`);
    return null;
  }
  const [, most] = BLOCK_LIMITS.blocks;
  if (list.length > most) {
    c.add(`blocks.blocks: a chain has at most ${most} blocks, the file lists ${list.length}`);
    return null;
  }
  const before = c.errors.length;
  list.forEach((b, i) => {
    const p = `blocks.blocks[${i}]`;
    if (!c.obj(b, p)) return;
    c.range(b.channels, `${p}.channels`, BLOCK_LIMITS.channels);
    if (!BLOCK_STRIDES.includes(b.stride as number)) c.add(`${p}.stride must be ${BLOCK_STRIDES.join(' or ')}, not ${describe(b.stride)}`);
    if (!Array.isArray(b.ops) || b.ops.length === 0) return c.add(`${p}.ops must be a non-empty array of ops, not ${describe(b.ops)}`);
    if (b.ops.length > BLOCK_LIMITS.layers[1]) return c.add(`${p}.ops: a block has at most ${BLOCK_LIMITS.layers[1]} layers, the file lists ${b.ops.length}`);
    b.ops.forEach((op, l) => c.oneOf(op, BLOCK_OPS, `${p}.ops[${l}]`, 'op'));
  });
  if (c.errors.length > before) return null;
  // The fields are well formed: now what only the space can say (skip placement), and agreement with arch.
  let space: BlockSpace;
  try {
    const built = blockArchFromJson(blocks as unknown as BlockArchJson);
    space = built.space;
    const canonical = formatBlockArch(built.arch);
    if (typeof arch === 'string' && arch !== canonical) c.add(`arch ${quote(arch)} disagrees with the block structure, which reads "${canonical}"`);
  } catch (err) {
    c.add(`blocks: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
  if (!run) return space;
  const misfit = blockSpaceFitsDataset(space, run.dataset);
  if (misfit) c.add(`blocks: ${misfit} (config.dataset)`);
  else if (typeof arch === 'string' && c.errors.length === before) {
    // What Train calls: nothing above should let through a file it refuses, and this says so if it did.
    try {
      trainableBlockArch(blocks as unknown as BlockArchJson, arch, run.dataset);
    } catch (err) {
      c.add(`blocks: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return space;
}

/**
 * The config's shape field by field, then, when the shape is sound, the app's own rules on the
 * config Train starts (trainConfigOf): checkConfig's ranges and each method's settings check.
 * Returns that config when it passes, else null.
 */
function checkConfig(c: Checker, config: unknown): RunConfig | null {
  if (!c.obj(config, 'config')) return null;
  const before = c.errors.length;
  checkConfigShape(c, config, 'config');
  if (c.errors.length > before) return null;
  let run: RunConfig;
  try {
    run = trainConfigOf(config as unknown as RunConfig);
    const problems = [...checkRunConfig(run).map((m) => `config: ${m}`), ...checkMethodSettings(run).map((m) => `config.methodSettings: ${m}`)];
    for (const m of problems) c.add(m);
  } catch (err) {
    // The checks read what the shape check let through; a value they cannot read is refused, not thrown.
    c.add(`config: cannot be checked (${clip(err instanceof Error ? err.message : String(err))})`);
  }
  return c.errors.length > before ? null : run!;
}

/** What each field of a config must be: the types and names the app reads (ranges are checkConfig's). */
function checkConfigShape(c: Checker, config: Obj, at: string): void {
  // Read when a file is checked, not at load: a method registered later is accepted too.
  c.oneOf(config.method, METHOD_CATALOG.map((m) => m.id), `${at}.method`, 'method');
  c.oneOf(config.dataset, DATASET_IDS, `${at}.dataset`, 'dataset');
  c.oneOf(config.evaluator, EVALUATOR_IDS, `${at}.evaluator`, 'evaluator');
  c.num(config.budget, `${at}.budget`, { int: true, min: 1 });
  c.num(config.seed, `${at}.seed`, { int: true });
  c.oneOf(config.speed, SPEEDS, `${at}.speed`, 'speed');
  if ('space' in config && c.obj(config.space, `${at}.space`) && 'ops' in config.space) {
    const ops = config.space.ops;
    if (!Array.isArray(ops)) c.add(`${at}.space.ops must be an array of ops, not ${describe(ops)}`);
    else ops.forEach((op, i) => c.oneOf(op, NB201_OPS, `${at}.space.ops[${i}]`, 'op'));
  }
  const training = { epochs: { int: true, min: 1 }, batchSize: { int: true, min: 1 }, lr: {}, momentum: {}, weightDecay: {} };
  c.optionalObj(config, 'supernet', at, { steps: { int: true, min: 0 }, batchSize: { int: true, min: 1 }, lr: {}, momentum: {}, weightDecay: {}, evalBatch: { int: true, min: 1 } });
  c.optionalObj(config, 'standalone', at, training);
  c.optionalObj(config, 'final', at, { ...training, enabled: { bool: true } });
  c.optionalObj(config, 'table', at, { source: { str: true }, searchColumn: { str: true }, reportColumn: { str: true } });
  if ('methodSettings' in config) c.obj(config.methodSettings, `${at}.methodSettings`);
}

/**
 * Checks what a replay reads from each event; a log that passes can be fed to the store.
 * Numbers may be null: JSON writes NaN (a diverged loss, a missing table cell) as null. Every
 * architecture a candidate or final event names parses in the file's space (for a block chain,
 * the skeleton of the file's structure), as the replay's views parse them.
 */
function checkLog(c: Checker, log: unknown, fileSpace: 'nb201' | 'blocks' | null, blockSpace: BlockSpace | null): void {
  if (!Array.isArray(log)) return c.add(`log must be an array of run events, not ${describe(log)}`);
  const n = (v: unknown, p: string, int = false) => c.num(v, p, { nullable: !int, int });
  // A run names the same few architectures many times over: each distinct string is parsed once.
  const parsedArchs = new Map<string, string | null>();
  const archProblem = (text: string): string | null => {
    const key = text;
    if (parsedArchs.has(key)) return parsedArchs.get(key)!;
    let why: string | null = null;
    if (fileSpace === 'nb201') {
      const r = parseCell(text);
      why = r.ok ? null : r.reason;
    } else if (blockSpace) {
      const r = parseBlockArch(text, blockSpace);
      why = r.ok ? null : r.reason;
    }
    if (parsedArchs.size < 100_000) parsedArchs.set(key, why);
    return why;
  };
  log.forEach((e, i) => {
    const p = `log[${i}]`;
    if (!c.obj(e, p)) return;
    if (typeof e.type !== 'string' || !EVENT_TYPES.includes(e.type)) return c.add(`${p}.type: unknown event type ${describe(e.type)}`);
    n(e.t, `${p}.t`);
    switch (e.type) {
      case 'run-start':
        if (c.obj(e.config, `${p}.config`)) checkConfigShape(c, e.config, `${p}.config`);
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
        if (c.obj(e.arch, `${p}.arch`) && c.str(e.arch.arch, `${p}.arch.arch`)) {
          if (fileSpace && e.arch.space !== fileSpace) c.add(`${p}.arch.space must be "${fileSpace}" as the file's, not ${describe(e.arch.space)}`);
          else {
            const why = archProblem(e.arch.arch);
            if (why) c.add(`${p}.arch.arch: ${why}`);
          }
        }
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
