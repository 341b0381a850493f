import { expect, test } from '@playwright/test';
import { count, expectCleanGpuSteps } from './util';

/**
 * Headless Chromium offers a WebGPU adapter only with --enable-unsafe-webgpu (SwiftShader here,
 * about 10× slower than the CPU backend on convolutions), so the run is tiny.
 */
test.use({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan'] } });

test('with an adapter offered, a run on webgpu trains there and leaves no tensor behind', async ({ page }) => {
  test.setTimeout(600_000); // the final retrain (one epoch) is slow on software WebGPU
  await page.goto('/?method=random&dataset=digits&evaluator=supernet&budget=2&seed=1&speed=max&supernetSteps=6&finalEpochs=1&backend=webgpu');
  await expect(page.getByTestId('backend-badge')).toContainText('backend: webgpu (chosen)', { timeout: 120_000 });
  await page.getByTestId('start-button').click();
  await expect.poll(() => count(page, 'loss-chart'), { timeout: 180_000 }).toBeGreaterThanOrEqual(6);
  await expect.poll(() => count(page, 'score-chart'), { timeout: 180_000 }).toBeGreaterThan(0);
  // No tensor outlives the run on this backend: the worker's live count returns to zero.
  await expect(page.getByTestId('run-status')).toHaveText(/done/i, { timeout: 240_000 });
  await expect(page.getByTestId('tensor-count')).toHaveAttribute('data-count', '0');
  await page.getByTestId('reset-button').click();
});

test('webgpu: no pipeline compiles after the warm-up and no read-back inside a training step', async ({ page }) => {
  test.setTimeout(300_000);
  // The same contract as e2e/gpuCounts.spec.ts on WebGL.
  await expectCleanGpuSteps(page, 'webgpu');
});
