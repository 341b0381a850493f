import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { count, runStatus } from './util';

/**
 * A benchmark table uploaded as a user would, and a search on it in the worker: table lookups
 * need no training, so this runs live in seconds. The table stays in ../shared/datasets (it
 * cannot ship); the views of evolution and NAO on it are checked from recorded runs.
 */
const NB201 = path.resolve('..', 'shared', 'datasets', 'nas-bench-201', 'nb201_cifar10.csv');

const why = `NAS-Bench-201 table not found at ${NB201} (../shared/datasets is absent)`;
if (!existsSync(NB201)) console.warn(`skipping the uploaded-table spec: ${why}`);

test.describe('a search on an uploaded NAS-Bench-201 table', () => {
  test.skip(!existsSync(NB201), why);

  test('regularised evolution runs on the uploaded table and reports the reported column', async ({ page }) => {
    await page.goto('/?method=evolution&dataset=digits&evaluator=table&budget=30&seed=2&speed=max&backend=cpu');
    await expect(page.getByTestId('backend-badge')).toContainText('cpu', { timeout: 120_000 });
    await page.getByTestId('table-file-input').setInputFiles(NB201);
    await expect(page.getByTestId('search-column-select')).toHaveValue('c10_valid_acc');
    await expect(page.getByTestId('report-column-select')).toHaveValue('c10_test_acc');
    await page.getByTestId('start-button').click();
    await expect(page.getByTestId('final-result')).toBeVisible({ timeout: 120_000 });
    expect(await runStatus(page)).toBe('done');
    expect(await count(page, 'score-chart')).toBe(30);
    await expect(page.getByTestId('table-info')).toContainText('15,625');
    await expect(page.getByTestId('final-result')).toContainText('c10_test_acc (from the table)');
    await expect(page.getByTestId('regret-chart')).toHaveAttribute('data-queries', '30');
  });
});
