/**
 * The command line's options: parsed and checked before anything heavy loads (no TensorFlow.js,
 * no data), so a bad option is answered at once, with the option's name and what it allows, and
 * exit code 2. search.ts loads the engine only after these pass; tests call them in-process.
 */
import { access, constants, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EVALUATOR_IDS, INT_LIMITS, intRangeText, type EvaluatorId, type MethodId, type RunConfig, withDefaults } from '../engine/core/config';
import { clip, quote } from '../engine/core/quote';
import { DATASET_IDS, type DatasetId } from '../engine/data/datasets';
import { fileTooLarge } from '../engine/core/limits';
import { type BenchmarkTable, parseBenchmarkCsv, TableError } from '../engine/evaluate/table';
import { METHOD_CATALOG, methodSpace } from '../engine/methods/catalog';
import { checkMethodSettings } from '../engine/methods/settingsCheck';
import { checkRunConfig } from '../engine/methods/configCheck';
import { isNb201Op, NB201_OPS, parseCell } from '../engine/spaces/nb201';

/** A bad command line: the message names the option and what it allows; the CLI exits with 2. */
export class UsageError extends Error {}

/**
 * What the CLI prints and exits with when `err` ends it: a usage error exits with 2, anything
 * else (a failure inside the run) with 1; either way the message only, never a stack.
 */
export function describeFailure(err: unknown): { code: 1 | 2; stderr: string } {
  return { code: err instanceof UsageError ? 2 : 1, stderr: `error: ${err instanceof Error ? err.message : String(err)}\n` };
}

/** Paths are quoted up to this many characters (a path is longer than a cell, and bounded anyway). */
const PATH_QUOTE = 120;

/** Read when asked, not at load: a method registered later is listed too. */
const methodIds = () => METHOD_CATALOG.filter((m) => m.available).map((m) => m.id);
const list = (xs: readonly string[]) => xs.join(', ');

type IntLimit = keyof typeof INT_LIMITS;
interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in --help. */
  arg?: string;
  help: string;
  /** Integer options: the bound in INT_LIMITS that checkConfig enforces. */
  int?: IntLimit;
  default?: string;
}

const DEFAULTS = withDefaults();

/** Every option, in --help's order; the help text and the checks are both made from this table. */
const OPTIONS: Record<string, OptionSpec> = {
  method: { type: 'string', arg: '<method>', help: 'search method', default: DEFAULTS.method },
  dataset: { type: 'string', arg: `<${DATASET_IDS.join('|')}>`, help: 'dataset', default: DEFAULTS.dataset },
  evaluator: { type: 'string', arg: `<${EVALUATOR_IDS.join('|')}>`, help: 'how candidates are scored', default: DEFAULTS.evaluator },
  budget: { type: 'string', arg: '<n>', help: 'candidates to evaluate', int: 'budget', default: String(DEFAULTS.budget) },
  seed: { type: 'string', arg: '<n>', help: 'run seed', int: 'seed', default: String(DEFAULTS.seed) },
  steps: { type: 'string', arg: '<n>', help: 'supernet training steps before the search', int: 'supernetSteps', default: String(DEFAULTS.supernet.steps) },
  batch: { type: 'string', arg: '<n>', help: 'supernet batch size', int: 'supernetBatch', default: String(DEFAULTS.supernet.batchSize) },
  'standalone-epochs': { type: 'string', arg: '<n>', help: 'epochs per candidate for the standalone evaluator', int: 'standaloneEpochs', default: String(DEFAULTS.standalone.epochs) },
  'final-epochs': { type: 'string', arg: '<n>', help: 'epochs of the final retrain; --no-final skips it', int: 'finalEpochs', default: String(DEFAULTS.final.epochs) },
  'no-final': { type: 'boolean', help: 'skip the final retrain' },
  ops: { type: 'string', arg: '<a,b,…>', help: `restrict the NB-201 cell's edges to these ops (${list(NB201_OPS)}; default all five)` },
  table: { type: 'string', arg: '<file.csv>', help: 'benchmark table for --evaluator table' },
  'search-column': { type: 'string', arg: '<name>', help: 'table column the search sees', default: DEFAULTS.table.searchColumn },
  'report-column': { type: 'string', arg: '<name>', help: 'table column reported for the result', default: DEFAULTS.table.reportColumn },
  'method-settings': { type: 'string', arg: '<json>', help: `settings keyed by method, e.g. '{"evolution":{"populationSize":20}}'` },
  'train-arch': { type: 'string', arg: '<arch string>', help: 'train this one architecture instead of searching' },
  out: { type: 'string', arg: '<file.json>', help: 'write the architecture JSON here (the folder must exist)' },
  'with-log': { type: 'boolean', help: "include the run's event log in the JSON (replayable in the page)" },
  quiet: { type: 'boolean', help: 'no progress line' },
  help: { type: 'boolean', short: 'h', help: 'this text' },
};

export function helpText(): string {
  const rows = Object.entries(OPTIONS).map(([name, o]) => {
    const arg = name === 'method' ? `<${methodIds().join('|')}>` : o.arg;
    const left = `  ${o.short ? `-${o.short}, ` : ''}--${name}${arg ? ` ${arg}` : ''}`;
    const notes = [o.int ? intRangeText(INT_LIMITS[o.int]) : '', o.default !== undefined ? `default ${o.default}` : ''].filter(Boolean);
    return `${left.padEnd(46)} ${o.help}${notes.length ? ` (${notes.join('; ')})` : ''}`;
  });
  return `Usage: npm run search -- [options]\n\n${rows.join('\n')}\n\nA bad option is refused before anything loads, with exit code 2; a run that fails exits with 1.\n`;
}

export interface CliOptions {
  config: RunConfig;
  /** --table as given (its base name is the table's name in messages and in the config). */
  tablePath?: string;
  trainArch?: string;
  out?: string;
  withLog: boolean;
  quiet: boolean;
}

export type CliCommand = { help: true } | { help: false; options: CliOptions };

/** Whether the method searches the block space (its plugin says), where architectures are block chains, not NB-201 cells. */
export const usesBlockSpace = (method: MethodId) => methodSpace(method) === 'blocks';

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

function unknownOption(raw: string): UsageError {
  const name = raw.replace(/^-+/, '');
  const near = Object.keys(OPTIONS)
    .map((o) => ({ o, d: distance(name, o) }))
    .filter(({ d }) => d <= 2)
    .sort((x, y) => x.d - y.d)[0];
  return new UsageError(`unknown option ${clip(raw)}${near ? ` (did you mean --${near.o}?)` : ''}; npm run search -- --help lists the options`);
}

/** What one option allows, for messages. */
function allowed(name: string): string {
  const o = OPTIONS[name];
  if (o.int) return intRangeText(INT_LIMITS[o.int]);
  if (name === 'method') return `one of ${list(methodIds())}`;
  if (name === 'dataset') return `one of ${list(DATASET_IDS)}`;
  if (name === 'evaluator') return `one of ${list(EVALUATOR_IDS)}`;
  return o.arg ?? 'a value';
}

/**
 * The command line as the run's config and files, or the reason it is wrong (UsageError). Reads
 * no file: loadCliInputs does that.
 */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  // Not strict: parseArgs's own errors ("argument is ambiguous" for --budget -5) would reach the
  // user raw. The tokens are checked here instead, and a value may start with a dash.
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(Object.entries(OPTIONS).map(([k, o]) => [k, o.short ? { type: o.type, short: o.short } : { type: o.type }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | boolean> = {};
  const problems: UsageError[] = [];
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      problems.push(new UsageError(`unexpected argument ${quote(t.value)}: options are written --name value; npm run search -- --help lists them`));
      continue;
    }
    const spec = Object.hasOwn(OPTIONS, t.name) ? OPTIONS[t.name] : undefined;
    if (!spec) {
      problems.push(unknownOption(t.rawName));
      continue;
    }
    if (Object.hasOwn(values, t.name)) problems.push(new UsageError(`--${t.name} is given twice`));
    if (spec.type === 'boolean') {
      if (t.value !== undefined) problems.push(new UsageError(`--${t.name} takes no value (got ${quote(t.value)})`));
      values[t.name] = true;
    } else if (t.value === undefined || (!t.inlineValue && t.value.startsWith('--'))) {
      problems.push(new UsageError(`--${t.name} needs a value: ${allowed(t.name)}`));
    } else {
      values[t.name] = t.value;
    }
  }
  if (values.help) return { help: true };
  if (problems.length > 0) throw problems[0];

  const str = (name: string): string | undefined => values[name] as string | undefined;
  const oneOf = <T extends string>(name: string, options: readonly T[], fallback: T): T => {
    const v = str(name);
    if (v === undefined) return fallback;
    if (!(options as readonly string[]).includes(v)) throw new UsageError(`--${name} must be ${allowed(name)} (got ${quote(v)})`);
    return v as T;
  };
  const int = (name: string, fallback: number): number => {
    const v = str(name);
    if (v === undefined) return fallback;
    const limits = INT_LIMITS[OPTIONS[name].int!];
    const n = /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < limits[0] || n > limits[1]) throw new UsageError(`--${name} must be ${intRangeText(limits)} (got ${quote(v)})`);
    return n;
  };

  // The method first: a misspelt method is the costliest mistake to find late.
  const method = oneOf<MethodId>('method', methodIds(), DEFAULTS.method);
  const dataset = oneOf<DatasetId>('dataset', DATASET_IDS, DEFAULTS.dataset);
  const evaluator = oneOf<EvaluatorId>('evaluator', EVALUATOR_IDS, DEFAULTS.evaluator);
  const base = DEFAULTS; // the config every option is merged over
  let ops: string[] = [];
  const opsText = str('ops');
  if (opsText !== undefined) {
    ops = opsText.split(',').map((s) => s.trim());
    const bad = ops.find((o) => !isNb201Op(o));
    if (bad !== undefined) throw new UsageError(`--ops: ${quote(bad)} is not an op (ops: ${list(NB201_OPS)})`);
    const twice = ops.find((o, i) => ops.indexOf(o) !== i);
    if (twice) throw new UsageError(`--ops names ${twice} twice`);
    if (ops.length < 2) throw new UsageError(`--ops needs at least two ops (ops: ${list(NB201_OPS)})`);
  }
  const tablePath = str('table');
  if (tablePath === '') throw new UsageError('--table needs a file name');
  if (evaluator === 'table' && tablePath === undefined) throw new UsageError('--evaluator table needs --table <file.csv>');
  const config: RunConfig = withDefaults({
    method,
    dataset,
    evaluator,
    budget: int('budget', base.budget),
    seed: int('seed', base.seed),
    space: { ops },
    supernet: { ...base.supernet, steps: int('steps', base.supernet.steps), batchSize: int('batch', base.supernet.batchSize) },
    standalone: { ...base.standalone, epochs: int('standalone-epochs', base.standalone.epochs) },
    final: { ...base.final, enabled: !values['no-final'], epochs: int('final-epochs', base.final.epochs) },
    table: {
      source: tablePath !== undefined ? path.basename(tablePath) : base.table.source,
      searchColumn: str('search-column') ?? base.table.searchColumn,
      reportColumn: str('report-column') ?? base.table.reportColumn,
    },
  });

  const settingsText = str('method-settings');
  if (settingsText !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(settingsText);
    } catch (err) {
      throw new UsageError(`--method-settings is not valid JSON (${clip(err instanceof Error ? err.message : String(err))})`);
    }
    config.methodSettings = raw as Record<string, unknown>; // as given: checkMethodSettings says what is wrong with it
    const bad = checkMethodSettings(config);
    if (bad.length > 0) throw new UsageError(`--method-settings: ${bad.join('; ')}`);
  }

  const trainArch = str('train-arch');
  if (trainArch !== undefined && !usesBlockSpace(method)) {
    const parsed = parseCell(trainArch);
    if (!parsed.ok) throw new UsageError(`--train-arch: ${parsed.reason}`);
  }
  const out = str('out');
  if (out === '') throw new UsageError('--out needs a file name');

  // Everything above names its option; this is the engine's own word on the whole config.
  const configProblems = checkRunConfig(config);
  if (configProblems.length > 0) throw new UsageError(`the options do not make a runnable config: ${configProblems.join('; ')}`);
  return { help: false, options: { config, tablePath, trainArch, out, withLog: !!values['with-log'], quiet: !!values.quiet } };
}

const errCode = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code;

/**
 * Reads and checks the files the options name, still before the engine loads: the table (read,
 * parsed, its columns there) and the folder --out writes into.
 */
export async function loadCliInputs(o: CliOptions): Promise<{ table?: BenchmarkTable }> {
  if (o.out !== undefined) {
    const dir = path.dirname(path.resolve(o.out));
    const isDir = await stat(dir).then((s) => s.isDirectory(), (err) => (errCode(err) === 'ENOENT' || errCode(err) === 'ENOTDIR' ? null : false));
    if (isDir === null) throw new UsageError(`--out: the folder ${quote(dir, PATH_QUOTE)} does not exist`);
    if (!isDir) throw new UsageError(`--out: ${quote(dir, PATH_QUOTE)} is not a folder`);
    if (await stat(o.out).then((s) => s.isDirectory(), () => false)) {
      throw new UsageError(`--out: ${quote(o.out, PATH_QUOTE)} is a folder; give a file name, such as ${quote(path.join(o.out, 'run.json'), PATH_QUOTE)}`);
    }
    if (!(await access(dir, constants.W_OK).then(() => true, () => false))) throw new UsageError(`--out: cannot write in ${quote(dir, PATH_QUOTE)}`);
  }
  if (o.tablePath === undefined) return {};
  let text: string;
  try {
    const size = (await stat(o.tablePath)).size;
    const tooLarge = fileTooLarge(path.basename(o.tablePath), size, 'table');
    if (tooLarge) throw new UsageError(`--table: ${tooLarge}`);
    text = await readFile(o.tablePath, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = errCode(err);
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'it cannot be read (permission denied)' : `it cannot be read (${code ?? 'unknown error'})`;
    throw new UsageError(`--table ${quote(o.tablePath, PATH_QUOTE)}: ${why}`);
  }
  let table: BenchmarkTable;
  try {
    table = parseBenchmarkCsv(text, path.basename(o.tablePath));
  } catch (err) {
    if (err instanceof TableError) throw new UsageError(`--table: ${err.message}`);
    throw err;
  }
  if (o.config.evaluator === 'table' && !usesBlockSpace(o.config.method)) {
    for (const [option, column] of [['search-column', o.config.table.searchColumn], ['report-column', o.config.table.reportColumn]]) {
      if (!table.columns.includes(column)) throw new UsageError(`--${option}: ${table.name} has no column ${quote(column)} (columns: ${clip(table.columns.join(', '), 200)})`);
    }
  }
  return { table };
}
