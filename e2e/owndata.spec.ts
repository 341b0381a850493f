import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { deflateSync, gunzipSync } from 'node:zlib';
import { type Download, expect, test, type Page } from '@playwright/test';
import { unzipSync, zipSync } from 'fflate';
import { validateArchitectureFile } from '../src/engine/export/architectureFile';
import AxeBuilder from '@axe-core/playwright';
import { openQuick, runStatus, watchCsp } from './util';

/**
 * A learner's own images, end to end: a zip made here of real Fashion-MNIST images encoded as
 * PNGs, read in the page's decode worker (createImageBitmap), previewed, kept, and searched.
 */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (b: Buffer) => {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** An 8-bit grayscale PNG: signature, IHDR, one IDAT of filter-0 rows, IEND. */
function png(gray: Uint8Array, w: number, h: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  const rows = Buffer.alloc((w + 1) * h);
  for (let y = 0; y < h; y++) rows.set(gray.subarray(y * w, (y + 1) * w), y * (w + 1) + 1);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** `perClass` Fashion-MNIST test images of each named class, as PNGs in clothes/<class>/. */
function clothesZip(classes: Record<string, number>, perClass: number): Uint8Array {
  const dir = 'public/datasets/fashion-mnist-subset';
  const images = gunzipSync(readFileSync(`${dir}/test-images-idx3-ubyte.gz`)).subarray(16);
  const labels = gunzipSync(readFileSync(`${dir}/test-labels-idx1-ubyte.gz`)).subarray(8);
  const files: Record<string, Uint8Array> = {};
  for (const [name, label] of Object.entries(classes)) {
    let k = 0;
    for (let i = 0; i < labels.length && k < perClass; i++) {
      if (labels[i] !== label) continue;
      files[`clothes/${name}/${String(k).padStart(3, '0')}.png`] = png(images.subarray(i * 784, (i + 1) * 784), 28, 28);
      k++;
    }
  }
  return zipSync(files);
}

async function openDialog(page: Page): Promise<void> {
  await page.getByTestId('dataset-select').selectOption('(own)');
  await expect(page.getByTestId('owndata-dialog')).toBeVisible();
}
const upload = (page: Page, name: string, bytes: Uint8Array) => page.getByTestId('owndata-file').setInputFiles({ name, mimeType: 'application/zip', buffer: Buffer.from(bytes) });

test('three Fashion-MNIST classes × 50 PNGs in a zip: preview, keep, a quick random search, and its winner exported as a TF.js model that predicts the same in the page', async ({ page }) => {
  const violations = await watchCsp(page);
  await openQuick(page, { budget: '4', supernetSteps: '20' });
  await openDialog(page);
  await expect(page.getByTestId('owndata-limits')).toContainText('up to 64 MB in all, 2–20 classes, at most 6,000 images');
  await upload(page, 'clothes.zip', clothesZip({ tshirt: 0, trouser: 1, sneaker: 7 }, 50));
  const preview = page.getByTestId('owndata-preview');
  await expect(preview).toBeVisible();
  await expect(preview).toContainText('150 images in 3 classes, 14×14 grayscale');
  // Classes in name order, each with its count and its thumbnails as the network sees them.
  for (const [k, name] of ['sneaker', 'trouser', 'tshirt'].entries()) {
    await expect(page.getByTestId(`owndata-class-${k}`)).toContainText(name);
    await expect(page.getByTestId(`owndata-count-${k}`)).toHaveText('50');
    await expect(page.getByTestId(`owndata-class-${k}`).locator('canvas')).toHaveCount(6);
  }
  await expect(page.getByTestId('owndata-balance')).toHaveText('Balanced: 50–50 images per class.');
  const axe = await new AxeBuilder({ page }).include('[data-testid="owndata-dialog"]').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await page.getByTestId('owndata-use').click();
  await expect(page.getByTestId('owndata-dialog')).toBeHidden();
  const id = await page.getByTestId('dataset-select').inputValue();
  expect(id).toMatch(/^user:clothes-[0-9a-f]{12}$/);
  await expect(page).toHaveURL(new RegExp(`dataset=${encodeURIComponent(id)}`));

  const started = Date.now();
  await page.getByTestId('start-button').click();
  await expect.poll(() => runStatus(page), { timeout: 180_000 }).toBe('done');
  const seconds = (Date.now() - started) / 1000;
  console.log(`quick random search on 150 own images: ${seconds.toFixed(1)} s`);
  await expect(page.getByTestId('final-result')).toContainText(/test/i);

  // Take it home: the winner retrained on the learner's images, exported as a TF.js model and
  // loaded back with tf.loadLayersModel in the page's worker, predicts as the playground does on
  // every one of the learner's test images.
  const modelFiles: Download[] = [];
  const onDownload = (d: Download) => modelFiles.push(d);
  page.on('download', onDownload);
  await page.getByTestId('model-prepare').click();
  await page.getByTestId('download-tfjs').click();
  await expect.poll(() => modelFiles.length).toBe(2);
  page.off('download', onDownload);
  const picked = await Promise.all(modelFiles.map(async (d) => ({ name: d.suggestedFilename(), mimeType: d.suggestedFilename().endsWith('.json') ? 'application/json' : 'application/octet-stream', buffer: await readFile((await d.path())!) })));
  expect(picked.map((f) => f.name).sort()).toEqual(['model.json', 'model.weights.bin']);
  await page.getByTestId('model-check-input').setInputFiles(picked);
  const check = page.getByTestId('model-check-result');
  await expect(check).toBeVisible({ timeout: 30_000 });
  expect(Number(await check.getAttribute('data-max-abs-diff'))).toBeLessThanOrEqual(1e-4);
  await expect(check).toContainText(/over 30 test images; same class on 30/);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-button').click()]);
  const file = JSON.parse(await readFile((await download.path())!, 'utf8'));
  expect(validateArchitectureFile(file).ok).toBe(false); // this Node process does not hold the images …
  expect(file.dataset.id).toBe(id);
  expect(file.dataset.user).toMatchObject({ name: 'clothes', classes: ['sneaker', 'trouser', 'tshirt'], counts: [50, 50, 50], size: 14, channels: 1, splits: { train: 90, val: 30, test: 30 } });
  expect(id.endsWith(file.dataset.user.contentHash.slice(0, 12))).toBe(true);
  expect(file.log.find((e: { type: string }) => e.type === 'run-start').datasetSizes).toEqual({ train: 90, val: 30, test: 30 });
  // … and the page, which does, imports it back.
  await page.getByTestId('import-input').setInputFiles((await download.path())!);
  await expect(page.getByTestId('import-result')).toContainText(file.arch.slice(0, 20));
  await expect(page.getByTestId('import-error')).toHaveCount(0);

  // Kept in this browser: after a reload the dataset is still there and still chosen.
  await page.reload();
  await expect(page.getByTestId('dataset-select')).toHaveValue(id);
  await expect(page.getByTestId('dataset-select').locator(`option[value="${id}"]`)).toHaveText('clothes (14×14)');
  expect(await violations()).toEqual([]);
});

test('a broken zip and a single class are refused with their message, and nothing changes', async ({ page }) => {
  await openQuick(page);
  const before = page.url();
  await openDialog(page);
  const good = clothesZip({ tshirt: 0, trouser: 1 }, 6);
  await upload(page, 'cut.zip', good.subarray(0, good.length - 40));
  await expect(page.getByTestId('owndata-error')).toContainText(/^"cut\.zip" is a broken zip \(/);
  await expect(page.getByTestId('owndata-use')).toBeDisabled();
  await upload(page, 'one.zip', clothesZip({ bag: 8 }, 6));
  await expect(page.getByTestId('owndata-error')).toHaveText('only one class folder ("bag"): a classifier needs at least 2 classes');
  await upload(page, 'notes.txt', new TextEncoder().encode('hello'));
  await expect(page.getByTestId('owndata-error')).toHaveText('"notes.txt" is not a zip, an image folder, an IDX pair or a CSV (a .zip, a folder, two IDX files or a .csv)');
  await expect(page.getByTestId('owndata-preview')).toHaveCount(0);
  await page.getByTestId('owndata-cancel').click();
  await expect(page.getByTestId('owndata-dialog')).toBeHidden();
  await expect(page.getByTestId('dataset-select')).toHaveValue('digits');
  expect(page.url()).toBe(before);
  await expect(page.getByTestId('dataset-select').locator('option[value^="user:"]')).toHaveCount(0);
});

test("a link naming someone else's images says they are not in this browser", async ({ page }) => {
  await openQuick(page, { dataset: 'user:pets-0123456789ab' });
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('error-message')).toContainText('the dataset "user:pets-0123456789ab" is someone\'s own images, not kept in this browser');
  expect(await runStatus(page)).toBe('idle');
});

test('a chosen folder of class folders: an unreadable image is skipped and counted, a stray file named, the imbalance said', async ({ page }) => {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'owndata-')), 'shoes');
  const files = unzipSync(clothesZip({ sandal: 5, sneaker: 7 }, 12));
  for (const [name, bytes] of Object.entries(files)) {
    // The sandals keep 6 of their 12: an imbalance of 2×.
    if (name.includes('/sandal/') && Number(name.slice(-7, -4)) >= 6) continue;
    const to = path.join(root, name.replace(/^clothes\//, ''));
    mkdirSync(path.dirname(to), { recursive: true });
    writeFileSync(to, bytes);
  }
  writeFileSync(path.join(root, 'sneaker', 'broken.png'), 'not really a png');
  writeFileSync(path.join(root, 'sandal', 'notes.txt'), 'taken on the beach');
  await openQuick(page);
  await openDialog(page);
  await page.getByTestId('owndata-folder').setInputFiles(root);
  await expect(page.getByTestId('owndata-preview')).toContainText('18 images in 2 classes');
  await expect(page.getByTestId('owndata-count-0')).toHaveText('6');
  await expect(page.getByTestId('owndata-count-1')).toHaveText('12');
  await expect(page.getByTestId('owndata-balance')).toContainText('Imbalanced: "sneaker" has 12 images, "sandal" only 6 (2.0×)');
  await expect(page.getByTestId('owndata-skipped')).toHaveText('Skipped 1 image that could not be read (shoes/sneaker/broken.png (not a readable image)). Left out 1 file that is not an image (shoes/sandal/notes.txt (not an image)).');
  await expect(page.getByTestId('owndata-name')).toHaveValue('shoes');
  // RGB at 28×28 reads again from the same files.
  await page.getByTestId('owndata-size').selectOption('28');
  await page.getByTestId('owndata-color').selectOption('3');
  await expect(page.getByTestId('owndata-preview')).toContainText('18 images in 2 classes, 28×28 RGB');
});
