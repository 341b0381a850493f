import { expect, type Page } from '@playwright/test';

/** A quick digits run: small enough for headless software rendering, real in every step. */
export const QUICK = 'method=random&dataset=digits&evaluator=supernet&budget=5&seed=3&speed=max&supernetSteps=40&finalEpochs=1';

export async function openQuick(page: Page, extra = 'backend=cpu'): Promise<void> {
  await page.goto(`/?${QUICK}&${extra}`);
  await expect(page.getByTestId('backend-badge')).toContainText(/webgpu|webgl|cpu/i, { timeout: 120_000 });
}

export async function count(page: Page, testId: string): Promise<number> {
  return Number((await page.getByTestId(testId).getAttribute('data-count')) ?? '0');
}

export async function runStatus(page: Page): Promise<string> {
  return ((await page.getByTestId('run-status').textContent()) ?? '').trim().toLowerCase();
}
