import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { validateArchitectureFile } from '../src/engine/export/architectureFile';
import { count, runStatus } from './util';

/**
 * The baselines and NAO in the page, on the NAS-Bench-201 table (table lookups need no training,
 * so the methods' own machinery is what runs). The table stays in ../shared/datasets and is
 * uploaded here as a user would.
 */
const NB201 = path.resolve('..', 'shared', 'datasets', 'nas-bench-201', 'nb201_cifar10.csv');

async function openWithTable(page: Page, method: string, budget: number): Promise<void> {
  await page.goto(`/?method=${method}&dataset=digits&evaluator=table&budget=${budget}&seed=2&speed=max&backend=cpu`);
  await expect(page.getByTestId('backend-badge')).toContainText('cpu', { timeout: 120_000 });
  await page.getByTestId('table-file-input').setInputFiles(NB201);
  await expect(page.getByTestId('search-column-select')).toHaveValue('c10_valid_acc');
  await expect(page.getByTestId('report-column-select')).toHaveValue('c10_test_acc');
}

async function exportAndValidate(page: Page): Promise<Record<string, unknown>> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-button').click()]);
  const file = JSON.parse(await readFile((await download.path())!, 'utf8'));
  const result = validateArchitectureFile(file);
  expect(result.ok, JSON.stringify(result)).toBe(true);
  return file;
}

test.describe('methods on the NAS-Bench-201 table', () => {
  test.skip(!existsSync(NB201), `NAS-Bench-201 table not found at ${NB201} (../shared/datasets is absent): skipping`);

  test('regularised evolution shows its population and mutations, regret falls, and exports', async ({ page }) => {
    await openWithTable(page, 'evolution', 40);
    await page.getByTestId('start-button').click();
    await expect(page.getByTestId('final-result')).toBeVisible({ timeout: 120_000 });
    expect(await runStatus(page)).toBe('done');
    expect(await count(page, 'score-chart')).toBe(40);
    await expect(page.getByTestId('evolution-view')).toBeVisible();
    expect(await page.getByTestId('evolution-mutation').count()).toBeGreaterThan(0);
    await expect(page.getByTestId('regret-chart')).toBeVisible();
    const file = await exportAndValidate(page);
    expect((file.config as { method: string }).method).toBe('evolution');
  });

  test('NAO draws the embedding with trajectories and the predictor panel, and exports', async ({ page }) => {
    await openWithTable(page, 'nao', 40);
    await page.getByTestId('start-button').click();
    await expect(page.getByTestId('final-result')).toBeVisible({ timeout: 200_000 });
    expect(await runStatus(page)).toBe('done');
    await expect(page.getByTestId('nao-embedding').first()).toBeVisible();
    expect(await page.getByTestId('nao-trajectory').count()).toBeGreaterThan(0);
    await expect(page.getByTestId('nao-predictor')).toBeVisible();
    const file = await exportAndValidate(page);
    expect((file.config as { method: string }).method).toBe('nao');
  });
});
