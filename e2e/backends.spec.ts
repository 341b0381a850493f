import { expect, test } from '@playwright/test';
import { count, openQuick } from './util';

/**
 * Without --enable-unsafe-webgpu headless Chromium offers webgl (SwiftShader, software) and cpu:
 * 'auto' must end on cpu, the faster of the two here.
 */
test('auto keeps the fastest backend: cpu here, where webgl is SwiftShader; timing every backend shows the rates and is remembered', async ({ page }) => {
  await page.goto('/?backend=auto');
  const badge = page.getByTestId('backend-badge');
  // Software renderers are recognised and not timed by default, so the page is ready in seconds.
  await expect(badge).toContainText('backend: cpu', { timeout: 60_000 });
  await expect(badge).toHaveAttribute('title', /webgl: a software renderer \(.*SwiftShader.*\), slower than the cpu backend; not timed/);

  // Asked to time every backend, the worker trains a few steps on each and keeps the fastest.
  await page.getByTestId('backend-why').click();
  await page.getByTestId('backend-remeasure').click();
  // webgl was timed: slower per step, or still compiling its shaders past the calibration's limit.
  await expect(badge).toHaveAttribute('title', /webgl: (measured \d+ ms per training step, slower than cpu|still warming up after \d+ s)/, { timeout: 180_000 });
  await expect(badge).toContainText('backend: cpu');
  // The details stay open across the new worker's start.
  await expect(page.getByTestId('backend-rates')).toBeVisible();
  const rates = page.getByTestId('backend-rates').locator('li');
  const ms = Object.fromEntries(await rates.evaluateAll((els) => els.map((e) => [e.getAttribute('data-backend'), Number(e.getAttribute('data-ms'))])));
  expect(ms.cpu).toBeGreaterThan(0);
  if (ms.webgl !== undefined) expect(ms.webgl).toBeGreaterThan(ms.cpu);
  const shown = await rates.count();

  // Remembered per browser: a reload starts cpu without measuring again, and still shows the rates.
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('nas-playground/auto-backend') ?? 'null'));
  expect(stored).toMatchObject({ name: 'cpu' });
  await page.reload();
  await expect(badge).toContainText('backend: cpu', { timeout: 60_000 });
  await page.getByTestId('backend-why').click();
  await expect(page.getByTestId('backend-details')).toContainText('the backend this browser measured fastest');
  await expect(page.getByTestId('backend-rates').locator('li')).toHaveCount(shown);
});

test('a run on webgl trains there and leaves no tensor behind', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/?method=random&dataset=digits&evaluator=supernet&budget=2&seed=1&speed=max&supernetSteps=4&finalEpochs=1&backend=webgl');
  await expect(page.getByTestId('backend-badge')).toContainText('backend: webgl (chosen)', { timeout: 120_000 });
  await page.getByTestId('start-button').click();
  await expect.poll(() => count(page, 'loss-chart'), { timeout: 180_000 }).toBeGreaterThanOrEqual(4);
  // No tensor outlives the run on this backend: the worker's live count returns to zero.
  await expect(page.getByTestId('run-status')).toHaveText(/done/i, { timeout: 240_000 });
  await expect(page.getByTestId('tensor-count')).toHaveAttribute('data-count', '0');
  await page.getByTestId('reset-button').click();
});

test('a forced backend is used', async ({ page }) => {
  await openQuick(page, { backend: 'cpu' });
  await expect(page.getByTestId('backend-badge')).toContainText('cpu');
});
