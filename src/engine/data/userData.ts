import { csvParseRows } from 'd3';
import { unzipSync } from 'fflate';
import { decimalOf } from '../core/decimal';
import { fileTooLarge } from '../core/limits';
import { clip, quote } from '../core/quote';
import { Rng } from '../core/rng';
import { SPLIT_SEED, USER_PREFIX, standardise, take, type Dataset, type DatasetInfo } from './datasets';
import { gunzip, parseIdx, type IdxArray } from './idx';
import { headerNamesProblem } from '../core/csv';

/**
 * A learner's own labelled images as a dataset: read from a zip or a folder of images in one
 * subfolder per class, an IDX pair or a CSV of pixel rows, resized to the network's input,
 * split by a seed, hashed, and kept in the browser (IndexedDB) under `user:<name>-<hash>`.
 * Everything here is pure: the browser's image decoder is passed in (`DecodeImage`), so Node's
 * tests drive the same code with a decoder of their own.
 */

/** What an upload may hold; bytes are in core/limits.ts (`FILE_LIMITS.images`), checked before a byte is read. */
export const IMAGE_SET_LIMITS = {
  classes: { min: 2, max: 20 },
  /** Images (or CSV rows, or IDX items) in one dataset: counted from names and headers, before anything is decoded. */
  images: 6000,
  /** Each class needs one image in each of train / validation / test and a few to train on. */
  perClassMin: 5,
  /** Entries of a zip or files of a folder, images or not. */
  entries: 20000,
  /** One image file. */
  imageBytes: 8 * 2 ** 20,
  /** A zip's entries once inflated, all together, as its directory states them (fflate inflates into buffers of that size). */
  inflatedBytes: 256 * 2 ** 20,
  sizes: [8, 14, 28, 32] as const,
  nameLength: 40,
} as const;

export type InputSize = (typeof IMAGE_SET_LIMITS.sizes)[number];
export type Channels = 1 | 3;

/** Why an upload was refused: a short message naming what was wrong. */
export class UploadError extends Error {}

export interface UploadFile {
  /** The path inside the upload: "cats/001.png" for a folder or a zip, the file's name for a single file. */
  path: string;
  bytes: Uint8Array;
}

/** Decoded pixels, RGBA row-major (what a canvas's getImageData gives), or null when the bytes are not a readable image. */
export interface RawImage {
  rgba: ArrayLike<number>;
  width: number;
  height: number;
}
export type DecodeImage = (bytes: Uint8Array, path: string) => Promise<RawImage | null>;

export interface ReadOptions {
  name: string;
  size: InputSize;
  channels: Channels;
  splitSeed: number;
}

/** Files that were passed over, counted, with a few named. */
export interface Passed {
  count: number;
  examples: string[];
}

/** A learner's dataset as IndexedDB keeps it: pixels at the network's size, 0..255, NHWC. */
export interface UserDataset {
  id: string;
  name: string;
  classes: string[];
  counts: number[];
  size: InputSize;
  channels: Channels;
  splitSeed: number;
  /** n × size × size × channels bytes, ordered by class then by path. */
  pixels: Uint8Array;
  labels: Uint8Array;
  /** What was read: "zip pets.zip", "folder pets", "IDX pair …", "CSV …". */
  source: string;
  /** Image files that could not be decoded. */
  corrupt: Passed;
  /** Files that are not images (by their name), left out. */
  ignored: Passed;
  /** SHA-256 (hex) of the classes, size, channels, split seed, labels and pixels. */
  contentHash: string;
}

/** What names a learner's dataset in an export: enough to tell whether another browser holds the same one. */
export interface UserDatasetSummary {
  name: string;
  classes: string[];
  counts: number[];
  contentHash: string;
  size: number;
  channels: number;
  splitSeed: number;
  splits: { train: number; val: number; test: number };
  source: string;
  corrupt: number;
}

const IMAGE_EXT = /\.(png|jpe?g|gif|bmp|webp|avif)$/i;
const fmtCount = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
const baseName = (p: string) => p.split('/').pop() ?? p;
const passed = (): Passed => ({ count: 0, examples: [] });
const note = (p: Passed, what: string) => {
  p.count++;
  if (p.examples.length < 5) p.examples.push(clip(what, 80));
};

/** The name as the dataset's id part: lower-case letters, digits and "-". */
export function slugOf(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24).replace(/-+$/, '');
  return s === '' ? 'images' : s;
}

export const userDatasetId = (name: string, contentHash: string) => `${USER_PREFIX}${slugOf(name)}-${contentHash.slice(0, 12)}`;

/** Why these options cannot make a dataset, or null. */
export function optionProblem(o: ReadOptions): string | null {
  if (o.name.trim() === '') return 'the dataset needs a name';
  if (o.name.length > IMAGE_SET_LIMITS.nameLength) return `the name ${quote(o.name)} is longer than ${IMAGE_SET_LIMITS.nameLength} characters`;
  if (!(IMAGE_SET_LIMITS.sizes as readonly number[]).includes(o.size)) return `size ${o.size} is not one of ${IMAGE_SET_LIMITS.sizes.join(', ')}`;
  if (o.channels !== 1 && o.channels !== 3) return `channels must be 1 (grayscale) or 3 (RGB), not ${String(o.channels)}`;
  if (!Number.isSafeInteger(o.splitSeed) || o.splitSeed < 0) return `the split seed must be a whole number ≥ 0, not ${String(o.splitSeed)}`;
  return null;
}

/** Why files of these names and sizes are refused before any is read, or null: the page asks this on `File.size`. */
export function uploadTooLarge(files: readonly { name: string; size: number }[]): string | null {
  if (files.length === 0) return 'nothing was chosen: pick a zip, a folder of class folders, an IDX pair or a CSV';
  if (files.length > IMAGE_SET_LIMITS.entries) return `${fmtCount(files.length, 'file')} were chosen; an upload may hold at most ${IMAGE_SET_LIMITS.entries.toLocaleString('en-US')}`;
  const total = files.reduce((n, f) => n + f.size, 0);
  return fileTooLarge(files.length === 1 ? files[0].name : `the ${files.length} files`, total, 'images');
}

type Kind = 'zip' | 'idx' | 'csv' | 'images';

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6);
const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
const isIdx = (b: Uint8Array) => b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0x08 && b[3] >= 1 && b[3] <= 4;

function kindOf(files: readonly UploadFile[]): Kind {
  if (files.length === 1) {
    const f = files[0];
    if (isZip(f.bytes) || /\.zip$/i.test(f.path)) return 'zip';
    if (/\.csv$/i.test(f.path)) return 'csv';
    if (IMAGE_EXT.test(f.path)) throw new UploadError(`${quote(baseName(f.path))} is one image: upload a zip or a folder with one subfolder of images per class`);
    throw new UploadError(`${quote(baseName(f.path))} is not a zip, an image folder, an IDX pair or a CSV (a .zip, a folder, two IDX files or a .csv)`);
  }
  if (files.length === 2 && files.every((f) => isGzip(f.bytes) || isIdx(f.bytes) || /idx\d-ubyte/i.test(f.path))) return 'idx';
  return 'images';
}

/**
 * Reads an upload into a dataset: checks the limits from names and headers, decodes the images
 * (a file that fails to decode is skipped and counted), resizes them, and hashes the result.
 * Throws `UploadError` with a short message when the upload cannot be a dataset.
 */
export async function readUpload(files: readonly UploadFile[], o: ReadOptions, decode: DecodeImage, progress?: (done: number, total: number) => void): Promise<UserDataset> {
  const bad = optionProblem(o);
  if (bad) throw new UploadError(bad);
  const tooLarge = uploadTooLarge(files.map((f) => ({ name: baseName(f.path), size: f.bytes.length })));
  if (tooLarge) throw new UploadError(tooLarge);
  const kind = kindOf(files);
  let items: Collected;
  let source: string;
  if (kind === 'idx') {
    items = await readIdxPair(files, o);
    source = `IDX pair ${files.map((f) => baseName(f.path)).join(' + ')}`;
  } else if (kind === 'csv') {
    items = readPixelCsv(files[0], o);
    source = `CSV ${baseName(files[0].path)}`;
  } else {
    const entries = kind === 'zip' ? unzipEntries(files[0]) : files;
    source = kind === 'zip' ? `zip ${baseName(files[0].path)}` : `folder ${files[0].path.split('/')[0]}`;
    items = await decodeImageSet(entries, o, decode, progress);
  }
  return finish(items, o, source);
}

interface Collected {
  classes: string[];
  /** Per image, in class then path order. */
  labels: number[];
  pixels: Uint8Array[];
  corrupt: Passed;
  ignored: Passed;
}

/** The zip's entries, its directory read first: too many or too large is refused before one is inflated. */
function unzipEntries(zip: UploadFile): UploadFile[] {
  const name = quote(baseName(zip.path));
  if (!isZip(zip.bytes)) throw new UploadError(`${name} is not a zip file (it does not start with a zip header)`);
  const names: string[] = [];
  let inflated = 0;
  try {
    unzipSync(zip.bytes, {
      filter: (f) => {
        if (!f.name.endsWith('/')) {
          names.push(f.name);
          inflated += f.originalSize;
        }
        return false;
      },
    });
  } catch (err) {
    throw new UploadError(`${name} is a broken zip (${clip(err instanceof Error ? err.message : String(err), 60)})`);
  }
  if (names.length === 0) throw new UploadError(`${name} holds no files`);
  if (names.length > IMAGE_SET_LIMITS.entries) throw new UploadError(`${name} holds ${fmtCount(names.length, 'file')}; an upload may hold at most ${IMAGE_SET_LIMITS.entries.toLocaleString('en-US')}`);
  if (inflated > IMAGE_SET_LIMITS.inflatedBytes) throw new UploadError(`${name} would inflate to ${(inflated / 2 ** 20).toFixed(0)} MB; at most ${IMAGE_SET_LIMITS.inflatedBytes / 2 ** 20} MB`);
  let out: Record<string, Uint8Array>;
  try {
    // Only the images are inflated; the rest is counted by name below.
    out = unzipSync(zip.bytes, { filter: (f) => !f.name.endsWith('/') && IMAGE_EXT.test(f.name) && !hidden(f.name) });
  } catch (err) {
    throw new UploadError(`${name} is a broken zip (${clip(err instanceof Error ? err.message : String(err), 60)})`);
  }
  return names.map((path) => ({ path, bytes: out[path] ?? new Uint8Array(0) }));
}

/** Finder's and macOS zip's bookkeeping, not data. */
const hidden = (path: string) => path.split('/').some((p) => p.startsWith('.') || p === '__MACOSX');

async function decodeImageSet(entries: readonly UploadFile[], o: ReadOptions, decode: DecodeImage, progress?: (done: number, total: number) => void): Promise<Collected> {
  const ignored = passed();
  const corrupt = passed();
  const byClass = new Map<string, UploadFile[]>();
  for (const e of entries) {
    if (hidden(e.path)) continue;
    if (!IMAGE_EXT.test(e.path)) {
      note(ignored, `${e.path} (not an image)`);
      continue;
    }
    const parts = e.path.split('/').filter((p) => p !== '');
    if (parts.length < 2) throw new UploadError(`${quote(e.path)} is not inside a class folder: put each class's images in a subfolder named after the class`);
    const cls = parts[parts.length - 2];
    if (e.bytes.length > IMAGE_SET_LIMITS.imageBytes) {
      note(corrupt, `${e.path} (over ${IMAGE_SET_LIMITS.imageBytes / 2 ** 20} MB)`);
      continue;
    }
    const list = byClass.get(cls) ?? [];
    list.push(e);
    byClass.set(cls, list);
  }
  const classes = [...byClass.keys()].sort(byCodeUnits);
  checkClassCount(classes, 'class folder');
  const total = [...byClass.values()].reduce((n, l) => n + l.length, 0);
  if (total > IMAGE_SET_LIMITS.images) throw new UploadError(`the upload holds ${fmtCount(total, 'image')}; a dataset may hold at most ${IMAGE_SET_LIMITS.images.toLocaleString('en-US')}`);
  const labels: number[] = [];
  const pixels: Uint8Array[] = [];
  let done = 0;
  for (const [c, cls] of classes.entries()) {
    for (const e of byClass.get(cls)!.sort((a, b) => byCodeUnits(a.path, b.path))) {
      let img: RawImage | null = null;
      try {
        img = await decode(e.bytes, e.path);
      } catch {
        img = null;
      }
      if (img && img.width > 0 && img.height > 0 && img.rgba.length === img.width * img.height * 4) {
        labels.push(c);
        pixels.push(resizeToInput(img.rgba, img.width, img.height, 4, o.size, o.channels));
      } else note(corrupt, `${e.path} (not a readable image)`);
      progress?.(++done, total);
    }
  }
  return { classes, labels, pixels, corrupt, ignored };
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function checkClassCount(classes: string[], what: string): void {
  if (classes.length === 0) throw new UploadError(`no images found: put each class's images in a subfolder named after the class`);
  if (classes.length === 1) throw new UploadError(`only one ${what} (${quote(classes[0])}): a classifier needs at least ${IMAGE_SET_LIMITS.classes.min} classes`);
  if (classes.length > IMAGE_SET_LIMITS.classes.max) throw new UploadError(`${classes.length} ${what}s; a dataset may have at most ${IMAGE_SET_LIMITS.classes.max} classes`);
}

async function readIdxPair(files: readonly UploadFile[], o: ReadOptions): Promise<Collected> {
  const parsed: { file: UploadFile; idx: IdxArray }[] = [];
  for (const f of files) {
    let bytes: Uint8Array;
    try {
      bytes = await gunzip(f.bytes);
    } catch {
      throw new UploadError(`${quote(baseName(f.path))} is not a readable gzip file`);
    }
    if (bytes.length > IMAGE_SET_LIMITS.inflatedBytes) throw new UploadError(`${quote(baseName(f.path))} inflates to more than ${IMAGE_SET_LIMITS.inflatedBytes / 2 ** 20} MB`);
    try {
      parsed.push({ file: f, idx: parseIdx(bytes, clip(baseName(f.path))) });
    } catch (err) {
      throw new UploadError(err instanceof Error ? err.message : String(err));
    }
  }
  const images = parsed.find((p) => p.idx.shape.length >= 3);
  const labels = parsed.find((p) => p.idx.shape.length === 1);
  if (!images || !labels) throw new UploadError(`an IDX pair is one file of images (n × height × width) and one of labels (n): got shapes ${parsed.map((p) => p.idx.shape.join('×')).join(' and ')}`);
  const [n, h, w, c = 1] = images.idx.shape;
  if (images.idx.shape.length > 4 || (c !== 1 && c !== 3)) throw new UploadError(`${quote(baseName(images.file.path))}: images must be n × height × width (× 1 or 3 channels), not ${images.idx.shape.join('×')}`);
  if (labels.idx.shape[0] !== n) throw new UploadError(`${fmtCount(n, 'image')} but ${fmtCount(labels.idx.shape[0], 'label')}`);
  if (n > IMAGE_SET_LIMITS.images) throw new UploadError(`the IDX pair holds ${fmtCount(n, 'image')}; a dataset may hold at most ${IMAGE_SET_LIMITS.images.toLocaleString('en-US')}`);
  const values = [...new Set(labels.idx.data)].sort((a, b) => a - b);
  const classes = values.map(String);
  checkClassCount(classes, 'label value');
  const index = new Map(values.map((v, i) => [v, i]));
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => index.get(labels.idx.data[a])! - index.get(labels.idx.data[b])! || a - b);
  const per = h * w * c;
  return {
    classes,
    labels: order.map((i) => index.get(labels.idx.data[i])!),
    pixels: order.map((i) => resizeToInput(images.idx.data.subarray(i * per, (i + 1) * per), w, h, c as 1 | 3, o.size, o.channels)),
    corrupt: passed(),
    ignored: passed(),
  };
}

/**
 * A CSV of pixel rows: a header with a "label" column, the other columns pixels (0..255, decimal),
 * as many as a square grayscale image (side²) or a square RGB one (side² × 3, r g b per pixel).
 */
function readPixelCsv(file: UploadFile, o: ReadOptions): Collected {
  const name = baseName(file.path);
  let text = new TextDecoder('utf-8', { fatal: false }).decode(file.bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = csvParseRows(text.replace(/(?:\r\n|\r|\n)$/, '')).filter((r) => !(r.length === 1 && r[0].trim() === ''));
  if (rows.length < 2) throw new UploadError(`${quote(name)}: a header and at least one row of pixels are needed`);
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const headerProblem = headerNamesProblem(header);
  if (headerProblem) throw new UploadError(`${quote(name)}: ${headerProblem}`);
  const labelCol = header.indexOf('label');
  if (labelCol < 0) throw new UploadError(`${quote(name)}: the header has no "label" column (found: ${clip(rows[0].join(', '))})`);
  const nPix = header.length - 1;
  const gray = Math.round(Math.sqrt(nPix));
  const rgb = Math.round(Math.sqrt(nPix / 3));
  const channels: 1 | 3 = gray * gray === nPix ? 1 : 3;
  const side = channels === 1 ? gray : rgb;
  if (side < 1 || side * side * channels !== nPix) throw new UploadError(`${quote(name)}: ${nPix} pixel columns are neither a square grayscale image (side²) nor a square RGB one (side² × 3)`);
  const n = rows.length - 1;
  if (n > IMAGE_SET_LIMITS.images) throw new UploadError(`${quote(name)} holds ${fmtCount(n, 'row')}; a dataset may hold at most ${IMAGE_SET_LIMITS.images.toLocaleString('en-US')}`);
  const raw: { label: string; px: Uint8Array }[] = [];
  rows.slice(1).forEach((r, k) => {
    const line = k + 2;
    if (r.length !== header.length) throw new UploadError(`${quote(name)}, row ${line}: ${r.length} fields, the header has ${header.length}`);
    const label = r[labelCol].trim();
    if (label === '') throw new UploadError(`${quote(name)}, row ${line}: the label is empty`);
    const px = new Uint8Array(nPix);
    let j = 0;
    for (let i = 0; i < r.length; i++) {
      if (i === labelCol) continue;
      const v = decimalOf(r[i]);
      if (!(v >= 0 && v <= 255)) throw new UploadError(`${quote(name)}, row ${line}, column ${i + 1}: ${quote(r[i])} is not a pixel value (a decimal number 0..255)`);
      px[j++] = Math.round(v);
    }
    raw.push({ label, px });
  });
  const names = [...new Set(raw.map((r) => r.label))];
  const numeric = names.every((s) => decimalOf(s) === decimalOf(s));
  const classes = names.sort(numeric ? (a, b) => decimalOf(a) - decimalOf(b) : byCodeUnits);
  checkClassCount(classes, 'label');
  const index = new Map(classes.map((c, i) => [c, i]));
  const order = raw.map((r, i) => ({ c: index.get(r.label)!, i })).sort((a, b) => a.c - b.c || a.i - b.i);
  return {
    classes,
    labels: order.map((x) => x.c),
    pixels: order.map((x) => resizeToInput(raw[x.i].px, side, side, channels, o.size, o.channels)),
    corrupt: passed(),
    ignored: passed(),
  };
}

async function finish(items: Collected, o: ReadOptions, source: string): Promise<UserDataset> {
  const counts = items.classes.map(() => 0);
  for (const l of items.labels) counts[l]++;
  const thin = items.classes.map((c, i) => ({ c, n: counts[i] })).filter((x) => x.n < IMAGE_SET_LIMITS.perClassMin);
  if (thin.length > 0) {
    const x = thin[0];
    const lost = items.corrupt.count > 0 ? ` (${fmtCount(items.corrupt.count, 'file')} could not be read)` : '';
    throw new UploadError(`class ${quote(x.c, 30)} has ${fmtCount(x.n, 'image')}${thin.length > 1 ? ` (and ${thin.length - 1} more classes too few)` : ''}; each class needs at least ${IMAGE_SET_LIMITS.perClassMin}${lost}`);
  }
  const per = o.size * o.size * o.channels;
  const pixels = new Uint8Array(items.pixels.length * per);
  items.pixels.forEach((p, i) => pixels.set(p, i * per));
  const labels = Uint8Array.from(items.labels);
  const contentHash = await hashContent({ classes: items.classes, size: o.size, channels: o.channels, splitSeed: o.splitSeed }, labels, pixels);
  return {
    id: userDatasetId(o.name, contentHash),
    name: o.name.trim(),
    classes: items.classes,
    counts,
    size: o.size,
    channels: o.channels,
    splitSeed: o.splitSeed,
    pixels,
    labels,
    source,
    corrupt: items.corrupt,
    ignored: items.ignored,
    contentHash,
  };
}

/** SHA-256 (hex) over what makes the dataset: its header as JSON, then the labels and the pixels. */
export async function hashContent(header: { classes: string[]; size: number; channels: number; splitSeed: number }, labels: Uint8Array, pixels: Uint8Array): Promise<string> {
  const head = new TextEncoder().encode(JSON.stringify([header.classes, header.size, header.channels, header.splitSeed]));
  const all = new Uint8Array(head.length + labels.length + pixels.length);
  all.set(head, 0);
  all.set(labels, head.length);
  all.set(pixels, head.length + labels.length);
  // Browsers offer SHA-256 only to secure origins (https, localhost): a page served over plain http elsewhere has none.
  const subtle = globalThis.crypto?.subtle as SubtleCrypto | undefined;
  if (!subtle) throw new UploadError('this browser offers no SHA-256 here (the page is not served over https or from localhost), and your images are named by their hash: open the page over https');
  const digest = await subtle.digest('SHA-256', all);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * One image as the network's input: the centred square of the source (src has `srcChannels`
 * interleaved values per pixel, 1, 3 or 4 — alpha is ignored), averaged over the area each output
 * pixel covers (exact box filtering, so shrinking a photo keeps its detail's mean), then gray by
 * ITU-R 601 luma (as PIL's convert('L')) or RGB, rounded to 0..255.
 */
export function resizeToInput(src: ArrayLike<number>, width: number, height: number, srcChannels: 1 | 3 | 4, size: number, channels: Channels): Uint8Array {
  const side = Math.min(width, height);
  const x0 = Math.floor((width - side) / 2);
  const y0 = Math.floor((height - side) / 2);
  const scale = side / size;
  const out = new Uint8Array(size * size * channels);
  const acc = [0, 0, 0];
  for (let oy = 0; oy < size; oy++) {
    const ya = oy * scale;
    const yb = ya + scale;
    for (let ox = 0; ox < size; ox++) {
      const xa = ox * scale;
      const xb = xa + scale;
      acc[0] = acc[1] = acc[2] = 0;
      let area = 0;
      for (let y = Math.floor(ya); y < Math.ceil(yb) && y < side; y++) {
        const wy = Math.min(yb, y + 1) - Math.max(ya, y);
        for (let x = Math.floor(xa); x < Math.ceil(xb) && x < side; x++) {
          const wgt = wy * (Math.min(xb, x + 1) - Math.max(xa, x));
          const p = ((y0 + y) * width + x0 + x) * srcChannels;
          if (srcChannels === 1) {
            acc[0] += wgt * src[p];
            acc[1] += wgt * src[p];
            acc[2] += wgt * src[p];
          } else {
            acc[0] += wgt * src[p];
            acc[1] += wgt * src[p + 1];
            acc[2] += wgt * src[p + 2];
          }
          area += wgt;
        }
      }
      const q = (oy * size + ox) * channels;
      if (channels === 1) out[q] = Math.round((0.299 * acc[0] + 0.587 * acc[1] + 0.114 * acc[2]) / area);
      else for (let k = 0; k < 3; k++) out[q + k] = Math.round(acc[k] / area);
    }
  }
  return out;
}

/**
 * Train / validation / test indices, stratified: each class's images shuffled by the split seed,
 * a fifth (at least one) to validation, a fifth (at least one) to test, the rest to train; each
 * split's order then shuffled, so a prefix of it (the supernet's scoring batch) mixes the classes.
 */
export function stratifiedSplit(labels: ArrayLike<number>, numClasses: number, seed: number): { train: number[]; val: number[]; test: number[] } {
  const rng = new Rng(seed).fork('user-split');
  const train: number[] = [];
  const val: number[] = [];
  const test: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const idx: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === c) idx.push(i);
    rng.shuffle(idx);
    const k = Math.max(1, Math.round(idx.length * 0.2));
    val.push(...idx.slice(0, k));
    test.push(...idx.slice(k, 2 * k));
    train.push(...idx.slice(2 * k));
  }
  return { train: rng.shuffle(train), val: rng.shuffle(val), test: rng.shuffle(test) };
}

export function summaryOf(d: UserDataset): UserDatasetSummary {
  const s = stratifiedSplit(d.labels, d.classes.length, d.splitSeed);
  return {
    name: d.name,
    classes: [...d.classes],
    counts: [...d.counts],
    contentHash: d.contentHash,
    size: d.size,
    channels: d.channels,
    splitSeed: d.splitSeed,
    splits: { train: s.train.length, val: s.val.length, test: s.test.length },
    source: d.source,
    corrupt: d.corrupt.count,
  };
}

/** What `datasetInfo` answers for a learner's dataset once it is registered. */
export function userDatasetInfo(d: UserDataset): DatasetInfo {
  const n = d.labels.length;
  return {
    id: d.id,
    title: `${d.name}: your ${n.toLocaleString('en-US')} images, ${d.size}×${d.size} ${d.channels === 1 ? 'grayscale' : 'RGB'}, ${d.classes.length} classes`,
    files: [],
    classes: [...d.classes],
    inputShape: [d.size, d.size, d.channels],
    license: 'your own images, kept in this browser',
    user: summaryOf(d),
  };
}

/** The dataset the network trains on: pixels / 255, split by the seed, standardised by the train split's mean and std. */
export function prepareUserDataset(d: UserDataset): Dataset {
  const per = d.size * d.size * d.channels;
  const raw = new Float32Array(d.pixels.length);
  for (let i = 0; i < raw.length; i++) raw[i] = d.pixels[i] / 255;
  const s = stratifiedSplit(d.labels, d.classes.length, d.splitSeed);
  const train = take(raw, d.labels, s.train, per);
  const stats = standardise(train.x, [train]);
  const val = take(raw, d.labels, s.val, per);
  const test = take(raw, d.labels, s.test, per);
  standardise(train.x, [val, test], stats);
  return {
    info: userDatasetInfo(d),
    train,
    val,
    test,
    preprocessing: {
      source: `${d.source} (your own images, SHA-256 ${d.contentHash.slice(0, 16)}…)`,
      scale: 'pixel / 255',
      downsample: `centred square crop, area-averaged to ${d.size}×${d.size}${d.channels === 1 ? ', grayscale (ITU-R 601 luma)' : ', RGB'}`,
      standardise: { ...stats, from: 'train split' },
      split: `stratified by class with the split seed: a fifth of each class to val, a fifth to test; train ${train.n} / val ${val.n} / test ${test.n}`,
      splitSeed: d.splitSeed,
    },
  };
}

/** The split seed a learner's upload starts with: the shipped datasets'. */
export const DEFAULT_USER_SPLIT_SEED = SPLIT_SEED;

const isPassed = (p: unknown): p is Passed => typeof p === 'object' && p !== null && Number.isInteger((p as Passed).count) && Array.isArray((p as Passed).examples);

/** A stored record read back from IndexedDB, checked field by field (and its hash recomputed), or why not. */
export async function checkStoredDataset(raw: unknown): Promise<UserDataset | string> {
  const r = raw as Partial<UserDataset> | null;
  if (typeof r !== 'object' || r === null) return 'the stored dataset is not a record';
  if (typeof r.id !== 'string' || typeof r.name !== 'string' || typeof r.source !== 'string' || typeof r.contentHash !== 'string') return 'the stored dataset lacks its id, name, source or hash';
  if (!Array.isArray(r.classes) || !r.classes.every((c) => typeof c === 'string') || !Array.isArray(r.counts)) return `${quote(r.id)}: its classes are damaged`;
  if (!(r.pixels instanceof Uint8Array) || !(r.labels instanceof Uint8Array)) return `${quote(r.id)}: its pixels are damaged`;
  if (!(IMAGE_SET_LIMITS.sizes as readonly number[]).includes(r.size as number) || (r.channels !== 1 && r.channels !== 3) || !Number.isSafeInteger(r.splitSeed)) return `${quote(r.id)}: its size, channels or split seed are damaged`;
  if (r.pixels.length !== r.labels.length * r.size! * r.size! * r.channels || !isPassed(r.corrupt) || !isPassed(r.ignored)) return `${quote(r.id)}: its pixels do not match its labels`;
  let hash: string;
  try {
    hash = await hashContent({ classes: r.classes, size: r.size!, channels: r.channels, splitSeed: r.splitSeed! }, r.labels, r.pixels);
  } catch (err) {
    return `${quote(r.id)}: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (hash !== r.contentHash || r.id !== userDatasetId(r.name, hash)) return `${quote(r.id)}: its content no longer matches its hash`;
  return r as UserDataset;
}
