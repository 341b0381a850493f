import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { validateArchitectureFile } from '../src/engine/export/architectureFile';
import { runStatus } from './util';

/**
 * DNA and Cream in the page on the digits, CPU backend, with short settings passed as a link
 * would carry them (`methodSettings`): everything real, only fewer steps than the defaults.
 */
async function open(page: Page, method: 'dna' | 'cream', methodSettings: unknown): Promise<void> {
  const q = new URLSearchParams({ method, dataset: 'digits', budget: '10', seed: '4', speed: 'max', backend: 'cpu', finalEpochs: '1', methodSettings: JSON.stringify(methodSettings) });
  await page.goto(`/?${q}`);
  await expect(page.getByTestId('backend-badge')).toContainText('cpu', { timeout: 120_000 });
  await expect(page.getByTestId('config-error')).toHaveCount(0);
}

async function exportBlocks(page: Page, method: string): Promise<{ path: string; file: Record<string, unknown> }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-button').click()]);
  const path = (await download.path())!;
  const file = JSON.parse(await readFile(path, 'utf8'));
  const result = validateArchitectureFile(file);
  expect(result.ok, JSON.stringify(result)).toBe(true);
  expect(file).toMatchObject({ version: 2, space: 'blocks', config: { method } });
  expect((file.blocks as { blocks: unknown[] }).blocks).toHaveLength(3);
  return { path, file };
}

async function importBack(page: Page, path: string, arch: string): Promise<void> {
  await page.getByTestId('import-input').setInputFiles(path);
  await expect(page.getByTestId('import-result')).toBeVisible();
  await expect(page.getByTestId('import-block-graph')).toBeVisible();
  await expect(page.getByTestId('import-result')).toContainText(arch);
}

test('DNA: per-block losses update live, every candidate is scored, the budget slider re-solves, and the result exports', async ({ page }) => {
  test.setTimeout(420_000);
  await open(page, 'dna', { students: { stepsPerBlock: 60, featureEvery: 20 }, rating: { calibration: 32, heldOut: 64 }, final: { randomBaselines: 1 } });
  await page.getByTestId('start-button').click();

  // The loss chart grows while the students train: two readings, the second larger.
  const losses = page.getByTestId('dna-block-losses');
  await expect.poll(async () => Number(await losses.getAttribute('data-count')), { timeout: 180_000 }).toBeGreaterThan(0);
  const first = Number(await losses.getAttribute('data-count'));
  await expect.poll(async () => Number(await losses.getAttribute('data-count')), { timeout: 180_000 }).toBeGreaterThan(first);

  await expect(page.getByTestId('dna-result')).toHaveAttribute('data-final', 'yes', { timeout: 360_000 });
  expect(await runStatus(page)).toBe('done');
  // 3 blocks × 2 layers × 4 ops: 16 paths per block, each scored once.
  await expect(page.getByTestId('dna-candidate-scores')).toHaveAttribute('data-count', '48');

  const search = page.getByTestId('dna-budget-search');
  await expect(search).toHaveAttribute('data-agree', 'true');
  const limit = Number(await search.getAttribute('data-limit'));
  const slider = page.getByTestId('dna-budget-slider');
  const max = Number(await slider.getAttribute('max'));
  await slider.fill(String(max));
  await expect.poll(async () => Number(await search.getAttribute('data-limit'))).toBeGreaterThan(limit);
  await expect(search).toHaveAttribute('data-feasible', 'true');

  const arch = (await page.getByTestId('dna-result').getAttribute('data-arch'))!;
  await expect(page.getByTestId('final-block-graph')).toBeVisible();
  const { path, file } = await exportBlocks(page, 'dna');
  expect(file.arch).toBe(arch);
  await importBack(page, path, arch);

  // The imported chain trains again from scratch, with the file's settings.
  await page.getByTestId('import-train-button').click();
  await expect(page.getByRole('heading', { name: 'Trained architecture' })).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId('final-result')).toContainText(arch);
  await expect(page.getByTestId('final-block-graph')).toBeVisible();
});

test('Cream: the board fills and changes, matching scores and ρ are drawn, and the pick exports', async ({ page }) => {
  test.setTimeout(420_000);
  await open(page, 'cream', { supernet: { steps: 160, warmup: 30 }, final: { valImages: 128 } });
  await page.getByTestId('start-button').click();

  // Watch the board: it must reach its size, and some entry must be replaced by a better path.
  const board = page.getByTestId('cream-board');
  const seen = new Set<string>();
  let full = false;
  await expect
    .poll(
      async () => {
        const ids = await page.getByTestId('cream-board-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-entry') ?? ''));
        ids.forEach((id) => seen.add(id));
        full ||= Number(await board.getAttribute('data-size')) === 5;
        return full && seen.size > 5;
      },
      { timeout: 300_000, intervals: [250] },
    )
    .toBe(true);

  await expect(page.getByTestId('cream-result')).toBeVisible({ timeout: 300_000 });
  await expect.poll(() => runStatus(page), { timeout: 60_000 }).toBe('done');
  await expect(page.getByTestId('cream-matching')).toBeVisible();
  expect(await page.getByTestId('cream-matching').getAttribute('data-teacher')).not.toBeNull();
  expect(Number(await page.getByTestId('cream-rho').getAttribute('data-count'))).toBeGreaterThan(0);
  await expect(page.getByTestId('cream-scatter')).toBeVisible();

  const { path, file } = await exportBlocks(page, 'cream');
  await importBack(page, path, file.arch as string);
});

test('a misspelt method setting is refused with a message naming it, and nothing runs', async ({ page }) => {
  await open(page, 'cream', { supernet: { stepz: 10 } });
  await page.getByTestId('start-button').click();
  await expect(page.getByText(/unknown Cream setting "supernet\.stepz"/)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('cream-board-card')).toHaveCount(0);
});
