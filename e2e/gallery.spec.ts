import { methodInfo } from '../src/engine/methods/catalog';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { RunEvent } from '../src/engine/core/events';
import { SIGNATURE } from './util';

/**
 * The gallery of recorded runs (public/runs): every card opens its run with the method's own view
 * drawn at once, and a link with ?run= opens it directly.
 */
const index = JSON.parse(readFileSync(path.resolve('public', 'runs', 'index.json'), 'utf8')) as Record<string, { method: string; events: number }>;

test('every recorded run opens from its card with its signature view drawn, and the link names it', async ({ page }) => {
  await page.goto('/?backend=cpu');
  await expect(page.getByTestId('backend-badge')).toContainText('backend: cpu', { timeout: 120_000 });
  await expect(page.getByTestId('gallery-card')).toHaveCount(Object.keys(index).length);
  for (const [name, entry] of Object.entries(index)) {
    await page.locator(`[data-testid="gallery-card"][data-run="${name}"]`).click();
    await expect(page.getByTestId('run-status')).toHaveText(/done/i);
    await expect(page.getByTestId('timeline')).toHaveAttribute('data-length', String(entry.events));
    await expect(page.getByTestId(SIGNATURE[entry.method]).first()).toBeVisible();
    await expect(page.getByTestId('final-result')).toBeVisible();
    // The status names the run on screen, whatever the setup above says for the next run.
    await expect(page.getByTestId('replay-tag')).toContainText(methodInfo(entry.method).title);
    expect(new URL(page.url()).searchParams.get('run')).toBe(name);
  }
  // A live run replaces it: the link stops naming the recorded run.
  await page.getByTestId('reset-button').click();
  await expect.poll(() => new URL(page.url()).searchParams.get('run')).toBeNull();
});

test('?run= opens a recorded run from a link, and a wrong name is refused with a message', async ({ page }) => {
  const [name, entry] = Object.entries(index).find(([, e]) => e.method === 'nao')!;
  const candidates = (JSON.parse(readFileSync(path.resolve('public', 'runs', `${name}.json`), 'utf8')).log as RunEvent[]).filter((e) => e.type === 'candidate');
  await page.goto(`/?run=${name}`);
  await expect(page.getByTestId('nao-embedding')).toBeVisible();
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-length', String(entry.events));
  await expect(page.getByTestId('score-chart')).toHaveAttribute('data-count', String(candidates.length));
  await expect(page.getByTestId('url-notice')).toHaveCount(0);
  await page.goto('/?run=no-such-run');
  await expect(page.getByTestId('gallery-error')).toContainText('no recorded run named "no-such-run"');
  await expect(page.getByTestId('timeline')).toHaveCount(0);
});
