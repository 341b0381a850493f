import { expect, type Page } from '@playwright/test';

/** A quick digits run: small enough for headless software rendering, real in every step. */
export const QUICK: Record<string, string> = {
  method: 'random',
  dataset: 'digits',
  evaluator: 'supernet',
  budget: '5',
  seed: '3',
  speed: 'max',
  supernetSteps: '40',
  finalEpochs: '1',
  backend: 'cpu',
};

export async function openQuick(page: Page, overrides: Record<string, string> = {}): Promise<void> {
  await page.goto(`/?${new URLSearchParams({ ...QUICK, ...overrides })}`);
  await expect(page.getByTestId('backend-badge')).toContainText(/webgpu|webgl|cpu/i, { timeout: 120_000 });
}

export async function count(page: Page, testId: string): Promise<number> {
  return Number((await page.getByTestId(testId).getAttribute('data-count')) ?? '0');
}

export async function runStatus(page: Page): Promise<string> {
  return ((await page.getByTestId('run-status').textContent()) ?? '').trim().toLowerCase();
}
