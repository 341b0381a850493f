import { expect, test, type Page } from '@playwright/test';
import { fixture } from './fixtures';
import { count } from './util';

/**
 * DNA and Cream in the worker. Their views are checked from recorded runs (views.spec.ts); what
 * stays live here is what only the worker can show: a block chain trained from its file, and a
 * bad setting refused before anything trains.
 */
async function open(page: Page, method: 'dna' | 'cream', methodSettings: unknown, expectProblems = false): Promise<void> {
  const q = new URLSearchParams({ method, dataset: 'digits', budget: '10', seed: '4', speed: 'max', backend: 'cpu', finalEpochs: '1', methodSettings: JSON.stringify(methodSettings) });
  await page.goto(`/?${q}`);
  await expect(page.getByTestId('backend-badge')).toContainText('cpu', { timeout: 120_000 });
  if (!expectProblems) await expect(page.getByTestId('config-error')).toHaveCount(0);
}

test('an imported DNA chain is trained again from scratch in the worker, with the structure of its file', async ({ page }) => {
  const f = fixture('dna-digits');
  await page.goto('/?backend=cpu&speed=max');
  await expect(page.getByTestId('backend-badge')).toContainText('cpu', { timeout: 120_000 });
  await page.getByTestId('import-input').setInputFiles(f.path);
  await expect(page.getByTestId('import-block-graph')).toBeVisible();
  await page.getByTestId('import-train-button').click();
  await expect(page.getByRole('heading', { name: 'Trained architecture' })).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId('final-result')).toContainText(f.file.arch);
  await expect(page.getByTestId('final-block-graph')).toBeVisible();
  await expect(page.getByTestId('run-status')).toHaveText(/done/i);
  // Trained on the digits for the file's one epoch: better than chance (10 %), from real steps.
  expect(Number((await page.getByTestId('final-test-acc').textContent())!.replace(/[^\d.]/g, ''))).toBeGreaterThan(10);
  await expect(page.getByTestId('tensor-count')).toHaveAttribute('data-count', '0');
});

test('a misspelt method setting is refused with a message naming it, and nothing runs', async ({ page }) => {
  await open(page, 'cream', { supernet: { stepz: 10 } }, true);
  // The page's own check (the one the worker and the CLI ask) names it before Start, and Start refuses.
  await expect(page.getByTestId('config-error')).toContainText(/unknown Cream setting "supernet\.stepz"/);
  await page.getByTestId('start-button').click();
  await expect(page.getByText(/Cannot start: .*unknown Cream setting "supernet\.stepz"/)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('cream-board-card')).toHaveCount(0);
  expect(await count(page, 'loss-chart')).toBe(0);
});

test("DNA's op choices: a pointwise MBConv joins the set through the form, and a set without an MBConv is refused in words", async ({ page }) => {
  await page.goto('/?method=dna&dataset=fashion&backend=cpu');
  await page.getByTestId('method-settings').locator('summary').first().click();
  const json = page.getByTestId('method-settings-input');
  await page.getByTestId('dna-setting-op-mb3_k1').check();
  await expect(json).toHaveValue(/"ops":\["mb3_k3","mb3_k5","mb6_k3","mb6_k5","mb3_k1"\]/);
  for (const op of ['mb3_k3', 'mb3_k5', 'mb6_k3', 'mb6_k5', 'mb3_k1']) await page.getByTestId(`dna-setting-op-${op}`).uncheck();
  await page.getByTestId('dna-setting-skip').check();
  await expect(json).toHaveValue(/"ops":\["skip"\]/);
  await expect(page.getByTestId('dna-settings').getByRole('alert')).toContainText('at least one MBConv op is needed');
  // Ticked back in any order, the set is written in the space's order.
  await page.getByTestId('dna-setting-op-mb3_k3').check();
  await page.getByTestId('dna-setting-op-mb3_k1').check();
  await expect(json).toHaveValue(/"ops":\["mb3_k3","mb3_k1","skip"\]/);
  await expect(page.getByTestId('dna-settings').getByRole('alert')).toHaveCount(0);
});
