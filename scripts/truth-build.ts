/**
 * npm run truth:build — trains the ground-truth tables (scripts/lib/truth.ts) and writes
 * public/benchmarks/*.csv and public/benchmarks/index.json.
 *
 *   npx tsx scripts/truth-build.ts                 build every table (resumes from runs/truth/)
 *   npx tsx scripts/truth-build.ts --workers 2     two processes, one core each
 *   npx tsx scripts/truth-build.ts --only <id>     one table
 *   npx tsx scripts/truth-build.ts --time 4        time 4 trainings and print a cost estimate, write nothing
 *   npx tsx scripts/truth-build.ts --write-only    rewrite the CSVs and index from the progress logs
 *   npx tsx scripts/truth-build.ts --seeds 0       only these of each table's seeds (to train, or to write a partial table)
 *
 * Every finished training is appended to runs/truth/<table>.<shard>.jsonl, so a stopped build
 * resumes where it stopped; a log written under another recipe is refused, not mixed in.
 */
import { fork } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadDatasetFromDisk, REPO_ROOT } from '../src/cli/nodeIo';
import { DeviceData } from '../src/engine/nn/trainer';
import { type BenchmarkTable, parseBenchmarkCsv } from '../src/engine/evaluate/table';
import { kendallTau, mean } from '../src/engine/core/metrics';
import { defaultMacro } from '../src/engine/nn/macro';
import { formatCell, NB201_EDGES } from '../src/engine/spaces/nb201';
import type { BenchmarkIndex, BenchmarkIndexEntry } from '../src/app/panels/benchmark/benchmarkIndex';
import { mdTable, updateDoc } from './lib/benchDoc';
import { BENCHMARKS_DIR } from './lib/tables';
import { fmtSeconds, machineLine, setupNodeTf, softwareLine } from './lib/tfNode';
import {
  recipeFingerprint,
  recipeText,
  tableCells,
  trainTruth,
  TRUTH_COLUMN_DOCS,
  TRUTH_DATASET,
  TRUTH_RECIPE,
  TRUTH_TABLES,
  truthCsv,
  type TruthResult,
  type TruthTableSpec,
} from './lib/truth';

const PROGRESS_DIR = path.join(REPO_ROOT, 'runs', 'truth');
const GROUND_TRUTH_DOC = path.join(REPO_ROOT, 'docs', 'ground-truth.md');
const BUILD_LOG = path.join(PROGRESS_DIR, 'build-log.jsonl');
const COMMAND = 'npm run truth:build';

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: '1' },
    shard: { type: 'string' },
    only: { type: 'string' },
    seeds: { type: 'string' },
    time: { type: 'string' },
    'write-only': { type: 'boolean', default: false },
  },
});

const macro = defaultMacro(TRUTH_DATASET);
const fingerprint = recipeFingerprint(macro);
const seedFilter = args.seeds?.split(',').map(Number);
const TABLES: TruthTableSpec[] = TRUTH_TABLES.map((t) => (seedFilter ? { ...t, seeds: t.seeds.filter((s) => seedFilter.includes(s)) } : t));
const specs = TABLES.filter((t) => !args.only || t.id === args.only);
if (specs.length === 0) throw new Error(`no table "${args.only}" (tables: ${TRUTH_TABLES.map((t) => t.id).join(', ')})`);
if (specs.some((s) => s.seeds.length === 0)) throw new Error(`--seeds ${args.seeds} leaves a table with no seeds`);

interface Job {
  spec: TruthTableSpec;
  arch: string;
  seed: number;
}

/** Seed-major order: a build stopped half-way already holds one full seed of every table. */
function allJobs(): Job[] {
  const jobs: Job[] = [];
  const seeds = [...new Set(specs.flatMap((s) => s.seeds))].sort((a, b) => a - b);
  for (const seed of seeds) {
    for (const spec of specs) {
      if (!spec.seeds.includes(seed)) continue;
      for (const cell of tableCells(spec)) jobs.push({ spec, arch: formatCell(cell), seed });
    }
  }
  return jobs;
}

const key = (table: string, arch: string, seed: number) => `${table}|${seed}|${arch}`;

/** Results from every progress log of a table; refuses logs written under another recipe. */
function readProgress(spec: TruthTableSpec): TruthResult[] {
  if (!existsSync(PROGRESS_DIR)) return [];
  const out: TruthResult[] = [];
  for (const name of readdirSync(PROGRESS_DIR).filter((n) => n.startsWith(`${spec.id}.`) && n.endsWith('.jsonl'))) {
    const lines = readFileSync(path.join(PROGRESS_DIR, name), 'utf8').split('\n').filter((l) => l.trim() !== '');
    lines.forEach((line, i) => {
      const rec = JSON.parse(line) as { fingerprint?: string } & TruthResult;
      if (i === 0) {
        if (rec.fingerprint !== fingerprint) {
          throw new Error(`${path.join('runs/truth', name)} was written with another recipe or network (${rec.fingerprint}); delete runs/truth/ to rebuild from scratch`);
        }
        return;
      }
      out.push(rec);
    });
  }
  return out;
}

/**
 * When the build ran: runs/truth/build-log.jsonl holds one line per training invocation (start,
 * end, worker processes). Invocations from before that log existed are reconstructed once from
 * their progress logs' file times (a log is named by its shard, `0of3`, so files sharing a worker
 * count came from one invocation) and marked as reconstructed.
 */
interface BuildLogEntry {
  startedAt: string;
  endedAt: string;
  workers: number;
  trainings: number;
  source: 'measured' | 'reconstructed from progress-log file times';
}

function readBuildLog(): BuildLogEntry[] {
  if (existsSync(BUILD_LOG)) {
    return readFileSync(BUILD_LOG, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as BuildLogEntry);
  }
  if (!existsSync(PROGRESS_DIR)) return [];
  const groups = new Map<number, BuildLogEntry & { start: number; end: number }>();
  for (const name of readdirSync(PROGRESS_DIR).filter((n) => /\.\d+of\d+\.jsonl$/.test(n))) {
    const file = path.join(PROGRESS_DIR, name);
    const st = statSync(file);
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
    const firstSeconds = lines[1] ? (JSON.parse(lines[1]) as TruthResult).seconds : 0;
    const workers = Number(/of(\d+)\.jsonl$/.exec(name)![1]);
    const g = groups.get(workers) ?? { startedAt: '', endedAt: '', workers, trainings: 0, source: 'reconstructed from progress-log file times', start: Infinity, end: 0 };
    g.start = Math.min(g.start, (st.birthtimeMs || st.mtimeMs) - 1000 * firstSeconds);
    g.end = Math.max(g.end, st.mtimeMs);
    g.trainings += lines.length - 1;
    groups.set(workers, g);
  }
  const entries = [...groups.values()]
    .sort((a, b) => a.start - b.start)
    .map(({ start, end, ...e }) => ({ ...e, startedAt: new Date(start).toISOString(), endedAt: new Date(end).toISOString() }));
  if (entries.length > 0) writeFileSync(BUILD_LOG, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
  return entries;
}

function appendBuildLog(e: BuildLogEntry): void {
  readBuildLog(); // reconstructs the earlier invocations first, if the log is new
  mkdirSync(PROGRESS_DIR, { recursive: true });
  appendFileSync(BUILD_LOG, `${JSON.stringify(e)}\n`);
}

function wallLine(): string {
  const log = readBuildLog();
  if (log.length === 0) return 'not recorded';
  const start = Math.min(...log.map((e) => Date.parse(e.startedAt)));
  const end = Math.max(...log.map((e) => Date.parse(e.endedAt)));
  const busy = log.reduce((sum, e) => sum + (Date.parse(e.endedAt) - Date.parse(e.startedAt)), 0);
  const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);
  const runs = log.map((e) => `${hhmm(Date.parse(e.startedAt))}–${hhmm(Date.parse(e.endedAt))} with ${e.workers} worker(s)${e.source === 'measured' ? '' : ' (reconstructed)'}`);
  return `${fmtSeconds(busy / 1000)} of building in ${log.length} invocation(s) on ${new Date(start).toISOString().slice(0, 10)} UTC, ${runs.join('; ')}, ${fmtSeconds((end - start) / 1000)} from the first training to the last; both tables were built together, on a machine shared with other jobs (runs/truth/build-log.jsonl)`;
}

function progressFile(spec: TruthTableSpec, shard: string): string {
  const file = path.join(PROGRESS_DIR, `${spec.id}.${shard.replace('/', 'of')}.jsonl`);
  if (!existsSync(file)) {
    mkdirSync(PROGRESS_DIR, { recursive: true });
    writeFileSync(file, `${JSON.stringify({ fingerprint })}\n`);
  }
  return file;
}

async function runJobs(jobs: Job[], shardLabel: string): Promise<void> {
  await setupNodeTf();
  const data = new DeviceData(await loadDatasetFromDisk(TRUTH_DATASET));
  const t0 = performance.now();
  let done = 0;
  for (const job of jobs) {
    const r = await trainTruth(data, macro, job.arch, job.seed, job.spec.id);
    appendFileSync(progressFile(job.spec, shardLabel), `${JSON.stringify(r)}\n`);
    done++;
    const elapsed = (performance.now() - t0) / 1000;
    const eta = (elapsed / done) * (jobs.length - done);
    console.log(
      `[${shardLabel} ${done}/${jobs.length}] ${job.spec.id} seed ${job.seed} ${job.arch}  val ${r.valAcc.toFixed(2)}  test ${r.testAcc.toFixed(2)}  (${r.seconds.toFixed(1)} s; eta ${fmtSeconds(eta)})`,
    );
  }
  data.dispose();
}

/** One table's figures for docs/ground-truth.md, computed from the file just written. */
function summaryRows(spec: TruthTableSpec, table: BenchmarkTable, results: TruthResult[]): (string | number)[][] {
  const rows = [...table.rows.entries()];
  const test = rows.map(([, r]) => r.test_acc).sort((a, b) => a - b);
  const best = rows.reduce((b, r) => (r[1].test_acc > b[1].test_acc ? r : b));
  const bestVal = rows.reduce((b, r) => (r[1].val_acc > b[1].val_acc ? r : b));
  const q = (p: number) => test[Math.min(test.length - 1, Math.floor(p * test.length))].toFixed(2);
  const seedTaus: string[] = [];
  for (let i = 0; i < spec.seeds.length; i++) {
    for (let j = i + 1; j < spec.seeds.length; j++) {
      const a = spec.seeds[i];
      const b = spec.seeds[j];
      seedTaus.push(`${a}/${b}: ${kendallTau(rows.map(([, r]) => r[`test_acc_s${a}`]), rows.map(([, r]) => r[`test_acc_s${b}`])).toFixed(3)}`);
    }
  }
  const compute = results.reduce((s, r) => s + r.seconds, 0);
  return [
    ['cells × seeds', `${rows.length} × ${spec.seeds.length}`],
    ['test_acc: min / median / max', `${q(0)} / ${q(0.5)} / ${test[test.length - 1].toFixed(2)}`],
    ['best by test_acc', `${best[1].test_acc.toFixed(2)} ± ${best[1].test_acc_std.toFixed(2)} — \`${best[0]}\``],
    ['best by val_acc (what a search on val_acc aims at)', `val ${bestVal[1].val_acc.toFixed(2)}, test ${bestVal[1].test_acc.toFixed(2)} — \`${bestVal[0]}\``],
    ['seed noise: mean std of test_acc over seeds', mean(rows.map(([, r]) => r.test_acc_std)).toFixed(2)],
    ['Kendall τ of test_acc between seeds', seedTaus.join(', ') || '–'],
    ['Kendall τ of val_acc vs test_acc (means)', kendallTau(rows.map(([, r]) => r.val_acc), rows.map(([, r]) => r.test_acc)).toFixed(3)],
    ['training time: total / per training', `${fmtSeconds(compute)} / ${(compute / results.length).toFixed(1)} s`],
  ];
}

/** Rewrites each complete table and index.json from the progress logs. */
function writeTables(): void {
  const entries: BenchmarkIndexEntry[] = [];
  const summaries: string[] = [];
  const indexFile = path.join(BENCHMARKS_DIR, 'index.json');
  const previous = existsSync(indexFile) ? (JSON.parse(readFileSync(indexFile, 'utf8')) as BenchmarkIndex).tables : [];
  mkdirSync(BENCHMARKS_DIR, { recursive: true });
  for (const spec of TABLES) {
    const cells = tableCells(spec);
    const archs = new Set(cells.map(formatCell));
    // Only this spec's cells and seeds (a log may hold more, e.g. a seed since dropped from the spec).
    const results = specs.includes(spec) ? readProgress(spec).filter((r) => spec.seeds.includes(r.seed) && archs.has(r.arch)) : [];
    const want = cells.length * spec.seeds.length;
    const have = new Set(results.map((r) => key(r.table, r.arch, r.seed))).size;
    if (!specs.includes(spec) || have < want) {
      if (specs.includes(spec)) console.log(`${spec.id}: ${have}/${want} trainings done — table not written yet`);
      const kept = previous.find((p) => p.id === spec.id);
      if (kept && existsSync(path.join(BENCHMARKS_DIR, kept.file))) entries.push(kept);
      continue;
    }
    const compute = results.reduce((s, r) => s + r.seconds, 0);
    const spaceSize = spec.ops.length ** NB201_EDGES.length;
    const provenance: [string, string][] = [
      ['title', spec.title],
      ['table', `${spec.id} (${spec.kind}: ${cells.length} of ${spaceSize} cells)`],
      ['space', `NAS-Bench-201 cell (4 nodes, 6 edges); ops: ${spec.ops.join(', ')}`],
      ...(spec.kind === 'sample'
        ? ([['sample', `${spec.count} distinct cells, uniform per edge, new Rng(${spec.sampleSeed}).fork('truth/sample') (scripts/lib/truth.ts)`]] as [string, string][])
        : []),
      ['dataset', 'digits — UCI Optical Recognition of Handwritten Digits via scikit-learn, 1,797 images 8×8 (CC BY 4.0)'],
      ['split', 'shuffle with split seed 20201: train 1078 / val 359 / test 360; pixels /16, standardised with train mean/std (src/engine/data/datasets.ts)'],
      ['network', `NB-201 macro skeleton, C = ${macro.channels}, ${macro.cellsPerStage} cell(s) per stage, 3 stages (src/engine/nn/macro.ts defaultMacro)`],
      ['recipe', `${recipeText(TRUTH_RECIPE)}; trained on train, val_acc on val, test_acc on test (trainStandalone, src/engine/evaluate/standalone.ts)`],
      ['seeds', `${spec.seeds.join(', ')}; each training draws from new Rng(seed).fork('truth/' + arch)`],
      ['columns', Object.entries(TRUTH_COLUMN_DOCS).map(([k, v]) => `${k} = ${v}`).join('; ')],
      ['software', softwareLine()],
      ['machine', machineLine()],
      ['date', new Date().toISOString()],
      ['compute', `${fmtSeconds(compute)} of training summed over ${results.length} trainings (${(compute / results.length).toFixed(1)} s each on average)`],
      ['wall time', wallLine()],
      ['command', COMMAND],
    ];
    const csv = truthCsv(spec, cells, results, macro, provenance);
    const table = parseBenchmarkCsv(csv, spec.file); // what the page will read must parse
    writeFileSync(path.join(BENCHMARKS_DIR, spec.file), csv);
    console.log(`wrote public/benchmarks/${spec.file}: ${table.rows.size} rows, ${table.columns.length} numeric columns`);
    summaries.push(`### \`${spec.file}\`\n\n${mdTable(['', spec.title], summaryRows(spec, table, results))}`);
    entries.push({
      id: spec.id,
      file: spec.file,
      title: spec.title,
      description: `${spec.description} Seeds: ${spec.seeds.join(', ')}.`,
      kind: spec.kind,
      searchable: spec.kind === 'exhaustive',
      space: 'nb201',
      ops: spec.ops,
      rows: table.rows.size,
      spaceSize,
      columns: table.columns,
      defaultSearchColumn: 'val_acc',
      defaultReportColumn: 'test_acc',
      dataset: TRUTH_DATASET,
      recipe: recipeText(TRUTH_RECIPE),
      seeds: spec.seeds,
    });
  }
  const index: BenchmarkIndex = { schema: 1, generated: new Date().toISOString(), command: COMMAND, tables: entries };
  writeFileSync(indexFile, `${JSON.stringify(index, null, 2)}\n`);
  console.log(`wrote public/benchmarks/index.json: ${entries.map((e) => e.id).join(', ') || 'no tables'}`);
  if (summaries.length > 0 && existsSync(GROUND_TRUTH_DOC)) {
    const body = `Measured by \`${COMMAND}\` on ${new Date().toISOString().slice(0, 10)} (${softwareLine()}; ${machineLine()}). Training times are wall-clock on a machine shared with other work.\n\n${summaries.join('\n\n')}`;
    writeFileSync(GROUND_TRUTH_DOC, updateDoc(readFileSync(GROUND_TRUTH_DOC, 'utf8'), { summary: body }, 'truth'));
    console.log('updated the summary block of docs/ground-truth.md');
  }
}

async function timeSome(n: number): Promise<void> {
  await setupNodeTf();
  const data = new DeviceData(await loadDatasetFromDisk(TRUTH_DATASET));
  console.log(`timing ${n} trainings per table with the truth recipe: ${recipeText(TRUTH_RECIPE)}`);
  console.log(softwareLine());
  let total = 0;
  for (const spec of specs) {
    const cells = tableCells(spec).slice();
    // Spread the picks over the table so cheap and expensive cells both appear.
    const picks = Array.from({ length: Math.min(n, cells.length) }, (_, i) => cells[Math.floor((i * cells.length) / n)]);
    let sum = 0;
    for (const cell of picks) {
      const r = await trainTruth(data, macro, formatCell(cell), spec.seeds[0], spec.id);
      sum += r.seconds;
      console.log(`  ${spec.id} ${r.arch}  val ${r.valAcc.toFixed(2)} test ${r.testAcc.toFixed(2)}  ${r.seconds.toFixed(1)} s`);
    }
    const perTraining = sum / picks.length;
    const est = perTraining * cells.length * spec.seeds.length;
    total += est;
    console.log(`${spec.id}: ${perTraining.toFixed(1)} s per training × ${cells.length} cells × ${spec.seeds.length} seeds ≈ ${fmtSeconds(est)} on one core`);
  }
  console.log(`estimated total: ${fmtSeconds(total)} on one core`);
  data.dispose();
}

async function main(): Promise<void> {
  const t0 = performance.now();
  if (args.time) return timeSome(Number(args.time));
  if (args.shard) {
    const [i, n] = args.shard.split('/').map(Number);
    const done = new Set(specs.flatMap((s) => readProgress(s)).map((r) => key(r.table, r.arch, r.seed)));
    const jobs = allJobs().filter((j, k) => k % n === i && !done.has(key(j.spec.id, j.arch, j.seed)));
    return runJobs(jobs, args.shard);
  }
  // The provenance line names the backend the tables were trained on, also when only rewriting them.
  await setupNodeTf();
  if (!args['write-only']) {
    const done = new Set(specs.flatMap((s) => readProgress(s)).map((r) => key(r.table, r.arch, r.seed)));
    const jobs = allJobs();
    const todo = jobs.filter((j) => !done.has(key(j.spec.id, j.arch, j.seed)));
    const workers = Math.max(1, Number(args.workers));
    console.log(`${COMMAND}: ${jobs.length} trainings in ${specs.map((s) => s.id).join(', ')}; ${jobs.length - todo.length} already done, ${todo.length} to go on ${workers} worker(s)`);
    console.log(`recipe: ${recipeText(TRUTH_RECIPE)}`);
    if (todo.length > 0) {
      const startedAt = new Date().toISOString();
      if (workers === 1) await runJobs(todo, '0/1');
      else {
        // Each worker takes every n-th job still to do; a process per core, since tfjs-cpu is single-threaded.
        const forwarded = process.argv.slice(2).filter((a, i, all) => a !== '--workers' && all[i - 1] !== '--workers');
        await Promise.all(
          Array.from({ length: workers }, (_, i) =>
            new Promise<void>((resolve, reject) => {
              const child = fork(process.argv[1], [...forwarded, '--shard', `${i}/${workers}`], { stdio: 'inherit' });
              child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker ${i} exited with ${code}`))));
            }),
          ),
        );
      }
      appendBuildLog({ startedAt, endedAt: new Date().toISOString(), workers, trainings: todo.length, source: 'measured' });
    }
  }
  writeTables();
  console.log(`total wall time: ${fmtSeconds((performance.now() - t0) / 1000)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
