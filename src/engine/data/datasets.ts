import { Rng } from '../core/rng';
import { gunzip, parseIdx } from './idx';
import { quote } from '../core/quote';
import type { UserDatasetSummary } from './userData';

/**
 * Datasets the playground ships (public/datasets). Splits are fixed by a split seed that is
 * independent of the run's seed, so runs with different seeds are judged on the same data.
 */
/**
 * A dataset's name, as a run config carries it: a string, because core knows no dataset; the
 * shipped ones are DATASETS' keys, and `isDatasetId` / `datasetInfo` check a name before use.
 */
export type DatasetId = string;
export const DATASET_IDS = ['digits', 'fashion'] as const;

export interface DatasetInfo {
  id: DatasetId;
  title: string;
  files: { images: string; labels: string }[];
  classes: string[];
  /** Shape the network sees, after preprocessing. */
  inputShape: [number, number, number];
  license: string;
  /** A learner's own images (data/userData.ts): what the dataset is, as exports name it. */
  user?: UserDatasetSummary;
}

export const DATASETS: Record<(typeof DATASET_IDS)[number], DatasetInfo> = {
  digits: {
    id: 'digits',
    title: 'Digits 8×8 (UCI / scikit-learn, 1,797 images)',
    files: [{ images: 'sklearn-digits/all-images-idx3-ubyte.gz', labels: 'sklearn-digits/all-labels-idx1-ubyte.gz' }],
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    inputShape: [8, 8, 1],
    license: 'CC BY 4.0 (UCI Optical Recognition of Handwritten Digits, via scikit-learn)',
  },
  fashion: {
    id: 'fashion',
    title: 'Fashion-MNIST subset (12,000 images, downsampled to 14×14)',
    files: [
      { images: 'fashion-mnist-subset/train-images-idx3-ubyte.gz', labels: 'fashion-mnist-subset/train-labels-idx1-ubyte.gz' },
      { images: 'fashion-mnist-subset/test-images-idx3-ubyte.gz', labels: 'fashion-mnist-subset/test-labels-idx1-ubyte.gz' },
    ],
    classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    inputShape: [14, 14, 1],
    license: 'MIT (© 2017 Zalando SE)',
  },
};

export const isShippedDataset = (id: string): id is (typeof DATASET_IDS)[number] => Object.hasOwn(DATASETS, id);

/**
 * A learner's datasets present in this realm (the page after reading IndexedDB, the worker after
 * loading one): the sync lookups below (shapes, classes, defaults) answer for them only once they
 * are here, so a config naming one that this browser does not hold is refused by the check.
 */
const present = new Map<string, DatasetInfo>();

/** Makes a learner's dataset known to `isDatasetId` / `datasetInfo` (its id starts with `user:`). */
export function registerDataset(info: DatasetInfo): void {
  if (!isUserDatasetId(info.id)) throw new Error(`a learner's dataset id starts with "${USER_PREFIX}" (got ${JSON.stringify(info.id.slice(0, 60))})`);
  present.set(info.id, info);
}

export function forgetDataset(id: DatasetId): void {
  present.delete(id);
}

/** The learner's datasets known here, in the order they were registered. */
export const presentUserDatasets = (): DatasetInfo[] => [...present.values()];

export const USER_PREFIX = 'user:';
export const isUserDatasetId = (id: string) => id.startsWith(USER_PREFIX);

/** A dataset the app ships or a learner's dataset present here. */
export const isDatasetId = (id: string): boolean => isShippedDataset(id) || present.has(id);

/** The dataset `id`, or a throw naming what is wrong (configs are checked before they get here). */
export function datasetInfo(id: DatasetId): DatasetInfo {
  if (isShippedDataset(id)) return DATASETS[id];
  const own = present.get(id);
  if (own) return own;
  throw new Error(unknownDatasetMessage(id));
}

/** Why `id` names no dataset here: a learner's dataset that this browser does not hold reads differently from a typo. */
export function unknownDatasetMessage(id: string): string {
  return isUserDatasetId(id)
    ? `the dataset ${quote(id)} is someone's own images, not kept in this browser: upload the same images again (Dataset → Your own images) to run it`
    : `unknown dataset ${quote(id)} (datasets: ${[...DATASET_IDS, ...present.keys()].join(', ')})`;
}

/** Images in the training split: shipped ones are fixed, a learner's is stated by its split. */
export function trainImages(id: DatasetId): number {
  const info = datasetInfo(id);
  return info.user ? info.user.splits.train : SHIPPED_TRAIN_IMAGES[id as (typeof DATASET_IDS)[number]];
}

/** Training images of the shipped datasets (test/workPlan.test.ts checks them against the loaded splits). */
const SHIPPED_TRAIN_IMAGES: Record<(typeof DATASET_IDS)[number], number> = { digits: 1078, fashion: 8000 };

export const SPLIT_SEED = 20201;

export interface Split {
  /** Row-major NHWC float32, standardised. */
  x: Float32Array;
  y: Int32Array;
  n: number;
}

export type { Preprocessing } from '../core/formats';
import type { Preprocessing } from '../core/formats';

export interface Dataset {
  info: DatasetInfo;
  train: Split;
  val: Split;
  test: Split;
  preprocessing: Preprocessing;
}

/** Reads a shipped file (relative to the datasets folder) as gzip bytes. */
export type ReadFile = (relPath: string) => Promise<Uint8Array>;

export async function loadDataset(id: DatasetId, read: ReadFile): Promise<Dataset> {
  const info = datasetInfo(id);
  const parts = await Promise.all(
    info.files.map(async (f) => {
      const images = parseIdx(await gunzip(await read(f.images)), f.images);
      const labels = parseIdx(await gunzip(await read(f.labels)), f.labels);
      if (images.shape[0] !== labels.shape[0]) throw new Error(`${f.images}: ${images.shape[0]} images but ${labels.shape[0]} labels`);
      return { images, labels };
    }),
  );
  return id === 'digits' ? prepareDigits(info, parts[0].images.data, parts[0].labels.data) : prepareFashion(info, parts);
}

function prepareDigits(info: DatasetInfo, images: Uint8Array, labels: Uint8Array): Dataset {
  const n = labels.length;
  const raw = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) raw[i] = images[i] / 16;
  // 60 / 20 / 20 stratified-by-shuffle split of the 1,797 images.
  const order = new Rng(SPLIT_SEED).shuffle(Array.from({ length: n }, (_, i) => i));
  const nTrain = Math.round(n * 0.6);
  const nVal = Math.round(n * 0.2);
  const pick = (idx: number[]) => take(raw, labels, idx, 64);
  const train = pick(order.slice(0, nTrain));
  const stats = standardise(train.x, [train]);
  const val = pick(order.slice(nTrain, nTrain + nVal));
  const test = pick(order.slice(nTrain + nVal));
  standardise(train.x, [val, test], stats);
  return {
    info,
    train,
    val,
    test,
    preprocessing: {
      source: info.files.map((f) => f.images).join(', '),
      scale: 'pixel / 16 (values 0..16 → 0..1)',
      downsample: 'none (8×8)',
      standardise: { ...stats, from: 'train split' },
      split: `shuffle of all ${n} images with split seed; train ${nTrain} / val ${nVal} / test ${n - nTrain - nVal}`,
      splitSeed: SPLIT_SEED,
    },
  };
}

function prepareFashion(info: DatasetInfo, parts: { images: { data: Uint8Array; shape: number[] }; labels: { data: Uint8Array } }[]): Dataset {
  const [trainPart, testPart] = parts;
  const down = (img: Uint8Array, count: number) => downsample2x(img, count, 28);
  const trainAll = down(trainPart.images.data, trainPart.labels.data.length);
  const testAll = down(testPart.images.data, testPart.labels.data.length);
  const nAll = trainPart.labels.data.length;
  const order = new Rng(SPLIT_SEED).shuffle(Array.from({ length: nAll }, (_, i) => i));
  const nVal = Math.round(nAll * 0.2);
  const train = take(trainAll, trainPart.labels.data, order.slice(nVal), 196);
  const val = take(trainAll, trainPart.labels.data, order.slice(0, nVal), 196);
  const test = take(testAll, testPart.labels.data, Array.from({ length: testPart.labels.data.length }, (_, i) => i), 196);
  const stats = standardise(train.x, [train]);
  standardise(train.x, [val, test], stats);
  return {
    info,
    train,
    val,
    test,
    preprocessing: {
      source: info.files.map((f) => f.images).join(', '),
      scale: 'pixel / 255',
      downsample: '2×2 mean pooling, 28×28 → 14×14',
      standardise: { ...stats, from: 'train split' },
      split: `train file shuffled with split seed: train ${nAll - nVal} / val ${nVal}; test file (${test.n}) as test`,
      splitSeed: SPLIT_SEED,
    },
  };
}

function downsample2x(img: Uint8Array, count: number, side: number): Float32Array {
  const h = side / 2;
  const out = new Float32Array(count * h * h);
  for (let k = 0; k < count; k++) {
    const base = k * side * side;
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < h; c++) {
        const p = base + 2 * r * side + 2 * c;
        out[k * h * h + r * h + c] = (img[p] + img[p + 1] + img[p + side] + img[p + side + 1]) / (4 * 255);
      }
    }
  }
  return out;
}

export function take(pixels: Float32Array, labels: ArrayLike<number>, idx: number[], size: number): Split {
  const x = new Float32Array(idx.length * size);
  const y = new Int32Array(idx.length);
  idx.forEach((src, i) => {
    x.set(pixels.subarray(src * size, (src + 1) * size), i * size);
    y[i] = labels[src];
  });
  return { x, y, n: idx.length };
}

/** Computes mean/std over `ref` (when no stats are given) and standardises each split in place. */
export function standardise(ref: Float32Array, splits: Split[], given?: { mean: number; std: number }) {
  let stats = given;
  if (!stats) {
    let s = 0;
    let s2 = 0;
    for (const v of ref) {
      s += v;
      s2 += v * v;
    }
    const mean = s / ref.length;
    stats = { mean, std: Math.sqrt(Math.max(s2 / ref.length - mean * mean, 1e-12)) };
  }
  for (const split of splits) for (let i = 0; i < split.x.length; i++) split.x[i] = (split.x[i] - stats.mean) / stats.std;
  return stats;
}

/** A deterministic stream of minibatch indices: reshuffled each epoch from its own Rng. */
export class BatchSampler {
  private order: number[] = [];
  private pos = 0;
  epoch = 0;

  constructor(
    private readonly n: number,
    private readonly batchSize: number,
    private readonly rng: Rng,
  ) {
    if (batchSize > n) throw new Error(`batch size ${batchSize} exceeds the split's ${n} examples`);
  }

  next(): number[] {
    if (this.pos + this.batchSize > this.order.length) {
      if (this.order.length > 0) this.epoch++;
      this.order = this.rng.shuffle(Array.from({ length: this.n }, (_, i) => i));
      this.pos = 0;
    }
    const out = this.order.slice(this.pos, this.pos + this.batchSize);
    this.pos += this.batchSize;
    return out;
  }

  get batchesPerEpoch(): number {
    return Math.floor(this.n / this.batchSize);
  }
}

export function gatherBatch(split: Split, idx: number[], size: number): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(idx.length * size);
  const y = new Int32Array(idx.length);
  idx.forEach((src, i) => {
    x.set(split.x.subarray(src * size, (src + 1) * size), i * size);
    y[i] = split.y[src];
  });
  return { x, y };
}
