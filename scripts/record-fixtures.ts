/**
 * npm run fixtures:record — records the event logs the e2e view specs replay (e2e/fixtures/).
 *
 * Each fixture is a real run of the CLI with --with-log: the same engine as the page, on the CPU
 * backend, at a scale that shows the method's signature view in a few minutes of CPU. The specs
 * then check the views from these logs in seconds instead of training in the browser. Regenerate
 * after a change to the event log's shape; `--only name[,name]` records some of them.
 *
 * Evolution and NAO search the NAS-Bench-201 table in ../shared/datasets (it cannot ship); the
 * others train on the shipped digits.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT_DIR = path.join(ROOT, 'e2e', 'fixtures');
const NB201 = path.resolve(ROOT, '..', 'shared', 'datasets', 'nas-bench-201', 'nb201_cifar10.csv');

interface Fixture {
  name: string;
  shows: string;
  args: string[];
  needs?: string;
}

export const FIXTURES: Fixture[] = [
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

function main(): number {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((n) => !FIXTURES.some((f) => f.name === n)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(`unknown fixture ${unknown.map((n) => `"${n}"`).join(', ')} (fixtures: ${FIXTURES.map((f) => f.name).join(', ')})\n`);
    return 2;
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const manifestPath = path.join(OUT_DIR, 'index.json');
  const manifest: Record<string, { shows: string; command: string; recorded: string; seconds: number }> = existsSync(manifestPath)
    ? JSON.parse(readFileSync(manifestPath, 'utf8'))
    : {};
  for (const f of FIXTURES) {
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
    // The command as a reader would type it, with the table path relative to the repo.
    const shown = args.map((a) => (a === NB201 ? '../shared/datasets/nas-bench-201/nb201_cifar10.csv' : a === out ? `e2e/fixtures/${f.name}.json` : a.startsWith('{') ? `'${a}'` : a));
    manifest[f.name] = { shows: f.shows, command: `npm run search -- ${shown.join(' ')}`, recorded: new Date().toISOString(), seconds };
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    process.stdout.write(`${f.name}: ${seconds} s\n`);
  }
  return 0;
}

process.exit(main());
