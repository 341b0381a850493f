import { expect, test } from '@playwright/test';
import { count, openQuick } from './util';

/** Without --enable-unsafe-webgpu headless Chromium has no WebGPU adapter: the fallback path. */
test('without WebGPU, auto falls back to webgl and says why', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/?method=random&dataset=digits&evaluator=supernet&budget=2&seed=1&speed=max&supernetSteps=4&finalEpochs=1&backend=auto');
  const badge = page.getByTestId('backend-badge');
  await expect(badge).toContainText(/webgl|cpu/, { timeout: 120_000 });
  await expect(badge).toHaveAttribute('title', /webgpu/i);
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
