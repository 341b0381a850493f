/**
 * Records real runs with the CLI (--with-log): the same engine as the page, on the CPU backend.
 *
 *   npm run fixtures:record   e2e/fixtures/: small runs the e2e view specs replay in seconds
 *   npm run runs:record       public/runs/: the gallery, runs at a scale that shows each method
 *                              at work, which a class opens and plays back at once
 *
 * `--only name[,name]` records some of a set. Each set has an index.json with what each run shows,
 * the command that made it, the date and how long it took. Gallery runs keep every event except
 * training points, which are thinned to at most MAX_TRAIN per training (every k-th step, the last
 * one kept), so the files stay small without shortening the runs.
 *
 * Evolution and NAO on the NAS-Bench-201 table read it from ../shared/datasets (the table cannot
 * ship; the recorded log carries only the cells the run queried).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { applyEvent, emptyRun } from '../src/app/runState';
import type { RunEvent } from '../src/engine/core/events';

const ROOT = path.resolve(import.meta.dirname, '..');
const NB201 = path.resolve(ROOT, '..', 'shared', 'datasets', 'nas-bench-201', 'nb201_cifar10.csv');

interface Recording {
  name: string;
  /** One sentence on what the run shows, for the gallery card and the index. */
  shows: string;
  args: string[];
  needs?: string;
}

const FIXTURES: Recording[] = [
  {
    name: 'random-supernet',
    shows: 'random search with the weight-sharing supernet on the digits: training curve, candidates, leaderboard, the final retrain',
    args: ['--method', 'random', '--dataset', 'digits', '--evaluator', 'supernet', '--budget', '8', '--seed', '3', '--steps', '40', '--final-epochs', '1'],
  },
  {
    name: 'evolution-nb201',
    shows: 'regularised evolution on the NAS-Bench-201 table: population, tournaments, mutations, lifelines, regret',
    args: ['--method', 'evolution', '--evaluator', 'table', '--table', NB201, '--budget', '60', '--seed', '2'],
    needs: NB201,
  },
  {
    name: 'nao-nb201',
    shows: 'NAO on the NAS-Bench-201 table: the embedding with gradient trajectories, the predictor, rounds',
    args: ['--method', 'nao', '--evaluator', 'table', '--table', NB201, '--budget', '40', '--seed', '2'],
    needs: NB201,
  },
  {
    name: 'dna-digits',
    shows: 'DNA on the digits: per-block distillation losses, every candidate of every block rated, the budget search',
    args: [
      '--method', 'dna', '--dataset', 'digits', '--budget', '10', '--seed', '4', '--final-epochs', '1',
      '--method-settings', JSON.stringify({ dna: { students: { stepsPerBlock: 60, featureEvery: 20 }, rating: { calibration: 32, heldOut: 64 }, final: { randomBaselines: 1 } } }),
    ],
  },
  {
    name: 'cream-digits',
    shows: 'Cream on the digits: the prioritized path board filling and changing, matching scores, ρ',
    args: [
      '--method', 'cream', '--dataset', 'digits', '--budget', '10', '--seed', '4', '--final-epochs', '1',
      '--method-settings', JSON.stringify({ cream: { supernet: { steps: 160, warmup: 30 }, final: { valImages: 128 } } }),
    ],
  },
];


const GALLERY: Recording[] = [
  {
    name: 'random-digits',
    shows: 'Random search with a weight-sharing supernet: 300 supernet steps, 30 cells scored with the shared weights, the best retrained for 10 epochs.',
    args: ['--method', 'random', '--dataset', 'digits', '--evaluator', 'supernet', '--budget', '30', '--seed', '1'],
  },
  {
    name: 'random-nb201',
    shows: 'Random search on NAS-Bench-201 (CIFAR-10) for 100 queries, the same budget and seed as the evolution and NAO runs: the baseline their regret is judged against.',
    args: ['--method', 'random', '--evaluator', 'table', '--table', NB201, '--budget', '100', '--seed', '1'],
    needs: NB201,
  },
  {
    name: 'evolution-nb201',
    shows: 'Regularised evolution on NAS-Bench-201 (CIFAR-10) for 100 queries: tournaments, mutations, members retiring, regret falling.',
    args: ['--method', 'evolution', '--evaluator', 'table', '--table', NB201, '--budget', '100', '--seed', '1'],
    needs: NB201,
  },
  {
    name: 'nao-nb201',
    shows: 'NAO on NAS-Bench-201 for 100 queries: the predictor learns, seeds move along its gradient in the embedding, new cells are decoded round after round.',
    args: ['--method', 'nao', '--evaluator', 'table', '--table', NB201, '--budget', '100', '--seed', '1'],
    needs: NB201,
  },
  {
    name: 'nao-ws-digits',
    shows: 'NAO with weight sharing (NAO-WS) on the digits: the supernet trains on the pool every round and scores the decoded cells.',
    args: ['--method', 'nao', '--dataset', 'digits', '--evaluator', 'supernet', '--budget', '60', '--seed', '1', '--final-epochs', '5'],
  },
  {
    name: 'dna-digits',
    shows: 'DNA with its default distillation: each student block learns its teacher block, all 48 candidate paths are rated, the budgeted search picks one per block.',
    args: ['--method', 'dna', '--dataset', 'digits', '--seed', '1', '--final-epochs', '5'],
  },
  {
    name: 'cream-digits',
    shows: 'Cream with path distillation: past warm-up the board of best paths fills and changes, and the matching network picks which board path teaches.',
    args: ['--method', 'cream', '--dataset', 'digits', '--seed', '1', '--final-epochs', '5'],
  },
  {
    name: 'cream-digits-no-distill',
    shows: 'Cream with distillation off (plain one-shot with a board), the same seed: the board still fills, but no path teaches.',
    args: ['--method', 'cream', '--dataset', 'digits', '--seed', '1', '--final-epochs', '5', '--method-settings', JSON.stringify({ cream: { distill: { enabled: false } } })],
  },
];

const SETS: Record<string, { dir: string; runs: Recording[]; thin: boolean }> = {
  fixtures: { dir: path.join(ROOT, 'e2e', 'fixtures'), runs: FIXTURES, thin: false },
  gallery: { dir: path.join(ROOT, 'public', 'runs'), runs: GALLERY, thin: true },
};
const MAX_TRAIN = 400;

/** Keeps at most MAX_TRAIN training points per training (a run of `train` events whose step restarts), evenly spaced, the last kept. */
function thinTraining(log: RunEvent[]): { log: RunEvent[]; every: Record<string, number> } {
  // The page's own fold decides where a training starts (a new phase, or the step counter
  // restarting), so the thinning and the loss chart agree on what one training is.
  const fold = emptyRun();
  const trainAt: number[] = [];
  log.forEach((e, i) => {
    applyEvent(fold, e);
    if (e.type === 'train') trainAt.push(i);
  });
  const segments: number[][] = fold.segmentStarts.map((start, s) => trainAt.slice(start, fold.segmentStarts[s + 1] ?? trainAt.length));
  const drop = new Set<number>();
  const every: Record<string, number> = {};
  segments.forEach((seg, s) => {
    const k = Math.ceil(seg.length / MAX_TRAIN);
    if (k <= 1) return;
    every[`training ${s + 1} (${fold.train[fold.segmentStarts[s]].phase})`] = k;
    seg.forEach((idx, j) => {
      if (j % k !== k - 1 && j !== seg.length - 1) drop.add(idx);
    });
  });
  return { log: log.filter((_, i) => !drop.has(i)), every };
}

function main(): number {
  const { values } = parseArgs({ options: { set: { type: 'string', default: 'fixtures' }, only: { type: 'string' } } });
  const set = SETS[values.set!];
  if (!set) {
    process.stderr.write(`unknown set "${values.set}" (sets: ${Object.keys(SETS).join(', ')})\n`);
    return 2;
  }
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((n) => !set.runs.some((f) => f.name === n)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(`unknown run ${unknown.map((n) => `"${n}"`).join(', ')} (${values.set}: ${set.runs.map((f) => f.name).join(', ')})\n`);
    return 2;
  }
  const OUT_DIR = set.dir;
  mkdirSync(OUT_DIR, { recursive: true });
  const manifestPath = path.join(OUT_DIR, 'index.json');
  const manifest: Record<string, Record<string, unknown>> = existsSync(manifestPath)
    ? JSON.parse(readFileSync(manifestPath, 'utf8'))
    : {};
  for (const f of set.runs) {
    if (only && !only.includes(f.name)) continue;
    if (f.needs && !existsSync(f.needs)) {
      process.stderr.write(`${f.name}: needs ${path.relative(ROOT, f.needs)}, which is absent; not recorded\n`);
      return 1;
    }
    const out = path.join(OUT_DIR, `${f.name}.json`);
    const args = [...f.args, '--with-log', '--quiet', '--out', out];
    process.stdout.write(`recording ${f.name} …\n`);
    const t0 = Date.now();
    const r = spawnSync('npx', ['tsx', 'src/cli/search.ts', ...args], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) {
      process.stderr.write(`${f.name}: the CLI exited with ${r.status}\n`);
      return 1;
    }
    const seconds = Math.round((Date.now() - t0) / 1000);
    let thinned: Record<string, number> | undefined;
    const file = JSON.parse(readFileSync(out, 'utf8'));
    if (set.thin) {
      const t = thinTraining(file.log);
      file.log = t.log;
      thinned = Object.keys(t.every).length > 0 ? t.every : undefined;
      writeFileSync(out, JSON.stringify(file));
    }
    const about = { method: file.config.method, dataset: file.config.dataset, space: file.space, evaluator: file.config.evaluator, events: file.log.length };
    // The command as a reader would type it, with the table path relative to the repo.
    const shown = args.map((a) => (a === NB201 ? '../shared/datasets/nas-bench-201/nb201_cifar10.csv' : a === out ? path.relative(ROOT, out) : a.startsWith('{') ? `'${a}'` : a));
    manifest[f.name] = { shows: f.shows, ...about, command: `npm run search -- ${shown.join(' ')}`, recorded: new Date().toISOString(), seconds, ...(thinned ? { thinned } : {}) };
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    process.stdout.write(`${f.name}: ${seconds} s\n`);
  }
  return 0;
}

process.exit(main());
