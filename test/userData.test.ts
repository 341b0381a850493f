import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { withDefaults } from '../src/engine/core/config';
import type { RunEvent } from '../src/engine/core/events';
import { RunController } from '../src/engine/core/runLoop';
import { datasetInfo, forgetDataset, isDatasetId, registerDataset, trainImages } from '../src/engine/data/datasets';
import { gunzip, parseIdx } from '../src/engine/data/idx';
import {
  type DecodeImage,
  IMAGE_SET_LIMITS,
  prepareUserDataset,
  type ReadOptions,
  readUpload,
  resizeToInput,
  stratifiedSplit,
  type UploadFile,
  UploadError,
  uploadTooLarge,
  userDatasetInfo,
  type UserDataset,
  checkStoredDataset,
} from '../src/engine/data/userData';
import { checkRunConfig } from '../src/engine/methods/configCheck';
import { defaultDnaSettings } from '../src/engine/methods/dna/settings';
import { findMethod } from '../src/engine/methods/registry';
import { loadRunResources, runSearch } from '../src/engine/run';
import { buildArchitectureFile, validateArchitectureFile } from '../src/engine/export/architectureFile';
import { cpu } from './helpers';

/**
 * The test's own image format, so Node needs no image decoder: width, height, then RGBA bytes.
 * A first byte 0 stands for a file that is not a readable image.
 */
const fakeImage = (w: number, h: number, fill: (x: number, y: number) => [number, number, number]) => {
  const b = new Uint8Array(2 + w * h * 4);
  b[0] = w;
  b[1] = h;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const [r, g, bl] = fill(x, y);
      b.set([r, g, bl, 255], 2 + (y * w + x) * 4);
    }
  return b;
};
const decode: DecodeImage = async (bytes) => (bytes[0] === 0 ? null : { width: bytes[0], height: bytes[1], rgba: bytes.subarray(2) });
const opts: ReadOptions = { name: 'Shapes', size: 8, channels: 1, splitSeed: 7 };

/** `classes` folders of `n` images each, every image a distinct shade, inside a top folder as a zip tool writes them. */
function imageFolder(classes: string[], n: number, root = 'shapes'): UploadFile[] {
  const files: UploadFile[] = [];
  classes.forEach((c, k) => {
    for (let i = 0; i < n; i++) files.push({ path: `${root}/${c}/${String(i).padStart(3, '0')}.png`, bytes: fakeImage(4, 4, (x, y) => [(k * 60 + i * 7 + x) % 256, y * 10, 0]) });
  });
  return files;
}
const zipOf = (files: UploadFile[], name = 'shapes.zip'): UploadFile => ({ path: name, bytes: zipSync(Object.fromEntries(files.map((f) => [f.path, f.bytes]))) });
const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(UploadError);
    return (err as Error).message;
  }
  throw new Error('the upload was accepted');
};

describe('resizing raw RGBA pixels to the input', () => {
  it('averages the area each output pixel covers, in gray by ITU-R 601 luma', () => {
    // 4×4 gray ramp by column → 2×2: each output pixel the mean of a 2×2 block.
    const src: number[] = [];
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) src.push(x * 40 + y, x * 40 + y, x * 40 + y, 255);
    expect([...resizeToInput(src, 4, 4, 4, 2, 1)]).toEqual([21, 101, 23, 103]);
    // Pure red, green, blue pixels go to their luma weights.
    expect([...resizeToInput([255, 0, 0, 255], 1, 1, 4, 1, 1)]).toEqual([76]);
    expect([...resizeToInput([0, 255, 0, 255], 1, 1, 4, 1, 1)]).toEqual([150]);
    expect([...resizeToInput([0, 0, 255, 255], 1, 1, 4, 1, 1)]).toEqual([29]);
  });
  it('keeps RGB in order, crops the centred square and enlarges by covering', () => {
    // 4 wide × 2 tall: the centred square is columns 1..2.
    const src = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((v) => [v * 10, v, 255 - v, 255]);
    expect([...resizeToInput(src, 4, 2, 4, 1, 3)]).toEqual([Math.round((10 + 20 + 50 + 60) / 4), 4, 252]);
    expect([...resizeToInput([9], 1, 1, 1, 3, 1)]).toEqual(Array(9).fill(9));
  });
  it('reads 3-area fractions exactly when the sizes do not divide', () => {
    const src = [0, 90, 180];
    const out = resizeToInput([...src, ...src, ...src], 3, 3, 1, 2, 1);
    // Output pixel 0 covers source column 0 fully and half of column 1: (0 + 0.5·90) / 1.5 = 30.
    expect([...out]).toEqual([30, 150, 30, 150]);
  });
});

describe('the split', () => {
  const labels = Array.from({ length: 53 }, (_, i) => i % 3);
  it('is stratified: every class in every split, a fifth each to val and test, disjoint and covering', () => {
    const s = stratifiedSplit(labels, 3, 5);
    for (const part of [s.train, s.val, s.test]) expect(new Set(part.map((i) => labels[i])).size).toBe(3);
    const all = [...s.train, ...s.val, ...s.test].sort((a, b) => a - b);
    expect(all).toEqual(labels.map((_, i) => i));
    // 18, 18, 17 per class: round(3.6) = 4 each to val and test, rounding 3.4 → 3 for the last.
    expect([s.val.length, s.test.length, s.train.length]).toEqual([11, 11, 31]);
  });
  it('is fixed by the seed and moves with it', () => {
    expect(stratifiedSplit(labels, 3, 5)).toEqual(stratifiedSplit(labels, 3, 5));
    expect(stratifiedSplit(labels, 3, 6).val).not.toEqual(stratifiedSplit(labels, 3, 5).val);
  });
  it('gives a class of five one image to val, one to test, three to train', () => {
    const s = stratifiedSplit([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], 2, 1);
    expect([s.train.length, s.val.length, s.test.length]).toEqual([6, 2, 2]);
  });
});

describe('reading a zip or a folder of class folders', () => {
  it('reads classes from the folders, counts them, resizes and hashes', async () => {
    const d = await readUpload([zipOf(imageFolder(['circle', 'square', 'triangle'], 6))], opts, decode);
    expect(d.classes).toEqual(['circle', 'square', 'triangle']);
    expect(d.counts).toEqual([6, 6, 6]);
    expect(d.pixels.length).toBe(18 * 8 * 8);
    expect(d.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(d.id).toBe(`user:shapes-${d.contentHash.slice(0, 12)}`);
    expect(d.source).toBe('zip shapes.zip');
  });
  it('gives the same dataset, hash and id whatever order the files come in', async () => {
    const files = imageFolder(['a', 'b'], 5);
    const one = await readUpload(files, opts, decode);
    const two = await readUpload([...files].reverse(), opts, decode);
    expect(two.contentHash).toBe(one.contentHash);
    expect(two.id).toBe(one.id);
    expect((await readUpload([zipOf(files)], opts, decode)).contentHash).toBe(one.contentHash);
  });
  it('hashes the content: one pixel, the size, the split seed each change it', async () => {
    const files = imageFolder(['a', 'b'], 5);
    const base = (await readUpload(files, opts, decode)).contentHash;
    const changed = files.map((f, i) => (i === 3 ? { ...f, bytes: fakeImage(4, 4, () => [200, 200, 200]) } : f));
    expect((await readUpload(changed, opts, decode)).contentHash).not.toBe(base);
    expect((await readUpload(files, { ...opts, size: 14 }, decode)).contentHash).not.toBe(base);
    expect((await readUpload(files, { ...opts, splitSeed: 8 }, decode)).contentHash).not.toBe(base);
  });
  it('skips and counts a corrupt image, and leaves out a file that is not an image', async () => {
    const files = [...imageFolder(['a', 'b'], 6), { path: 'shapes/a/broken.png', bytes: new Uint8Array([0, 1, 2]) }, { path: 'shapes/a/notes.txt', bytes: new Uint8Array([65]) }, { path: '__MACOSX/shapes/a/._x.png', bytes: new Uint8Array([1]) }];
    const d = await readUpload([zipOf(files)], opts, decode);
    expect(d.counts).toEqual([6, 6]);
    expect(d.corrupt).toEqual({ count: 1, examples: ['shapes/a/broken.png (not a readable image)'] });
    expect(d.ignored).toEqual({ count: 1, examples: ['shapes/a/notes.txt (not an image)'] });
  });
  it('keeps RGB when asked: three values per pixel', async () => {
    const d = await readUpload(imageFolder(['a', 'b'], 5), { ...opts, channels: 3 }, decode);
    expect(d.pixels.length).toBe(10 * 8 * 8 * 3);
    expect(userDatasetInfo(d).inputShape).toEqual([8, 8, 3]);
  });
});

describe('each bad upload has its message', () => {
  it('a broken zip', async () => {
    const good = zipOf(imageFolder(['a', 'b'], 5)).bytes;
    expect(await refusal(readUpload([{ path: 'cut.zip', bytes: good.subarray(0, good.length - 30) }], opts, decode))).toMatch(/^"cut\.zip" is a broken zip \(/);
    expect(await refusal(readUpload([{ path: 'fake.zip', bytes: new TextEncoder().encode('not a zip at all') }], opts, decode))).toBe('"fake.zip" is not a zip file (it does not start with a zip header)');
  });
  it('a single class', async () => {
    expect(await refusal(readUpload([zipOf(imageFolder(['only'], 8))], opts, decode))).toBe('only one class folder ("only"): a classifier needs at least 2 classes');
  });
  it('a file that is not an image set, and a lone image', async () => {
    expect(await refusal(readUpload([{ path: 'notes.txt', bytes: new Uint8Array([104, 105]) }], opts, decode))).toBe('"notes.txt" is not a zip, an image folder, an IDX pair or a CSV (a .zip, a folder, two IDX files or a .csv)');
    expect(await refusal(readUpload([{ path: 'cat.png', bytes: fakeImage(2, 2, () => [0, 0, 0]) }], opts, decode))).toMatch(/^"cat\.png" is one image: upload a zip or a folder/);
  });
  it('images outside a class folder', async () => {
    expect(await refusal(readUpload([zipOf([...imageFolder(['a', 'b'], 5), { path: 'loose.png', bytes: fakeImage(2, 2, () => [1, 1, 1]) }])], opts, decode))).toBe('"loose.png" is not inside a class folder: put each class\'s images in a subfolder named after the class');
  });
  it('too few images in a class, counting the unreadable ones', async () => {
    const files = [...imageFolder(['a'], 5), ...imageFolder(['b'], 4), { path: 'shapes/b/x.png', bytes: new Uint8Array([0]) }];
    expect(await refusal(readUpload(files, opts, decode))).toBe('class "b" has 4 images; each class needs at least 5 (1 file could not be read)');
  });
  it('limits: classes, images, bytes — counted before anything is decoded', async () => {
    let decoded = 0;
    const counting: DecodeImage = (b, p) => {
      decoded++;
      return decode(b, p);
    };
    const many = Array.from({ length: IMAGE_SET_LIMITS.classes.max + 1 }, (_, i) => `c${i}`);
    expect(await refusal(readUpload(imageFolder(many, 1), opts, counting))).toBe('21 class folders; a dataset may have at most 20 classes');
    const big: UploadFile[] = Array.from({ length: IMAGE_SET_LIMITS.images + 1 }, (_, i) => ({ path: `s/${i % 2 ? 'a' : 'b'}/${i}.png`, bytes: new Uint8Array([1, 1, 0, 0, 0, 0]) }));
    expect(await refusal(readUpload(big, opts, counting))).toBe('the upload holds 6,001 images; a dataset may hold at most 6,000');
    expect(decoded).toBe(0);
    expect(uploadTooLarge([{ name: 'huge.zip', size: 65 * 2 ** 20 }])).toBe('huge.zip is 65 MB; an upload of your own images (all its files together) may be at most 64 MB');
    expect(uploadTooLarge([{ name: 'ok.zip', size: 64 * 2 ** 20 }])).toBeNull();
    expect(uploadTooLarge([])).toMatch(/^nothing was chosen/);
  });
  it('a page served without SHA-256 (plain http away from localhost) says so', async () => {
    vi.stubGlobal('crypto', undefined);
    try {
      expect(await refusal(readUpload(imageFolder(['a', 'b'], 5), opts, decode))).toMatch(/^this browser offers no SHA-256 here \(the page is not served over https or from localhost\)/);
    } finally {
      vi.unstubAllGlobals();
    }
    expect((await readUpload(imageFolder(['a', 'b'], 5), opts, decode)).contentHash).toMatch(/^[0-9a-f]{64}$/);
  });
  it('bad options', async () => {
    expect(await refusal(readUpload(imageFolder(['a', 'b'], 5), { ...opts, name: ' ' }, decode))).toBe('the dataset needs a name');
    expect(await refusal(readUpload(imageFolder(['a', 'b'], 5), { ...opts, size: 13 as 14 }, decode))).toBe('size 13 is not one of 8, 14, 28, 32');
  });
});

/** IDX bytes: magic 00 00 08 ndim, sizes big-endian, then the values. */
function idx(shape: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const v = new DataView(out.buffer);
  out[2] = 8;
  out[3] = shape.length;
  shape.forEach((s, i) => v.setUint32(4 + 4 * i, s));
  out.set(data, 4 + 4 * shape.length);
  return out;
}

describe('an IDX pair and a CSV of pixel rows', () => {
  it('reads an IDX pair (gzipped or not), classes from the label values', async () => {
    const images = new Uint8Array(12 * 4).map((_, i) => i);
    const labels = Uint8Array.from({ length: 12 }, (_, i) => [3, 7][i % 2]);
    const d = await readUpload([{ path: 'x-images-idx3-ubyte.gz', bytes: gzipSync(idx([12, 2, 2], images)) }, { path: 'x-labels-idx1-ubyte', bytes: idx([12], labels) }], { ...opts, size: 8 }, decode);
    expect(d.classes).toEqual(['3', '7']);
    expect(d.counts).toEqual([6, 6]);
    expect(d.source).toBe('IDX pair x-images-idx3-ubyte.gz + x-labels-idx1-ubyte');
    // The first image of class "3" is image 0: [0 1; 2 3] enlarged 4× per side.
    expect(d.pixels[0]).toBe(0);
    expect(d.pixels[7]).toBe(1);
    expect(d.pixels[8 * 7]).toBe(2);
  });
  it('refuses an IDX pair whose counts disagree', async () => {
    expect(await refusal(readUpload([{ path: 'i-idx3-ubyte', bytes: idx([3, 1, 1], new Uint8Array(3)) }, { path: 'l-idx1-ubyte', bytes: idx([4], new Uint8Array(4)) }], opts, decode))).toBe('3 images but 4 labels');
  });
  it('reads a CSV with a label column, gray or RGB by the pixel count', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i % 2 ? 'cat' : 'dog'},${i},${i},${i},${i}`);
    const d = await readUpload([{ path: 'px.csv', bytes: new TextEncoder().encode(`label,p0,p1,p2,p3\n${rows.join('\n')}\n`) }], { ...opts, size: 8 }, decode);
    expect(d.classes).toEqual(['cat', 'dog']);
    expect(d.counts).toEqual([5, 5]);
    expect(d.pixels[0]).toBe(1); // the first cat is row 2, all pixels 1
    const rgb = Array.from({ length: 10 }, (_, i) => `${i % 2},${[255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0].join(',')}`);
    const header = ['label', ...Array.from({ length: 12 }, (_, i) => `p${i}`)].join(',');
    const r = await readUpload([{ path: 'rgb.csv', bytes: new TextEncoder().encode(`${header}\n${rgb.join('\n')}`) }], { ...opts, size: 8, channels: 3 }, decode);
    expect([...r.pixels.subarray(0, 3)]).toEqual([255, 0, 0]);
    expect(r.classes).toEqual(['0', '1']);
  });
  it('refuses a CSV pixel that is not a decimal number 0..255, and one without a label column', async () => {
    const csv = (s: string) => [{ path: 'px.csv', bytes: new TextEncoder().encode(s) }];
    expect(await refusal(readUpload(csv('label,a\n1,0x10\n2,3'), opts, decode))).toBe('"px.csv", row 2, column 2: "0x10" is not a pixel value (a decimal number 0..255)');
    expect(await refusal(readUpload(csv('label,a\n1,300\n2,3'), opts, decode))).toBe('"px.csv", row 2, column 2: "300" is not a pixel value (a decimal number 0..255)');
    expect(await refusal(readUpload(csv('kind,a\n1,3\n2,3'), opts, decode))).toBe('"px.csv": the header has no "label" column (found: kind, a)');
    // The table's header rules: a second "label" (any case) or an unnamed column is refused, not read as a pixel.
    expect(await refusal(readUpload(csv('label,p0,p1,Label\n1,3,4,5\n2,3,4,5'), opts, decode))).toBe('"px.csv": the header names column "label" twice (columns 1 and 4)');
    expect(await refusal(readUpload(csv('label,p0,,p2\n1,3,4,5\n2,3,4,5'), opts, decode))).toBe('"px.csv": column 3 of the header has no name');
    expect(await refusal(readUpload(csv('label,a,b\n1,3,4\n2,3,4'), opts, decode))).toBe('"px.csv": 2 pixel columns are neither a square grayscale image (side²) nor a square RGB one (side² × 3)');
  });
});

describe("a learner's dataset in the run", () => {
  let fashion: UserDataset;
  beforeAll(async () => {
    await cpu();
    // Three Fashion-MNIST classes × 50 images from the shipped test file, as an IDX pair.
    const dir = path.resolve(__dirname, '../public/datasets/fashion-mnist-subset');
    const imgs = parseIdx(await gunzip(readFileSync(path.join(dir, 'test-images-idx3-ubyte.gz'))));
    const labs = parseIdx(await gunzip(readFileSync(path.join(dir, 'test-labels-idx1-ubyte.gz'))));
    const pick: number[] = [];
    for (const c of [0, 1, 7]) for (let i = 0, k = 0; i < labs.data.length && k < 50; i++) if (labs.data[i] === c) pick.push(i), k++;
    const images = new Uint8Array(pick.length * 784);
    pick.forEach((src, i) => images.set(imgs.data.subarray(src * 784, (src + 1) * 784), i * 784));
    fashion = await readUpload([{ path: 'img-idx3-ubyte', bytes: idx([pick.length, 28, 28], images) }, { path: 'lab-idx1-ubyte', bytes: idx([pick.length], Uint8Array.from(pick.map((i) => labs.data[i]))) }], { name: 'Three clothes', size: 14, channels: 1, splitSeed: 20201 }, decode);
  });
  afterEach(() => forgetDataset(fashion.id));

  it('is refused by the config check until this realm holds it, with a message that says so', () => {
    const config = withDefaults({ dataset: fashion.id });
    expect(isDatasetId(fashion.id)).toBe(false);
    expect(checkRunConfig(config)).toEqual([`the dataset "${fashion.id}" is someone's own images, not kept in this browser: upload the same images again (Dataset → Your own images) to run it`]);
    registerDataset(userDatasetInfo(fashion));
    expect(checkRunConfig(config)).toEqual([]);
    expect(datasetInfo(fashion.id).inputShape).toEqual([14, 14, 1]);
    expect(trainImages(fashion.id)).toBe(90);
    expect(checkRunConfig(withDefaults({ dataset: fashion.id, final: { enabled: true, epochs: 1, batchSize: 128, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 } }))).toEqual([`final batch size 128 is more than the 90 training images of "${fashion.id}"`]);
  });

  it('prepares standardised splits, and a stored record reads back only when its hash holds', async () => {
    const d = prepareUserDataset(fashion);
    expect([d.train.n, d.val.n, d.test.n]).toEqual([90, 30, 30]);
    expect(d.train.x.length).toBe(90 * 196);
    const m = d.train.x.reduce((a, b) => a + b, 0) / d.train.x.length;
    expect(Math.abs(m)).toBeLessThan(1e-4);
    expect(await checkStoredDataset(structuredClone(fashion))).toEqual(fashion);
    const damaged = structuredClone(fashion);
    damaged.pixels[5] ^= 1;
    expect(await checkStoredDataset(damaged)).toBe(`"${fashion.id}": its content no longer matches its hash`);
  });

  it('runs a quick random search to its end, and the export names the dataset without embedding it', async () => {
    registerDataset(userDatasetInfo(fashion));
    const config = withDefaults({ dataset: fashion.id, budget: 3, supernet: { steps: 5, batchSize: 32, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, evalBatch: 30 }, final: { enabled: true, epochs: 1, batchSize: 32, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 } });
    expect(checkRunConfig(config)).toEqual([]);
    const events: RunEvent[] = [];
    await runSearch(config, { dataset: prepareUserDataset(fashion) }, new RunController(), (e) => events.push(e));
    const end = events.at(-1);
    expect(end).toMatchObject({ type: 'run-end', status: 'completed' });
    const runStart = events[0] as Extract<RunEvent, { type: 'run-start' }>;
    expect(runStart.datasetSizes).toEqual({ train: 90, val: 30, test: 30 });
    const final = events.find((e): e is Extract<RunEvent, { type: 'final' }> => e.type === 'final')!;
    const file = buildArchitectureFile({ final, runStart, appVersion: 'test', log: events });
    expect(file.dataset.user).toMatchObject({ name: 'Three clothes', classes: ['0', '1', '7'], counts: [50, 50, 50], contentHash: fashion.contentHash, size: 14, channels: 1, splits: { train: 90, val: 30, test: 30 } });
    expect(JSON.stringify(file).length).toBeLessThan(200_000);
    expect(validateArchitectureFile(JSON.parse(JSON.stringify(file))).ok).toBe(true);
    // In a browser that does not hold the images, the import says why.
    forgetDataset(fashion.id);
    const r = validateArchitectureFile(JSON.parse(JSON.stringify(file)));
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.errors).toContain(`config: the dataset "${fashion.id}" is someone's own images, not kept in this browser: upload the same images again (Dataset → Your own images) to run it`);
  });

  it('DNA trains its teacher live on it: no shipped teacher is looked for', async () => {
    expect(defaultDnaSettings(fashion.id).teacher.source).toBe('train');
    expect(defaultDnaSettings('fashion').teacher.source).toBe('pretrained');
    let asked = 0;
    const files = await findMethod('dna')!.loadFiles!(fashion.id, async () => {
      asked++;
      return new Uint8Array();
    });
    expect(files).toBeUndefined();
    expect(asked).toBe(0);
  });

  it('DNA (teacher trained live) and Cream run on it to their end through the worker\'s path', { timeout: 300_000 }, async () => {
    registerDataset(userDatasetInfo(fashion));
    const data = prepareUserDataset(fashion);
    const final = { enabled: true, epochs: 1, batchSize: 32, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 };
    const configs = [
      withDefaults({ method: 'dna', dataset: fashion.id, seed: 2, final, methodSettings: { dna: { ops: ['mb3_k3', 'mb6_k5'], teacher: { epochs: 1, batchSize: 32 }, students: { stepsPerBlock: 2, batchSize: 8, featureEvery: 0 }, rating: { calibration: 16, heldOut: 30 }, final: { randomBaselines: 0 } } } }),
      withDefaults({
        method: 'cream',
        dataset: fashion.id,
        seed: 2,
        final,
        methodSettings: { cream: { ops: ['mb3_k3', 'skip'], stemChannels: 4, stages: [{ channels: 4, stride: 1, layers: 1 }, { channels: 8, stride: 2, layers: 1 }], supernet: { steps: 8, warmup: 2, batchSize: 16, flushEvery: 4 }, board: { size: 2, valBatch: 16 }, meta: { every: 2, trainImages: 8, valImages: 8 } } },
      }),
    ];
    for (const config of configs) {
      expect(checkRunConfig(config), config.method).toEqual([]);
      const res = await loadRunResources(config, {
        dataset: async () => data,
        read: async (rel) => {
          throw new Error(`nothing shipped is read for a learner's dataset (asked for ${rel})`);
        },
      });
      const events: RunEvent[] = [];
      await runSearch(config, res, new RunController(), (e) => events.push(e));
      expect(events.at(-1), config.method).toMatchObject({ type: 'run-end', status: 'completed' });
      if (config.method === 'dna') expect(events.some((e) => e.type === 'method' && e.kind === 'teacher-ready' && (e.data as { source: string }).source === 'train')).toBe(true);
      expect(events.some((e) => e.type === 'log' && e.level === 'warn')).toBe(false);
    }
  });
});
