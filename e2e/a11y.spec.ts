import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { openQuick, runStatus } from './util';

/**
 * Accessibility (issue #14): axe-core finds no serious or critical violation on the empty page,
 * during a live run, on every method's recorded run, in dark mode and in projector mode; a run can be driven
 * from the keyboard alone (Space, →, the timeline's arrows); a live region announces the run.
 */
async function serious(page: Page, what: string): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${what}: ${v.id} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('axe: no serious or critical violation on the empty page, every method view and projector mode', async ({ page }) => {
  test.setTimeout(300_000);
  // Entry animations are checked at rest: mid-animation a card's text is still fading in.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const found: string[] = [];
  await page.goto('/?backend=cpu');
  await expect(page.getByTestId('backend-badge')).toContainText('backend: cpu', { timeout: 120_000 });
  found.push(...(await serious(page, 'empty page')));
  for (const run of ['random-nb201', 'evolution-nb201', 'nao-nb201', 'dna-digits', 'cream-digits']) {
    await page.goto(`/?run=${run}&backend=cpu`);
    await expect(page.getByTestId('run-status')).toHaveText(/done/i);
    await expect(page.getByTestId('method-panel')).toHaveAttribute('aria-busy', 'false');
    found.push(...(await serious(page, run)));
  }
  await page.goto('/?run=evolution-nb201&backend=cpu&projector=1');
  await expect(page.getByTestId('run-status')).toHaveText(/done/i);
  expect(await page.evaluate(() => document.documentElement.classList.contains('projector'))).toBe(true);
  expect(await page.getByTestId('score-chart').evaluate((svg) => parseFloat(getComputedStyle(svg).fontSize))).toBeGreaterThanOrEqual(16);
  found.push(...(await serious(page, 'projector mode')));
  expect(found).toEqual([]);
});

test('axe: no serious or critical violation in dark mode, on every method view, and dark with projector mode', async ({ page }) => {
  test.setTimeout(300_000);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const found: string[] = [];
  for (const run of ['random-nb201', 'evolution-nb201', 'nao-nb201', 'dna-digits', 'cream-digits']) {
    await page.goto(`/?run=${run}&backend=cpu&theme=dark`);
    await expect(page.getByTestId('run-status')).toHaveText(/done/i);
    await expect(page.getByTestId('method-panel')).toHaveAttribute('aria-busy', 'false');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    found.push(...(await serious(page, `${run} (dark)`)));
  }
  await page.goto('/?run=nao-nb201&backend=cpu&theme=dark&projector=1');
  await expect(page.getByTestId('run-status')).toHaveText(/done/i);
  found.push(...(await serious(page, 'dark + projector mode')));
  expect(found).toEqual([]);
});

test('a run from the keyboard alone: Enter starts, Space pauses, → steps, Space resumes; the live region tells what happens; axe is clean mid-run', async ({ page }) => {
  // Long enough that the run is still training when Space lands: with the fast CPU kernels 20
  // steps, four candidates and the final retrain finished during the axe scan.
  await openQuick(page, { budget: '4', supernetSteps: '300' });
  await page.getByTestId('start-button').focus();
  // The focus ring is there to be seen: a solid outline of at least 3 px.
  expect(await page.getByTestId('start-button').evaluate((b) => parseFloat(getComputedStyle(b).outlineWidth))).toBeGreaterThanOrEqual(3);
  await page.keyboard.press('Enter');
  await expect.poll(() => runStatus(page)).toMatch(/running/);
  await expect(page.getByTestId('announcer')).toContainText(/Phase:|New best/, { timeout: 60_000 });

  // Space on the page (not on a field or button) pauses the live run.
  await page.locator('main h2').first().click();
  await page.keyboard.press(' ');
  await expect.poll(() => runStatus(page)).toMatch(/paused/);
  // Mid-run (held there, so the scan sees a run's page and not a finished one).
  expect(await serious(page, 'during a run')).toEqual([]);
  // One unit of work goes through: a training step or, once the supernet is trained, a candidate's
  // evaluation. Either adds events; only the first adds a loss point, so count events.
  const events = Number(await page.getByTestId('timeline').getAttribute('data-length'));
  await page.keyboard.press('ArrowRight');
  await expect.poll(async () => Number(await page.getByTestId('timeline').getAttribute('data-length'))).toBeGreaterThan(events);
  await expect.poll(() => runStatus(page)).toMatch(/paused/);
  await page.keyboard.press(' ');
  await expect.poll(() => runStatus(page), { timeout: 120_000 }).toMatch(/done/);
  await expect(page.getByTestId('announcer')).toContainText('Run completed', { timeout: 10_000 });

  // The timeline from the keyboard: focus it, ← moves one event back.
  const n = Number(await page.getByTestId('timeline').getAttribute('data-length'));
  await page.getByTestId('timeline-range').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-count', String(n - 1));
});

test('axe: the Compare view with runs of two spaces is clean, and it opens and adds from the keyboard', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto('/?run=evolution-nb201&backend=cpu');
  await expect(page.getByTestId('run-status')).toHaveText(/done/i);
  await page.getByTestId('compare-toggle').focus();
  await page.keyboard.press('Enter');
  const view = page.getByTestId('compare-view');
  await expect(view).toBeVisible();
  await view.getByTestId('compare-add-screen').focus();
  await page.keyboard.press('Enter');
  await view.getByTestId('compare-recorded').selectOption('dna-digits');
  await view.getByTestId('compare-add-recorded').focus();
  await page.keyboard.press('Enter');
  await expect(view.getByTestId('compare-slot')).toHaveCount(2);
  await expect(view.getByTestId('compare-spaces-note')).toBeVisible();
  await expect(view.getByTestId('compare-pick-chain')).toBeVisible();
  expect(await serious(page, 'compare view')).toEqual([]);
});
