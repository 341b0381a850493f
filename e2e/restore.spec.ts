import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { validateArchitectureFile } from '../src/engine/export/architectureFile';
import { count, openQuick, runStatus } from './util';

/**
 * A run survives a reload (src/app/restore/): saved in IndexedDB while it goes, offered back after
 * a reload, restored as a replay (same candidates, exportable), continued from its checkpoint to
 * the uninterrupted run's candidates; a damaged saved record is refused with a message and changes nothing.
 */

/** Slow enough that the reload lands mid-search: 10 supernet steps and 20 candidates at 0.6 s each. */
const LIVE = { budget: '20', speed: 'slow', supernetSteps: '10' };

async function leaderboard(page: Page): Promise<Map<number, string>> {
  const rows = await page.getByTestId('leaderboard-row').evaluateAll((trs) => trs.map((tr) => [Number(tr.getAttribute('data-index')), (tr.textContent ?? '').trim()] as const));
  return new Map(rows);
}

async function restorePhase(page: Page): Promise<string> {
  await expect(page.getByTestId('restore-state')).not.toHaveAttribute('data-phase', 'checking');
  return (await page.getByTestId('restore-state').getAttribute('data-phase')) ?? '';
}

/** The leaderboard once the run on screen has spent its budget: all `budget` rows of it. */
async function spent(page: Page, budget: number): Promise<Map<number, string>> {
  await expect(page.getByTestId('progress-bar')).toHaveAttribute('data-done', String(budget), { timeout: 120_000 });
  // The leaderboard re-sorts at most four times a second (Leaderboard.tsx), so its last rows may
  // follow the progress bar by up to 250 ms.
  await expect.poll(async () => (await leaderboard(page)).size).toBe(budget);
  return leaderboard(page);
}

test('a live random search survives a reload: restored with the same candidates, exported, continued from its checkpoint', async ({ page }) => {
  // The same seed without a break, at full speed: what the continued run must end with.
  await openQuick(page, { ...LIVE, speed: 'max' });
  expect(await restorePhase(page)).toBe('none');
  await page.getByTestId('start-button').click();
  const uninterrupted = await spent(page, 20);
  await page.getByTestId('reset-button').click();

  // The same run at the slow pace, so that the reload lands mid-search.
  const toggle = page.getByTestId('setup-toggle');
  if ((await toggle.count()) > 0 && (await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
  await page.getByTestId('speed-select').selectOption(LIVE.speed);
  await page.getByTestId('start-button').click();
  // Wait until the saved copy holds a few candidates.
  await expect.poll(async () => Number(await page.getByTestId('save-status').getAttribute('data-candidates')), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
  const before = await leaderboard(page);
  expect(await runStatus(page)).toBe('running');

  // The leave-page warning, then the reload.
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.type());
    void d.accept();
  });
  await page.reload();
  expect(dialogs).toContain('beforeunload');
  await expect(page.getByTestId('backend-badge')).toContainText('cpu', { timeout: 120_000 });

  // Offered back, with what it is and which runs can continue, and how.
  const offer = page.getByTestId('restore-offer');
  await expect(offer).toContainText('Random search');
  await expect(offer).toContainText('unfinished');
  await expect(page.getByTestId('restore-which')).toContainText('CPU backend');
  await expect(page.locator('[data-testid="restore-which-method"][data-method="random"]')).toHaveAttribute('data-checkpoint', 'yes');
  await expect(page.locator('[data-testid="restore-which-method"][data-method="nao"]')).toHaveAttribute('data-checkpoint', 'no');
  expect(await runStatus(page)).toBe('idle');
  await page.getByTestId('restore-button').click();
  await expect(page.getByTestId('restore-restored')).toBeVisible();

  // The same candidates: every restored row is the row that was on screen before the reload.
  await expect.poll(() => count(page, 'score-chart')).toBeGreaterThanOrEqual(3);
  const charted = await count(page, 'score-chart');
  await expect.poll(async () => (await leaderboard(page)).size).toBe(charted);
  const restored = await leaderboard(page);
  expect(restored.size).toBeLessThanOrEqual(before.size);
  for (const [index, text] of restored) expect(text, `candidate ${index}`).toBe(before.get(index));
  expect(await runStatus(page)).toBe('stopped');

  // Scrubbable like any run.
  await expect(page.getByTestId('timeline')).toBeVisible();

  // Exportable: the best so far (there is no final yet), with the restored log, a valid file.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('restore-export').click()]);
  const file = JSON.parse(await readFile((await download.path())!, 'utf8'));
  const result = validateArchitectureFile(file);
  expect(result.ok, JSON.stringify(result)).toBe(true);
  expect(file.recipe).toMatch(/not retrained/);
  const savedLog = file.log as { type: string; phase?: string }[];
  expect(savedLog.filter((e) => e.type === 'candidate')).toHaveLength(restored.size);
  const bestIndex = file.search.candidateIndex as number;
  expect(restored.get(bestIndex)).toContain(file.arch.slice(0, 10));

  // Continue from the checkpoint: the page says the weights are loaded, not trained again.
  const plan = page.getByTestId('restore-plan');
  await expect(plan).toHaveAttribute('data-can', 'yes');
  await expect(plan).toContainText('loaded instead of trained again');
  await page.getByTestId('restore-continue').click();
  await expect(page.getByTestId('restore-resumed')).toHaveAttribute('data-state', 'going', { timeout: 30_000 });
  const after = await spent(page, 20);
  // The candidates of the uninterrupted run of the same seed, the restored ones among them.
  for (const [index, text] of restored) expect(after.get(index), `candidate ${index} after continue`).toBe(text);
  expect([...after]).toEqual([...uninterrupted]);

  // No supernet step was trained again: the finished log holds exactly the saved part's supernet steps.
  await expect.poll(() => runStatus(page), { timeout: 120_000 }).toBe('done');
  const [final] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-button').click()]);
  const whole = JSON.parse(await readFile((await final.path())!, 'utf8')) as { log: { type: string; phase?: string }[] };
  const supernetSteps = (log: { type: string; phase?: string }[]) => log.filter((e) => e.type === 'train' && e.phase === 'supernet').length;
  expect(supernetSteps(savedLog)).toBe(Number(LIVE.supernetSteps));
  expect(supernetSteps(whole.log)).toBe(Number(LIVE.supernetSteps));
  expect(whole.log.filter((e) => e.type === 'candidate')).toHaveLength(20);
  await page.getByTestId('reset-button').click();
});

test('a damaged saved run is refused with a message and changes nothing', async ({ page }) => {
  await openQuick(page);
  expect(await restorePhase(page)).toBe('none');
  const url = page.url();

  // A record that claims to be a saved run, whose log names an unknown method and a candidate without an architecture.
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('nas-playground');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const log = [
      { type: 'run-start', t: 0, config: { method: 'no-such-method', dataset: 'digits', evaluator: 'supernet', budget: 5, seed: 1, speed: 'max' }, backend: 'cpu', tfjsVersion: '4' },
      { type: 'candidate', t: 1, index: 0, arch: 42, score: 'high' },
    ];
    const tx = db.transaction(['runs', 'chunks'], 'readwrite');
    tx.objectStore('runs').put({ id: 'damaged', version: 1, startedAt: '2025-01-01T00:00:00.000Z', savedAt: '2025-01-01T00:00:05.000Z', appVersion: 'x', events: 2, chunks: 1, candidates: 1, ended: false });
    tx.objectStore('chunks').put({ runId: 'damaged', seq: 0, events: JSON.stringify(log) + 'x'.repeat(10) });
    await new Promise((resolve) => (tx.oncomplete = resolve));
  });
  await page.reload();
  await expect(page.getByTestId('backend-badge')).toContainText('cpu', { timeout: 120_000 });
  const refused = page.getByTestId('restore-refused');
  await expect(refused).toContainText('could not be restored');
  await expect(refused).toContainText('not valid JSON');
  await expect(page.getByTestId('restore-button')).toHaveCount(0);
  expect(await runStatus(page)).toBe('idle');
  expect(await count(page, 'score-chart')).toBe(0);
  expect(page.url()).toBe(url);

  // The same record with readable JSON: each fault is named, quoting little of it.
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('nas-playground');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const log = [
      { type: 'run-start', t: 0, config: { method: 'no-such-method'.repeat(20), dataset: 'digits', evaluator: 'supernet', budget: 5, seed: 1, speed: 'max' }, backend: 'cpu', tfjsVersion: '4' },
      { type: 'candidate', t: 1, index: 0, arch: 42, score: 'high' },
    ];
    const tx = db.transaction(['chunks'], 'readwrite');
    tx.objectStore('chunks').put({ runId: 'damaged', seq: 0, events: JSON.stringify(log) });
    await new Promise((resolve) => (tx.oncomplete = resolve));
  });
  await page.reload();
  await expect(refused).toContainText('unknown method');
  await expect(refused).toContainText('log[1].arch must be an object');
  expect((await refused.innerText()).length).toBeLessThan(1200);
  expect(await runStatus(page)).toBe('idle');
  expect(await count(page, 'score-chart')).toBe(0);

  // Deleting it leaves nothing to offer.
  await page.getByTestId('restore-discard').click();
  await expect(refused).toHaveCount(0);
  await page.reload();
  expect(await restorePhase(page)).toBe('none');
});

test('an uploaded benchmark table is kept across a reload, and a link without one says so', async ({ page }) => {
  await page.goto('/?method=random&evaluator=table&budget=5&seed=1&speed=max&backend=cpu&searchColumn=valid&reportColumn=test');
  await expect(page.getByTestId('backend-badge')).toContainText('cpu', { timeout: 120_000 });
  await expect(page.getByTestId('table-note')).toContainText('upload the CSV again');
  const csv = ['arch,valid,test', '|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|,91.5,90.1', '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,10,10'].join('\n');
  await page.getByTestId('table-file-input').setInputFiles({ name: 'mine.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByTestId('table-summary')).toContainText('mine.csv: 2 cells');
  await page.waitForTimeout(500); // the write is not awaited by the page
  await page.reload();
  await expect(page.getByTestId('table-summary')).toContainText('mine.csv: 2 cells');
  await expect(page.getByTestId('table-note')).toContainText('mine.csv');
  await expect(page.getByTestId('table-note')).toContainText('kept in this browser');
});
