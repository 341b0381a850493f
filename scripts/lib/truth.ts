import { type StandaloneSettings, withDefaults } from '../../src/engine/core/config';
import { makeContext, RunController } from '../../src/engine/core/runLoop';
import { Rng } from '../../src/engine/core/rng';
import { mean, std } from '../../src/engine/core/metrics';
import { trainStandalone } from '../../src/engine/evaluate/standalone';
import { type DeviceData, recipeText } from '../../src/engine/nn/trainer';
import { type MacroConfig, nb201Cost } from '../../src/engine/nn/macro';
import { cellFromString, formatCell, NB201_EDGES, NB201_OPS, type Nb201Cell, type Nb201Op, sampleCell } from '../../src/engine/spaces/nb201';

/**
 * The project's own ground truth: architectures trained standalone on the digits with ONE fixed
 * recipe and several seeds. Everything a row depends on is named here and written into the
 * table's provenance, so any row can be recomputed alone.
 */

/**
 * The recipe, sized by measurement on the 2-core build machine (docs/ground-truth.md): the
 * standalone evaluator's default recipe (3 epochs), so a table row is what that evaluator
 * measures, averaged over seeds. Longer training did not fit the hour the build may take.
 */
export const TRUTH_RECIPE: StandaloneSettings = { epochs: 3, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 };
export const TRUTH_DATASET = 'digits' as const;

/**
 * Each training draws from `new Rng(seed).fork('truth/' + arch)`: weight init and batch order
 * depend on the seed and the architecture only — not on the table or the order of the build.
 */
export function truthRng(seed: number, arch: string): Rng {
  return new Rng(seed).fork(`truth/${arch}`);
}

export interface TruthTableSpec {
  id: string;
  file: string;
  title: string;
  description: string;
  kind: 'exhaustive' | 'sample';
  ops: Nb201Op[];
  seeds: number[];
  /** For 'sample': how many distinct cells, drawn with `new Rng(sampleSeed).fork('truth/sample')`. */
  count?: number;
  sampleSeed?: number;
}

/*
 * The block space's ground truth (DNA, Cream) is built by scripts/harness/dna-ranking.harness.ts
 * (public/benchmarks/blocks-digits.csv): it is a ranking truth only, not a table any search runs on.
 */
export const TRUTH_TABLES: TruthTableSpec[] = [
  {
    id: 'digits-nb201-skip-conv3-exhaustive',
    file: 'digits-nb201-skip-conv3-exhaustive.csv',
    title: 'Digits · NB-201 cell with {skip, conv 3×3}: all 64 cells',
    description:
      'Every cell of the NAS-Bench-201 cell space restricted to skip_connect and nor_conv_3x3 (2^6 = 64 cells), each trained from scratch on the digits. Small enough to search with any budget and know the true optimum.',
    kind: 'exhaustive',
    ops: ['skip_connect', 'nor_conv_3x3'],
    seeds: [0, 1],
  },
  {
    id: 'digits-nb201-sample100',
    file: 'digits-nb201-sample100.csv',
    title: 'Digits · NB-201 cell, all 5 ops: 100 sampled cells',
    description:
      'A seeded uniform sample of 100 distinct cells from the full NAS-Bench-201 cell space (15,625 cells), each trained from scratch on the digits. Ground truth for ranking (Kendall τ of supernet scores); not a search benchmark, since a search proposes cells the sample lacks.',
    kind: 'sample',
    ops: [...NB201_OPS],
    seeds: [0, 1],
    count: 100,
    sampleSeed: 201,
  },
];

/** Every cell whose ops all come from `ops`, in lexicographic order of `ops`. */
export function enumerateCells(ops: readonly Nb201Op[]): Nb201Cell[] {
  const out: Nb201Cell[] = [];
  const n = ops.length ** NB201_EDGES.length;
  for (let i = 0; i < n; i++) {
    const cellOps: Nb201Op[] = [];
    let k = i;
    for (let e = 0; e < NB201_EDGES.length; e++) {
      cellOps.unshift(ops[k % ops.length]);
      k = Math.floor(k / ops.length);
    }
    out.push({ ops: cellOps });
  }
  return out;
}

export function sampleDistinctCells(count: number, ops: readonly Nb201Op[], seed: number): Nb201Cell[] {
  const rng = new Rng(seed).fork('truth/sample');
  const seen = new Set<string>();
  const out: Nb201Cell[] = [];
  const space = ops.length ** NB201_EDGES.length;
  if (count > space) throw new Error(`cannot sample ${count} distinct cells from a space of ${space}`);
  while (out.length < count) {
    const c = sampleCell(rng, ops);
    const a = formatCell(c);
    if (seen.has(a)) continue;
    seen.add(a);
    out.push(c);
  }
  return out;
}

export function tableCells(spec: TruthTableSpec): Nb201Cell[] {
  if (spec.kind === 'exhaustive') return enumerateCells(spec.ops);
  return sampleDistinctCells(spec.count!, spec.ops, spec.sampleSeed!);
}

/** One training's outcome, as appended to the progress log. */
export interface TruthResult {
  table: string;
  arch: string;
  seed: number;
  valAcc: number;
  testAcc: number;
  valLoss: number;
  testLoss: number;
  trainLoss: number;
  seconds: number;
}

/** A fingerprint of everything that changes a row: a progress log written under another one is not reused. */
export function recipeFingerprint(macro: MacroConfig, recipe: StandaloneSettings = TRUTH_RECIPE): string {
  return JSON.stringify({ dataset: TRUTH_DATASET, recipe, macro, rng: 'new Rng(seed).fork(truth/<arch>)' });
}

/** Trains one cell with the truth recipe and one seed — trainStandalone, the code path of the standalone evaluator. */
export async function trainTruth(data: DeviceData, macro: MacroConfig, arch: string, seed: number, table: string, recipe: StandaloneSettings = TRUTH_RECIPE): Promise<TruthResult> {
  const controller = new RunController();
  controller.start();
  const config = withDefaults({ dataset: TRUTH_DATASET, seed, standalone: recipe });
  const ctx = makeContext(config, controller, () => {}, 'cpu');
  const cell = cellFromString(arch);
  const t0 = performance.now();
  const r = await trainStandalone(ctx, cell, recipe, data, macro, truthRng(seed, arch), 'search', true);
  return {
    table,
    arch,
    seed,
    valAcc: r.valAcc,
    testAcc: r.testAcc!,
    valLoss: r.valLoss,
    testLoss: r.testLoss!,
    trainLoss: r.trainLoss,
    seconds: (performance.now() - t0) / 1000,
  };
}

export const TRUTH_COLUMN_DOCS: Record<string, string> = {
  val_acc: 'validation accuracy %, mean over seeds',
  test_acc: 'test accuracy %, mean over seeds',
  val_acc_std: 'sample std of val_acc over seeds',
  test_acc_std: 'sample std of test_acc over seeds',
  'val_acc_s<k>': 'validation accuracy % of seed k',
  'test_acc_s<k>': 'test accuracy % of seed k',
  train_loss: 'final training loss (mean of the last 10 steps), mean over seeds',
  params_m: 'trainable parameters of the standalone network, millions (nb201Cost)',
  flops_m: 'conv + linear multiply-accumulates per image, millions (nb201Cost, as NAS-Bench-201 counts FLOPs)',
};

const f = (v: number, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : '');

/** CSV text in the format parseBenchmarkCsv reads: '# key: value' provenance, header, one row per cell. */
export function truthCsv(spec: TruthTableSpec, cells: Nb201Cell[], results: TruthResult[], macro: MacroConfig, provenance: [string, string][]): string {
  const byArch = new Map<string, Map<number, TruthResult>>();
  for (const r of results) {
    if (!byArch.has(r.arch)) byArch.set(r.arch, new Map());
    byArch.get(r.arch)!.set(r.seed, r);
  }
  const header = [
    'arch',
    'val_acc',
    'test_acc',
    'val_acc_std',
    'test_acc_std',
    ...spec.seeds.map((s) => `val_acc_s${s}`),
    ...spec.seeds.map((s) => `test_acc_s${s}`),
    'train_loss',
    'params_m',
    'flops_m',
  ];
  const lines = provenance.map(([k, v]) => `# ${k}: ${v}`);
  lines.push(header.join(','));
  for (const cell of cells) {
    const arch = formatCell(cell);
    const per = spec.seeds.map((s) => byArch.get(arch)?.get(s));
    if (per.some((r) => !r)) throw new Error(`${spec.id}: ${arch} lacks seed(s) ${spec.seeds.filter((_, i) => !per[i]).join(', ')}`);
    const rs = per as TruthResult[];
    const val = rs.map((r) => r.valAcc);
    const test = rs.map((r) => r.testAcc);
    const cost = nb201Cost(cell, macro);
    lines.push(
      [
        arch,
        f(mean(val)),
        f(mean(test)),
        f(std(val)),
        f(std(test)),
        ...val.map((v) => f(v)),
        ...test.map((v) => f(v)),
        f(mean(rs.map((r) => r.trainLoss))),
        (cost.params / 1e6).toFixed(6),
        (cost.flops / 1e6).toFixed(6),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export { recipeText };
