import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunEvent } from '../engine/core/events';
import { helpText, loadCliInputs, parseCliArgs } from './options';

/**
 * The command line's whole run, callable in-process (a test registers a method and runs it here):
 * options checked before anything heavy loads, then the engine, the run and the file. Returns the
 * exit code; throws a UsageError for a bad option (search.ts turns it into exit 2).
 */
export async function runCli(argv: string[]): Promise<number> {
  const command = parseCliArgs(argv);
  if (command.help) {
    process.stdout.write(helpText());
    return 0;
  }
  const { config, trainArch, out, withLog, quiet } = command.options;
  const { table } = await loadCliInputs(command.options);

  // Only now the heavy part (TensorFlow.js, the kernels, the engine), so a bad option or file is
  // answered in a second instead of after the backend has loaded.
  const [nodeIo, { installFastCpuKernels }, { loadRunResources, runSearch }, { RunController }, { buildArchitectureFileFromLog }] = await Promise.all([
    import('./nodeIo'),
    import('../engine/nn/cpuKernels'),
    import('../engine/run'),
    import('../engine/core/runLoop'),
    import('../engine/export/architectureFile'),
  ]);
  await nodeIo.useCpuBackend();
  installFastCpuKernels();
  const res = await loadRunResources(config, { dataset: nodeIo.loadDatasetFromDisk, table, read: nodeIo.readPublicFile });

  const log: RunEvent[] = [];
  const progress = new Progress(quiet);
  await runSearch(config, res, new RunController(), (e) => {
    log.push(e);
    progress.update(e);
  }, trainArch);
  progress.done();

  const end = log.at(-1);
  if (!end || end.type !== 'run-end' || end.status !== 'completed') {
    process.stderr.write(`run did not complete: ${end && end.type === 'run-end' ? `${end.status} ${end.message ?? ''}` : 'no end event'}\n`);
    return 1;
  }
  const pkg = JSON.parse(await readFile(path.join(nodeIo.REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const file = buildArchitectureFileFromLog(log, {
    appVersion: pkg.version,
    includeLog: withLog,
    table: table ? { name: table.name, provenance: table.provenance } : undefined,
  });
  const m = file.metrics;
  const fmt = (v: number | null | undefined) => (typeof v === 'number' ? v.toFixed(2) : 'n/a');
  process.stdout.write(
    `found ${file.arch}\n  search score ${fmt(file.search?.score)}  ` +
      (config.evaluator === 'table' ? `reported ${config.table.reportColumn} ${fmt(m.reported)}` : `test acc ${fmt(m.testAcc)}%  val acc ${fmt(m.valAcc)}%`) +
      `  params ${file.cost.params}  flops ${file.cost.flops}\n`,
  );
  if (out !== undefined) {
    await writeFile(out, JSON.stringify(file, null, 2));
    process.stdout.write(`wrote ${out}\n`);
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

