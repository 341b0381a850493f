import { readFileSync } from 'node:fs';
import { type Download, expect, test } from '@playwright/test';
import { watchCsp } from './util';

/**
 * Take it home (#18): a quick random search on the shipped digits retrains its winner; the panel
 * exports it as a TensorFlow.js model; the downloaded files, picked again as a learner would,
 * are loaded with tf.loadLayersModel in the page's worker and predict as the playground does on
 * every test image. The code files come down too, stating the playground's parameter count.
 */
test('a retrained winner exported as a TF.js model loads in the page and predicts the same', async ({ page }) => {
  test.setTimeout(120_000);
  const violations = await watchCsp(page);
  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await page.goto('/?backend=cpu&method=random&supernetSteps=10&budget=4&finalEpochs=1');
  await expect(page.getByTestId('backend-badge')).toContainText('backend: cpu', { timeout: 60_000 });
  await expect(page.getByTestId('model-unavailable')).toContainText('once a run has retrained its winner');
  await expect(page.getByTestId('download-tfjs')).toBeDisabled();
  for (const id of ['json', 'tfjs', 'pytorch', 'keras']) await expect(page.getByTestId(`format-${id}`).locator('pre')).toBeVisible();

  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('run-status')).toHaveText(/done/i, { timeout: 90_000 });
  await expect(page.getByTestId('model-unavailable')).toHaveCount(0);
  await page.getByTestId('model-prepare').click();
  await expect(page.getByTestId('download-tfjs')).toBeEnabled();

  await page.getByTestId('download-tfjs').click();
  await expect.poll(() => downloads.length).toBe(2);
  const files = await Promise.all(downloads.map(async (d) => ({ name: d.suggestedFilename(), buffer: readFileSync((await d.path())!) })));
  expect(files.map((f) => f.name).sort()).toEqual(['model.json', 'model.weights.bin']);
  const json = JSON.parse(files.find((f) => f.name === 'model.json')!.buffer.toString('utf8')) as { format: string; weightsManifest: { paths: string[] }[] };
  expect(json.format).toBe('layers-model');
  expect(json.weightsManifest[0].paths).toEqual(['model.weights.bin']);

  // Only model.json: a clear message, nothing loaded.
  await page.getByTestId('model-check-input').setInputFiles([{ name: 'model.json', mimeType: 'application/json', buffer: files.find((f) => f.name === 'model.json')!.buffer }]);
  await expect(page.getByTestId('model-check-error')).toContainText('weights file');

  await page.getByTestId('model-check-input').setInputFiles(files.map((f) => ({ ...f, mimeType: f.name.endsWith('.json') ? 'application/json' : 'application/octet-stream' })));
  const result = page.getByTestId('model-check-result');
  await expect(result).toBeVisible({ timeout: 30_000 });
  const diff = Number(await result.getAttribute('data-max-abs-diff'));
  expect(diff).toBeGreaterThanOrEqual(0);
  expect(diff).toBeLessThanOrEqual(1e-4);
  const [, images, same] = /over ([\d,]+) test images; same class on ([\d,]+)/.exec((await result.textContent()) ?? '') ?? [];
  expect(Number(images.replace(/,/g, ''))).toBeGreaterThan(100);
  expect(same).toBe(images);
  console.log(`in the page's worker: max |Δ| ${diff} over ${images} test images`);

  downloads.length = 0;
  await page.getByTestId('download-pytorch').click();
  await page.getByTestId('download-keras').click();
  await expect.poll(() => downloads.length).toBe(2);
  const code = Object.fromEntries(await Promise.all(downloads.map(async (d) => [d.suggestedFilename(), readFileSync((await d.path())!, 'utf8')] as const)));
  expect(code['model.py']).toContain('class Net(nn.Module)');
  expect(code['model_keras.py']).toContain('def build_model()');
  const params = (text: string) => /PARAMS = (\d+)/.exec(text)?.[1];
  expect(params(code['model.py'])).toBeDefined();
  expect(params(code['model.py'])).toBe(params(code['model_keras.py']));
  expect(await violations()).toEqual([]);
});

test('a run without retrained weights in this page says why there is no model', async ({ page }) => {
  await page.goto('/');
  // A table run looks its scores up: nothing was trained.
  await page.locator('[data-testid="gallery-card"][data-run="evolution-nb201"]').click();
  await expect(page.getByTestId('run-status')).toHaveText(/done/i);
  await expect(page.getByTestId('model-unavailable')).toContainText('table evaluator looks scores up and trains nothing');
  // A recorded run that did retrain its winner: its weights were never in this page.
  await page.locator('[data-testid="gallery-card"][data-run="random-digits"]').click();
  await expect(page.getByTestId('run-status')).toHaveText(/done/i);
  await expect(page.getByTestId('model-unavailable')).toContainText('replayed, restored or imported run has none');
  await expect(page.getByTestId('download-tfjs')).toBeDisabled();
  await expect(page.getByTestId('model-check-input')).toBeDisabled();
});
