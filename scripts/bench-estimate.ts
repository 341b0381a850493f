/**
 * npm run bench:estimate — how good the page's "about N s" is. For each method's preset it times
 * the calibration step (the one the worker times when it picks a backend), runs the preset for
 * real in Node (CPU backend, digits) and compares the run's wall time with the estimate made
 * before it started, and the re-estimates made a quarter and half-way through with the time that
 * was actually left. Rewrites the `bench:estimate` block of docs/benchmarks.md.
 *
 *   npx tsx scripts/bench-estimate.ts                      Quick presets of every method
 *   npx tsx scripts/bench-estimate.ts --methods random,nao --preset thorough
 *   npx tsx scripts/bench-estimate.ts --no-write           print only
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadDatasetFromDisk, loadTeacherFromDisk, REPO_ROOT } from '../src/cli/nodeIo';
import { withDefaults, type MethodId } from '../src/engine/core/config';
import type { RunEvent } from '../src/engine/core/events';
import { RunController } from '../src/engine/core/runLoop';
import { measureSupernetThroughput } from '../src/engine/evaluate/throughput';
import { METHOD_CATALOG, presetConfig, PRESET_IDS, type PresetId } from '../src/engine/methods/catalog';
import { countEvent, emptyCounts, estimateRun, planWork, workDone } from '../src/engine/methods/workPlan';
import { runSearch } from '../src/engine/run';
import { mdTable, updateDoc } from './lib/benchDoc';
import { machineLine, setupNodeTf, softwareLine } from './lib/tfNode';

const { values: args } = parseArgs({
  options: {
    methods: { type: 'string' },
    preset: { type: 'string', default: 'quick' },
    'no-write': { type: 'boolean', default: false },
  },
});
const preset = args.preset as PresetId;
if (!PRESET_IDS.includes(preset)) {
  console.error(`--preset must be one of ${PRESET_IDS.join(', ')} (got "${args.preset}")`);
  process.exit(2);
}
const allIds = METHOD_CATALOG.map((m) => m.id);
const methods = (args.methods?.split(',').map((m) => m.trim()) ?? allIds) as MethodId[];
const unknown = methods.filter((m) => !allIds.includes(m));
if (unknown.length) {
  console.error(`--methods: unknown ${unknown.join(', ')} (methods: ${allIds.join(', ')})`);
  process.exit(2);
}

await setupNodeTf();
const dataset = await loadDatasetFromDisk('digits');
const teacher = await loadTeacherFromDisk('digits');
const load = () => (process.platform === 'linux' ? readFileSync('/proc/loadavg', 'utf8').split(' ')[0] : 'n/a');

/** The worker's calibration, with more steps: this bench wants the rate, not a quick answer. */
async function calibrate(): Promise<number> {
  const r = await measureSupernetThroughput(dataset, { steps: 8, warmup: 2, batchSize: 64 });
  return r.msPerStep;
}

interface Row {
  method: MethodId;
  msPerStep: number;
  estimate: number;
  actual: number;
  at25: { estimate: number; actual: number } | null;
  at50: { estimate: number; actual: number } | null;
}

const rows: Row[] = [];
for (const method of methods) {
  const msPerStep = await calibrate();
  const config = withDefaults({ ...presetConfig(method, preset), dataset: 'digits', evaluator: 'supernet', seed: 1 });
  const stages = planWork(config);
  const before = estimateRun(stages, msPerStep);
  const counts = emptyCounts();
  const checkpoints: { fraction: number; elapsedMs: number; remaining: number }[] = [];
  const t0 = performance.now();
  const controller = new RunController();
  controller.start();
  let failed: string | null = null;
  // When each stage's share of the work last grew: consecutive differences are the stages' times.
  const stageEnd = stages.map(() => 0);
  const stageDone = stages.map(() => 0);
  await runSearch(config, { dataset, files: config.method === 'dna' ? teacher : undefined }, controller, (e: RunEvent) => {
    countEvent(counts, e);
    stages.forEach((st, i) => {
      const d = workDone([st], counts);
      if (d !== stageDone[i]) {
        stageDone[i] = d;
        stageEnd[i] = performance.now() - t0;
      }
    });
    if (e.type === 'run-end' && e.status !== 'completed') failed = e.message ?? e.status;
    const elapsedMs = performance.now() - t0;
    const est = estimateRun(stages, msPerStep, { counts, elapsedMs });
    const want = checkpoints.length === 0 ? 0.25 : checkpoints.length === 1 ? 0.5 : 2;
    if (est.fraction >= want) checkpoints.push({ fraction: est.fraction, elapsedMs, remaining: est.remainingSeconds });
  });
  if (failed) throw new Error(`${method}: the run failed: ${failed}`);
  const actual = (performance.now() - t0) / 1000;
  const at = (i: number) => (checkpoints[i] ? { estimate: checkpoints[i].remaining, actual: actual - checkpoints[i].elapsedMs / 1000 } : null);
  const row: Row = { method, msPerStep, estimate: before.totalSeconds, actual, at25: at(0), at50: at(1) };
  rows.push(row);
  console.log(`${method}: calibration ${msPerStep.toFixed(0)} ms/step; estimated ${row.estimate.toFixed(1)} s, took ${actual.toFixed(1)} s` + (row.at25 ? `; at 25 %: ${row.at25.estimate.toFixed(1)} s left estimated, ${row.at25.actual.toFixed(1)} s actually` : '') + (row.at50 ? `; at 50 %: ${row.at50.estimate.toFixed(1)} s left estimated, ${row.at50.actual.toFixed(1)} s actually` : ''));
  stages.forEach((s, i) => {
    const took = (stageEnd[i] - (i > 0 ? stageEnd[i - 1] : 0)) / 1000;
    console.log(`    ${s.label}: ${s.units} ${s.unit} × ${s.cost.toFixed(2)} = ${((s.units * s.cost * msPerStep) / 1000).toFixed(1)} s planned; about ${took.toFixed(1)} s measured (${((took * 1000) / msPerStep / s.units).toFixed(2)} calibration steps per ${s.unit.replace(/s$/, '')})`);
  });
}

const f = (x: number) => x.toFixed(1);
const ratio = (e: number, a: number) => `${(e / a).toFixed(2)}×`;
const body = [
  `\`npm run bench:estimate\` on ${new Date().toISOString().slice(0, 10)} (${machineLine()}; ${softwareLine()}; load average ${load()} at the end): each method's ${preset === 'quick' ? 'Quick' : 'Thorough'} preset on the digits with the supernet evaluator, run for real. "Estimate" is what the page shows before Start (the plan in src/engine/methods/workPlan.ts at the calibration's rate); the re-estimates are the time left the page showed a quarter and half-way through the planned work, beside the time that was actually left.`,
  '',
  mdTable(
    ['method', 'calibration (ms / step)', 'estimate before Start (s)', 'actual (s)', 'estimate ÷ actual', 'left at 25 %: est. / actual (s)', 'left at 50 %: est. / actual (s)'],
    rows.map((r) => [r.method, r.msPerStep.toFixed(0), f(r.estimate), f(r.actual), ratio(r.estimate, r.actual), r.at25 ? `${f(r.at25.estimate)} / ${f(r.at25.actual)}` : '—', r.at50 ? `${f(r.at50.estimate)} / ${f(r.at50.actual)}` : '—']),
    ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
  ),
].join('\n');
console.log(`\n${body}`);
if (!args['no-write']) {
  const docPath = path.join(REPO_ROOT, 'docs', 'benchmarks.md');
  writeFileSync(docPath, updateDoc(existsSync(docPath) ? readFileSync(docPath, 'utf8') : null, { estimate: body }, 'bench'));
  console.log(`wrote ${path.relative(REPO_ROOT, docPath)}`);
}
