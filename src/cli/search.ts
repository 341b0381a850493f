/**
 * The headless runner: the same engine as the page, on the CPU backend in Node.
 *
 *   npm run search -- --method random --dataset digits --evaluator supernet --budget 30 --seed 1 --out run.json
 *
 * Prints a progress line while it runs and writes the same architecture JSON the page exports.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkConfig, type EvaluatorId, type MethodId, type RunConfig, withDefaults } from '../engine/core/config';
import type { RunEvent } from '../engine/core/events';
import { RunController } from '../engine/core/runLoop';
import type { DatasetId } from '../engine/data/datasets';
import { parseBenchmarkCsv } from '../engine/evaluate/table';
import { buildArchitectureFileFromLog } from '../engine/export/architectureFile';
import { installFastCpuKernels } from '../engine/nn/cpuKernels';
import { runSearch } from '../engine/run';
import type { Nb201Op } from '../engine/spaces/nb201';
import { loadDatasetFromDisk, loadTeacherFromDisk, REPO_ROOT, useCpuBackend } from './nodeIo';

const HELP = `Usage: npm run search -- [options]

  --method <random|evolution|nao|…>   search method (default random)
  --dataset <digits|fashion>          dataset (default digits)
  --evaluator <supernet|standalone|table>  how candidates are scored (default supernet)
  --budget <n>                        candidates to evaluate (default 30)
  --seed <n>                          run seed (default 1)
  --steps <n>                         supernet training steps before the search (default 300)
  --batch <n>                         supernet batch size (default 64)
  --standalone-epochs <n>             epochs per candidate for the standalone evaluator (default 3)
  --final-epochs <n>                  epochs of the final retrain (default 10); --no-final skips it
  --ops <a,b,…>                       restrict edges to these ops (default: all five)
  --table <file.csv>                  benchmark table for --evaluator table
  --search-column <name>              table column the search sees (default c10_valid_acc)
  --report-column <name>              table column reported for the result (default c10_test_acc)
  --method-settings <json>            method settings, e.g. '{"evolution":{"population":10}}'
  --train-arch <arch string>          train this one architecture instead of searching
  --out <file.json>                   write the architecture JSON here
  --with-log                          include the run's event log in the JSON (replayable in the page)
  --quiet                             no progress line
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      method: { type: 'string', default: 'random' },
      dataset: { type: 'string', default: 'digits' },
      evaluator: { type: 'string', default: 'supernet' },
      budget: { type: 'string', default: '30' },
      seed: { type: 'string', default: '1' },
      steps: { type: 'string' },
      batch: { type: 'string' },
      'standalone-epochs': { type: 'string' },
      'final-epochs': { type: 'string' },
      'no-final': { type: 'boolean', default: false },
      ops: { type: 'string' },
      table: { type: 'string' },
      'search-column': { type: 'string' },
      'report-column': { type: 'string' },
      'method-settings': { type: 'string' },
      'train-arch': { type: 'string' },
      out: { type: 'string' },
      'with-log': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const int = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer, got "${v}"`);
    return n;
  };
  const base = withDefaults();
  const config: RunConfig = withDefaults({
    method: values.method as MethodId,
    dataset: values.dataset as DatasetId,
    evaluator: values.evaluator as EvaluatorId,
    budget: int(values.budget, 'budget'),
    seed: int(values.seed, 'seed'),
    space: values.ops ? { ops: values.ops.split(',').map((s) => s.trim()) as Nb201Op[] } : base.space,
    supernet: { ...base.supernet, steps: int(values.steps, 'steps') ?? base.supernet.steps, batchSize: int(values.batch, 'batch') ?? base.supernet.batchSize },
    standalone: { ...base.standalone, epochs: int(values['standalone-epochs'], 'standalone-epochs') ?? base.standalone.epochs },
    final: { ...base.final, enabled: !values['no-final'], epochs: int(values['final-epochs'], 'final-epochs') ?? base.final.epochs },
    table: {
      source: values.table ? path.basename(values.table) : base.table.source,
      searchColumn: values['search-column'] ?? base.table.searchColumn,
      reportColumn: values['report-column'] ?? base.table.reportColumn,
    },
    methodSettings: values['method-settings'] ? (JSON.parse(values['method-settings']) as Record<string, unknown>) : {},
  });
  if (!['digits', 'fashion'].includes(config.dataset)) throw new Error(`unknown dataset "${config.dataset}" (digits, fashion)`);
  if (!['supernet', 'standalone', 'table'].includes(config.evaluator)) throw new Error(`unknown evaluator "${config.evaluator}" (supernet, standalone, table)`);
  const problems = checkConfig(config);
  if (problems.length > 0) throw new Error(problems.join('; '));
  if (config.evaluator === 'table' && !values.table) throw new Error('--evaluator table needs --table <file.csv>');

  await useCpuBackend();
  installFastCpuKernels();
  const table = values.table ? parseBenchmarkCsv(await readFile(values.table, 'utf8'), path.basename(values.table)) : undefined;
  const blockMethod = config.method === 'dna' || config.method === 'cream';
  const dataset = config.evaluator === 'table' && !values['train-arch'] && !blockMethod ? undefined : await loadDatasetFromDisk(config.dataset);
  const teacher = config.method === 'dna' ? await loadTeacherFromDisk(config.dataset).catch(() => undefined) : undefined;

  const log: RunEvent[] = [];
  const progress = new Progress(values.quiet);
  await runSearch(config, { dataset, table, teacher }, new RunController(), (e) => {
    log.push(e);
    progress.update(e);
  }, values['train-arch']);
  progress.done();

  const end = log.at(-1);
  if (!end || end.type !== 'run-end' || end.status !== 'completed') {
    process.stderr.write(`run did not complete: ${end && end.type === 'run-end' ? `${end.status} ${end.message ?? ''}` : 'no end event'}\n`);
    return 1;
  }
  const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const file = buildArchitectureFileFromLog(log, {
    appVersion: pkg.version,
    includeLog: values['with-log'],
    table: table ? { name: table.name, provenance: table.provenance } : undefined,
  });
  const m = file.metrics;
  const fmt = (v: number | null | undefined) => (typeof v === 'number' ? v.toFixed(2) : 'n/a');
  process.stdout.write(
    `found ${file.arch}\n  search score ${fmt(file.search?.score)}  ` +
      (config.evaluator === 'table' ? `reported ${config.table.reportColumn} ${fmt(m.reported)}` : `test acc ${fmt(m.testAcc)}%  val acc ${fmt(m.valAcc)}%`) +
      `  params ${file.cost.params}  flops ${file.cost.flops}\n`,
  );
  if (values.out) {
    await writeFile(values.out, JSON.stringify(file, null, 2));
    process.stdout.write(`wrote ${values.out}\n`);
  }
  return 0;
}

/** One status line: rewritten in place on a terminal, printed every few seconds otherwise. */
class Progress {
  private phase = '';
  private done_ = 0;
  private total = 0;
  private step = -1;
  private loss = NaN;
  private best = -Infinity;
  private last = 0;
  private readonly tty = process.stderr.isTTY;

  constructor(private readonly quiet: boolean) {}

  update(e: RunEvent): void {
    if (e.type === 'phase') {
      this.phase = e.phase;
      if (!this.quiet) this.print(true, e.detail);
    } else if (e.type === 'train') {
      this.step = e.step;
      this.loss = e.loss;
    } else if (e.type === 'progress') {
      this.done_ = e.done;
      this.total = e.total;
    } else if (e.type === 'candidate') {
      this.best = Math.max(this.best, e.score);
    } else if (e.type === 'log' && !this.quiet) {
      this.print(true, `${e.level}: ${e.message}`);
    } else if (e.type === 'run-end' && e.status !== 'completed') {
      this.print(true, `run ${e.status}${e.message ? `: ${e.message}` : ''}`);
    }
    if (!this.quiet) this.print(false);
  }

  private print(force: boolean, message?: string): void {
    const now = Date.now();
    if (message) {
      process.stderr.write(`${this.tty ? '\r\x1b[K' : ''}[${this.phase}] ${message}\n`);
      return;
    }
    if (!force && now - this.last < (this.tty ? 100 : 5000)) return;
    this.last = now;
    const parts = [`[${this.phase}]`];
    if (this.step >= 0) parts.push(`step ${this.step + 1} loss ${this.loss.toFixed(3)}`);
    if (this.total > 0) parts.push(`candidates ${this.done_}/${this.total}`);
    if (Number.isFinite(this.best)) parts.push(`best ${this.best.toFixed(2)}`);
    process.stderr.write(this.tty ? `\r\x1b[K${parts.join('  ')}` : `${parts.join('  ')}\n`);
  }

  done(): void {
    if (this.tty && !this.quiet) process.stderr.write('\n');
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
