import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { RunEvent } from '../src/engine/core/events';
import { watchCsp } from './util';

/**
 * Lessons (issue #15): every shipped lesson plays through every step on the recorded runs, a
 * question is answered and revealed, a step's hidden controls are hidden, a live step runs, the
 * authoring aid copies the moment, and a malformed lesson file gets a message and runs no script.
 */
const index = JSON.parse(readFileSync(path.resolve('public', 'lessons', 'index.json'), 'utf8')) as Record<string, { title: string }>;
const lessonFile = (name: string) => JSON.parse(readFileSync(path.resolve('public', 'lessons', `${name}.json`), 'utf8')) as { steps: { action?: { seek?: unknown } }[] };
const runLog = (name: string) => (JSON.parse(readFileSync(path.resolve('public', 'runs', `${name}.json`), 'utf8')) as { log: RunEvent[] }).log;

async function settled(page: Page, step: number) {
  const player = page.getByTestId('lesson-player');
  await expect(player).toHaveAttribute('data-step', String(step));
  await expect(player).toHaveAttribute('aria-busy', 'false', { timeout: 60_000 });
  await expect(page.getByTestId('lesson-error')).toHaveCount(0);
}

test('every shipped lesson plays through every step from its link', async ({ page }) => {
  test.setTimeout(300_000);
  // Plays jump to their moment with reduced motion (the player honours it), which keeps this quick.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const violations = await watchCsp(page);
  for (const name of Object.keys(index)) {
    await page.goto(`/?lesson=${name}&backend=cpu`);
    const steps = lessonFile(name).steps.length;
    await expect(page.getByTestId('lesson-progress')).toContainText(`${index[name].title} · step 1 of ${steps}`);
    await settled(page, 0);
    for (let i = 1; i < steps; i++) {
      await page.getByTestId('lesson-next').click();
      await settled(page, i);
      await expect(page.getByTestId('lesson-progress')).toContainText(`step ${i + 1} of ${steps}`);
    }
    await expect(page.getByTestId('lesson-next')).toBeDisabled();
    expect(new URL(page.url()).searchParams.get('lesson')).toBe(name);
  }
  expect(await violations()).toEqual([]);
});

test('a step moves the timeline, hides what it hides, and a question is answered and revealed; the keyboard moves between steps', async ({ page }) => {
  await page.goto('/?lesson=random-baseline&backend=cpu');
  await settled(page, 0);
  // Step 1 opens the recorded random search at its first query and hides the method and dataset choices.
  await expect(page.getByTestId('regret-chart')).toHaveAttribute('data-queries', '1');
  await expect(page.getByTestId('method-select')).toBeHidden();
  await expect(page.getByTestId('dataset-select')).toBeHidden();
  await expect(page.getByTestId('regret-chart')).toBeVisible();

  // Step 2 plays to the tenth candidate: the timeline stands right after it.
  await page.getByTestId('lesson-next').click();
  await settled(page, 1);
  const log = runLog('random-nb201');
  const tenth = log.findIndex((e, i) => e.type === 'candidate' && log.slice(0, i + 1).filter((x) => x.type === 'candidate').length === 10) + 1;
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-count', String(tenth));
  await expect(page.getByTestId('regret-chart')).toHaveAttribute('data-queries', '10');
  await expect(page.getByTestId('method-select')).toBeVisible();

  await page.getByTestId('lesson-number').fill('0.5');
  await page.getByTestId('lesson-reveal').click();
  await expect(page.getByTestId('lesson-answer')).toContainText('Right.');
  await expect(page.getByTestId('lesson-answer')).toContainText('0.56 points');
  await expect(page.getByTestId('lesson-number')).toBeDisabled();

  // ← and → move between steps when the player has focus; answers are kept.
  await page.getByTestId('lesson-next').focus();
  await page.keyboard.press('ArrowRight');
  await settled(page, 2);
  await page.keyboard.press('ArrowLeft');
  await settled(page, 1);
  await expect(page.getByTestId('lesson-answer')).toContainText('Right.');

  // A choice question: a wrong answer is told so.
  await page.getByTestId('lesson-next').click();
  await page.getByTestId('lesson-next').click();
  await settled(page, 3);
  await page.getByTestId('lesson-option').first().check();
  await page.getByTestId('lesson-reveal').click();
  await expect(page.getByTestId('lesson-answer')).toContainText('Not quite.');
});

test('a live step runs from its link on a shipped table', async ({ page }) => {
  await page.goto('/?lesson=random-baseline&backend=cpu');
  await expect(page.getByTestId('backend-badge')).toContainText('backend: cpu', { timeout: 120_000 });
  for (let i = 0; i < 4; i++) await page.getByTestId('lesson-next').click();
  await settled(page, 4);
  await expect(page.getByTestId('table-summary')).toContainText('64 cells');
  await page.getByTestId('lesson-start').click();
  await expect(page.getByTestId('run-status')).toHaveText(/done/i, { timeout: 60_000 });
  await expect.poll(async () => Number(await page.getByTestId('score-chart').getAttribute('data-count'))).toBe(10);
});

test('copy this moment puts the step on the clipboard; a malformed lesson file is refused and runs nothing', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const violations = await watchCsp(page);
  await page.goto('/?run=evolution-nb201&backend=cpu');
  await expect(page.getByTestId('run-status')).toHaveText(/done/i);
  await page.getByTestId('timeline-range').fill('120');
  await page.getByTestId('lesson-copy-moment').click();
  await expect(page.getByTestId('lesson-copied')).toContainText('Copied');
  const step = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as Record<string, unknown>;
  expect(step).toMatchObject({ setup: { run: 'evolution-nb201' }, action: { seek: { event: 120 } } });

  const bad = JSON.stringify({ schema: 'nas-playground/lesson', version: 1, title: 't', audience: 'a', minutes: 5, steps: [{ title: 's', text: '<img src=x onerror="window.__pwned=1">', onclick: 'window.__pwned=1' }] });
  await page.getByTestId('lesson-file-input').setInputFiles({ name: 'bad-lesson.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
  await expect(page.getByTestId('lesson-error')).toContainText('steps[0]');
  await expect(page.getByTestId('lesson-error')).toContainText('onclick');
  await expect(page.getByTestId('lesson-player')).toHaveCount(0);
  // Nothing else changed: the run and the moment on screen are as they were.
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-count', '120');
  expect(new URL(page.url()).searchParams.get('run')).toBe('evolution-nb201');

  // Valid but with markup in its text: shown as text, never run.
  const marked = JSON.stringify({ schema: 'nas-playground/lesson', version: 1, title: 't', audience: 'a', minutes: 5, steps: [{ title: 's', text: 'Look: <img src=x onerror="window.__pwned=1"> **bold**' }] });
  await page.getByTestId('lesson-file-input').setInputFiles({ name: 'marked.json', mimeType: 'application/json', buffer: Buffer.from(marked) });
  await expect(page.getByTestId('lesson-text')).toContainText('<img src=x onerror="window.__pwned=1">');
  await expect(page.getByTestId('lesson-text').locator('strong')).toHaveText('bold');
  await expect(page.getByTestId('lesson-text').locator('img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await violations()).toEqual([]);
});
