import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { CONTENT_SECURITY_POLICY } from '../vite.config';
import { count, watchCsp } from './util';

/**
 * The built page carries a Content-Security-Policy (vite.config.ts) and nothing the playground
 * does breaks it: a live run (the module worker, the datasets, the CPU backend's WebAssembly
 * convolution kernels, which 'wasm-unsafe-eval' lets it compile), every recorded run of the
 * gallery, an export and its import. The policy is checked to be in force: an injected inline
 * script is refused and reported, which is what makes a clean run mean something.
 */
test('the policy is in force, and a live run, the gallery, export and import cause no violation', async ({ page }) => {
  test.setTimeout(300_000);
  const violations = await watchCsp(page);
  await page.goto('/?backend=cpu&method=random&supernetSteps=10&budget=4&finalEpochs=1');
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', CONTENT_SECURITY_POLICY);
  await expect(page.getByTestId('backend-badge')).toContainText('backend: cpu', { timeout: 120_000 });

  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('run-status')).toHaveText(/done/i, { timeout: 180_000 });
  expect(await count(page, 'score-chart')).toBe(4);
  const download = page.waitForEvent('download');
  await page.getByTestId('export-include-log').check();
  await page.getByTestId('export-button').click();
  const file = await (await download).path();
  await page.getByTestId('import-input').setInputFiles({ name: 'run.json', mimeType: 'application/json', buffer: readFileSync(file!) });
  await expect(page.getByTestId('import-result')).toBeVisible();

  const index = JSON.parse(readFileSync(path.resolve('public', 'runs', 'index.json'), 'utf8')) as Record<string, unknown>;
  for (const name of Object.keys(index)) {
    await page.locator(`[data-testid="gallery-card"][data-run="${name}"]`).click();
    await expect(page.getByTestId('run-status')).toHaveText(/done/i);
  }
  expect(await violations()).toEqual([]);

  // The control: an inline script is refused, so the empty list above was not for lack of a policy.
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.append(s);
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan ?? false;
  });
  expect(ran).toBe(false);
  await expect.poll(async () => (await violations()).some((v) => /script-src/.test(v))).toBe(true);
});
