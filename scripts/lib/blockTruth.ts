import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadDatasetFromDisk, REPO_ROOT } from '../../src/cli/nodeIo';
import type { StandaloneSettings } from '../../src/engine/core/config';
import { Rng } from '../../src/engine/core/rng';
import { type Dataset, type DatasetId, loadDataset } from '../../src/engine/data/datasets';
import { BLOCK_OP_LABEL, type BlockArch, type BlockOp, type BlockSpace, DEFAULT_BLOCK_OPS, defaultBlockSpace, formatBlockArch, sampleBlockArch } from '../../src/engine/spaces/blocks';

/**
 * A block-space ground truth: `count` distinct architectures drawn uniformly from a block space
 * with a fixed seed, each trained from scratch with one recipe and several seeds
 * (scripts/harness/dna-ranking.harness.ts, DNA_RANKING=truth). Every finished training is
 * appended to `log`, so a stopped build resumes; the CSV is written once every training is in.
 */
export interface BlockTruthSpec {
  id: string;
  dataset: DatasetId;
  ops: readonly BlockOp[];
  count: number;
  sampleSeed: number;
  seeds: number[];
  recipe: StandaloneSettings;
  /** public/benchmarks/<id>.csv */
  csv: string;
  /** runs/<log>.jsonl: one line per finished training */
  log: string;
  title: string;
  /**
   * Test accuracy on the official Fashion-MNIST test set (10,000 images, Debian's
   * dataset-fashion-mnist) instead of the shipped 2,000: trained on the same shipped train split
   * as every evaluator, measured where one image is 0.01 points, not 0.05.
   */
  fullTest?: boolean;
}

/** Debian's dataset-fashion-mnist: the whole of Fashion-MNIST (60,000 + 10,000 images). */
export const FASHION_FULL_DIR = '/usr/share/datasets/fashion-mnist';

export const BLOCK_TRUTHS: Record<'digits' | 'fashion' | 'fashion-rf', BlockTruthSpec> = {
  /**
   * The first truth (issue #5): too noisy to rank anything (its own seed-to-seed τ 0.10, every
   * architecture within 94.0–96.8 % on 360 test images). Kept, with its figures, as the lesson.
   */
  digits: {
    id: 'blocks-digits',
    dataset: 'digits',
    ops: DEFAULT_BLOCK_OPS,
    count: 40,
    sampleSeed: 2020,
    seeds: [0, 1],
    recipe: { epochs: 5, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
    csv: 'blocks-digits.csv',
    log: 'dna-truth',
    title: 'Digits · DNA/Cream block space (3 blocks × 2 layers × MBConv k{3,5} × e{3,6}): 40 sampled architectures',
  },
  /**
   * The truth meant to tell (issue #17): Fashion-MNIST at 14×14 trained on the shipped 8,000,
   * the space widened by skip where a layer keeps its shape (2 to 6 MBConv layers), 60
   * architectures, 3 seeds, measured on the official 10,000 test images. Piloted, it does not tell
   * (docs/ground-truth.md): at 6 epochs the extremes of the sample (10k and 28k parameters) are
   * 1.1 points apart with a seed moving one by ±0.24, at 15 epochs 0.5 apart with a seed ±0.6; a random
   * pair differs by less than a seed moves one. Not to be built as it is: its space needs
   * architectures that really differ at this data scale.
   */
  fashion: {
    id: 'blocks-fashion',
    dataset: 'fashion',
    ops: [...DEFAULT_BLOCK_OPS, 'skip'],
    count: 60,
    sampleSeed: 2021,
    seeds: [0, 1, 2],
    recipe: { epochs: 6, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
    csv: 'blocks-fashion.csv',
    log: 'dna-truth-fashion',
    fullTest: true,
    title: 'Fashion-MNIST 14×14 · DNA/Cream block space with skip (3 blocks × 2 layers × {MBConv k{3,5} × e{3,6}, skip}): 60 sampled architectures',
  },
  /**
   * The second design for issue #17: what the first lacked is architectures that differ at this
   * data scale. Capacity did not (10k and 28k parameters end level), so this space varies what a
   * 14×14 image needs before global pooling, the receptive field: each layer is a pointwise
   * MBConv (1×1 depthwise: no spatial mixing) or a 3×3 one, or skip where the shape is kept, so
   * an architecture sees from 3 to 25 pixels across. Piloted (docs/ground-truth.md) on the first
   * 10 of its sample, 2 seeds (`runs/dna-truth-fashion-rf-pilot.jsonl`, taken over by the build):
   * 80.6–82.9 %, a seed moving one by ±0.45, seed τ 0.58. Beside it: the 5×5 e6 MBConv added
   * (`-mixed-pilot`): one such layer late in the chain sees the whole image, the sample bunched
   * within 82.6–84.1 %, τ 0.42; both ops at e6 (`-rf6-pilot`): twice the time per training,
   * stopped after one architecture. Built, its 60 span 70.7–83.2 % (the pilot's ten held none of
   * the mostly pointwise networks) and one seed agrees with another at τ 0.76–0.79.
   */
  'fashion-rf': {
    id: 'blocks-fashion-rf',
    dataset: 'fashion',
    ops: ['mb3_k1', 'mb3_k3', 'skip'],
    count: 60,
    sampleSeed: 2022,
    seeds: [0, 1, 2],
    recipe: { epochs: 4, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
    csv: 'blocks-fashion-rf.csv',
    log: 'dna-truth-fashion-rf',
    fullTest: true,
    title: 'Fashion-MNIST 14×14 · block space by receptive field (3 blocks × 2 layers × {MBConv e3 1×1, e3 3×3, skip}): 60 sampled architectures',
  },
};

/**
 * The data a truth trains and measures on: the shipped dataset, with its test split replaced by
 * the official 10,000 test images where the spec says fullTest (same 2×2 pooling and the train
 * split's standardisation, src/engine/data/datasets.ts).
 */
export async function loadBlockTruthData(t: BlockTruthSpec): Promise<Dataset> {
  if (!t.fullTest) return loadDatasetFromDisk(t.dataset);
  if (t.dataset !== 'fashion') throw new Error(`${t.id}: a full test set exists for fashion only`);
  const full: Record<string, string> = {
    'fashion-mnist-subset/test-images-idx3-ubyte.gz': 't10k-images-idx3-ubyte.gz',
    'fashion-mnist-subset/test-labels-idx1-ubyte.gz': 't10k-labels-idx1-ubyte.gz',
  };
  const missing = Object.values(full).filter((f) => !existsSync(path.join(FASHION_FULL_DIR, f)));
  if (missing.length) throw new Error(`${t.id} measures on the official Fashion-MNIST test set: ${missing.join(', ')} not in ${FASHION_FULL_DIR} (apt-get install dataset-fashion-mnist)`);
  const data = await loadDataset(t.dataset, async (rel) => new Uint8Array(await readFile(full[rel] ? path.join(FASHION_FULL_DIR, full[rel]) : path.join(REPO_ROOT, 'public', 'datasets', rel))));
  if (data.test.n !== 10_000) throw new Error(`${t.id}: expected 10,000 official test images, read ${data.test.n}`);
  return data;
}

export const blockTruthCsvPath = (t: BlockTruthSpec) => path.join(REPO_ROOT, 'public', 'benchmarks', t.csv);
export const blockTruthLogPath = (t: BlockTruthSpec) => path.join(REPO_ROOT, 'runs', `${t.log}.jsonl`);
export const blockTruthSpace = (t: BlockTruthSpec): BlockSpace => defaultBlockSpace(t.dataset, t.ops);

/** A truth's op set in words: "MBConv e6 1×1, MBConv e6 3×3 or skip where a layer keeps its shape". */
export const blockOpsText = (ops: readonly BlockOp[]): string =>
  `${ops.filter((o) => o !== 'skip').map((o) => BLOCK_OP_LABEL[o]).join(', ')}${ops.includes('skip') ? ' or skip where a layer keeps its shape' : ''}`;

/** The name DNA_TRUTH and the bench's --block-truths give a spec: its id without "blocks-". */
export const blockTruthName = (t: BlockTruthSpec): string => t.id.replace(/^blocks-/, '');

/** The command that builds a truth (digits is DNA_TRUTH's default, so it goes unnamed). */
export const blockTruthCommand = (t: BlockTruthSpec): string => `${blockTruthName(t) === 'digits' ? '' : `DNA_TRUTH=${blockTruthName(t)} `}DNA_RANKING=truth npm run bench:dna-ranking`;

/** The spec named by DNA_TRUTH (digits unless set), or a throw naming the known ones. */
export function blockTruthFromEnv(name = process.env.DNA_TRUTH ?? 'digits'): BlockTruthSpec {
  if (!Object.hasOwn(BLOCK_TRUTHS, name)) throw new Error(`DNA_TRUTH must be one of ${Object.keys(BLOCK_TRUTHS).join(', ')} (got ${JSON.stringify(name)})`);
  return BLOCK_TRUTHS[name as keyof typeof BLOCK_TRUTHS];
}

/** Distinct architectures, uniform over the truth's block space, from its fixed seed. */
export function blockTruthSample(t: BlockTruthSpec = BLOCK_TRUTHS.digits): BlockArch[] {
  const space = blockTruthSpace(t);
  const rng = new Rng(t.sampleSeed).fork('dna/truth/sample');
  const seen = new Set<string>();
  const out: BlockArch[] = [];
  while (out.length < t.count) {
    const a = sampleBlockArch(space, rng);
    if (seen.has(formatBlockArch(a))) continue;
    seen.add(formatBlockArch(a));
    out.push(a);
  }
  return out;
}

/** Kept for the digits truth's callers. */
export const BLOCK_TRUTH_COUNT = BLOCK_TRUTHS.digits.count;
export const BLOCK_TRUTH_SAMPLE_SEED = BLOCK_TRUTHS.digits.sampleSeed;
