import { expect, test } from '@playwright/test';
import { METHOD_CATALOG } from '../src/engine/methods/catalog';

/**
 * Presets, the estimate before Start, what "budget" means per method, and why a search ended
 * before its budget. The estimate needs the worker's calibration of its backend: with a forced
 * backend the worker times it after 'ready'.
 */
const seconds = async (page: import('@playwright/test').Page) => Number(await page.getByTestId('run-estimate').getAttribute('data-seconds'));

test('Quick is the default, Thorough takes longer, presets round-trip in the link, and the estimate says how long', async ({ page }) => {
  await page.goto('/?backend=cpu&method=random');
  await expect(page.getByTestId('preset-quick')).toHaveAttribute('aria-checked', 'true');
  const quick = METHOD_CATALOG.find((m) => m.id === 'random')!.presets.quick;
  await expect(page.getByTestId('budget-input')).toHaveValue(String(quick.budget));
  await expect(page.getByTestId('run-estimate')).toContainText(/About \d+ (s|min).* on cpu here/, { timeout: 120_000 });
  const quickSeconds = await seconds(page);
  expect(quickSeconds).toBeGreaterThan(0);

  await page.getByTestId('preset-thorough').click();
  await expect(page.getByTestId('budget-input')).toHaveValue('30');
  await expect.poll(() => new URL(page.url()).searchParams.get('preset')).toBe('thorough');
  expect(await seconds(page)).toBeGreaterThan(2 * quickSeconds);
  // A change on top of the preset is named, and travels in the link beside it.
  await page.getByTestId('budget-input').fill('12');
  await expect(page.getByTestId('preset')).toBeVisible();
  await expect(page.locator('.field', { has: page.getByTestId('preset') })).toContainText('Changed here: budget');
  await expect.poll(() => new URL(page.url()).searchParams.get('budget')).toBe('12');
  await page.reload();
  await expect(page.getByTestId('preset-thorough')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('budget-input')).toHaveValue('12');

  // DNA has no candidate budget: the field gives way to what bounds its run, and its Quick lengths apply.
  await page.getByTestId('preset-quick').click();
  await page.getByTestId('method-select').selectOption('dna');
  await expect(page.getByTestId('budget-input')).toHaveCount(0);
  await expect(page.getByTestId('budget-bound')).toContainText('no candidate budget');
  await expect(page.getByTestId('method-settings-input')).toHaveValue(/"stepsPerBlock":80/);
  await expect(page.getByTestId('run-estimate')).toContainText('student blocks');
});

test('a live Quick run re-estimates the time left from its own pace', async ({ page }) => {
  await page.goto('/?backend=cpu&method=random&supernetSteps=60&finalEpochs=1');
  await expect(page.getByTestId('run-estimate')).toContainText(/on cpu here/, { timeout: 120_000 });
  await page.getByTestId('start-button').click();
  // Once 5 % of the planned work is done, the estimate is the run's own.
  await expect(page.getByTestId('remaining')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('remaining')).not.toContainText('calibration', { timeout: 60_000 });
  await page.getByTestId('reset-button').click();
});

test('a search that ends before its budget says why', async ({ page }) => {
  // Recorded NAO-WS run: 60 evaluations budgeted, a round re-scores the pool, the last 10 could not pay for one.
  await page.goto('/?run=nao-ws-digits');
  await expect(page.getByTestId('run-status')).toHaveText(/done/i, { timeout: 60_000 });
  await expect(page.getByTestId('early-end')).toContainText(/Ended after 50 of 60 candidates: NAO/);
});
