import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { openQuick, runStatus, SIGNATURE } from './util';

/**
 * One screen on a projector (issue #14, layout): at 1280×720 and 1920×1080 the run controls and
 * the running method's own view are on screen together, without scrolling; at 1024×768 the
 * controls are on the first screen and stay there while the view is scrolled to. Checked by
 * bounding boxes on every method's recorded run, with a screenshot of each kept.
 */
const index = JSON.parse(readFileSync(path.resolve('public', 'runs', 'index.json'), 'utf8')) as Record<string, { method: string }>;
/** One recorded run per method (the first of each in the gallery's order). */
const RUNS = Object.entries(index).filter(([, e], i, all) => all.findIndex(([, f]) => f.method === e.method) === i);
const CONTROLS = ['method-select', 'preset', 'dataset-select', 'start-button', 'pause-button', 'step-button', 'timeline'];

/**
 * How much of the element is visible, 0 to 1: its box clipped by the viewport and by every
 * ancestor that clips (a column that scrolls by itself hides what is below its fold).
 */
async function shownFraction(el: Locator): Promise<number> {
  return el.evaluate((node) => {
    const r = node.getBoundingClientRect();
    let [x0, y0, x1, y1] = [Math.max(r.left, 0), Math.max(r.top, 0), Math.min(r.right, innerWidth), Math.min(r.bottom, innerHeight)];
    for (let a = node.parentElement; a; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX === 'visible' && cs.overflowY === 'visible') continue;
      const c = a.getBoundingClientRect();
      [x0, y0, x1, y1] = [Math.max(x0, c.left), Math.max(y0, c.top), Math.min(x1, c.right), Math.min(y1, c.bottom)];
    }
    const area = r.width * r.height;
    // One CSS pixel of slack for sub-pixel layout.
    const w = Math.max(0, x1 - x0 + 1);
    const h = Math.max(0, y1 - y0 + 1);
    return area > 0 ? Math.min(1, (w * h) / area) : 0;
  });
}

async function openRecorded(page: Page, name: string): Promise<void> {
  await page.goto(`/?run=${name}&backend=cpu`);
  await expect(page.getByTestId('run-status')).toHaveText(/done/i, { timeout: 60_000 });
  await expect(page.getByTestId('method-panel')).toHaveAttribute('aria-busy', 'false');
}

/** A screenshot kept as the test's artifact, under test-results/ (the test's output folder). */
async function keep(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(name);
  await page.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

for (const [w, h] of [
  [1280, 720],
  [1920, 1080],
] as const) {
  test(`${w}×${h}: the run controls, the timeline and each method's own view are on screen together, without scrolling`, async ({ page }, testInfo) => {
    await page.setViewportSize({ width: w, height: h });
    for (const [name, entry] of RUNS) {
      await openRecorded(page, name);
      await page.waitForTimeout(300); // the charts draw on the next animation frame
      await keep(page, testInfo, `${w}x${h}-${name}.png`);
      for (const id of CONTROLS) expect(await shownFraction(page.getByTestId(id)), `${name}: ${id} at ${w}×${h}`).toBe(1);
      const signature = page.getByTestId(SIGNATURE[entry.method]).first();
      await expect(signature).toBeVisible();
      expect(await shownFraction(signature), `${name}: ${SIGNATURE[entry.method]} at ${w}×${h}`).toBe(1);
      // Nothing was scrolled to get there: the page is one screen.
      expect(await page.evaluate(() => [scrollX, scrollY])).toEqual([0, 0]);
    }
  });
}

test('1024×768: the controls and the timeline are on the first screen, each view starts on it, and the controls stay while it is scrolled to', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  for (const [name, entry] of RUNS) {
    await openRecorded(page, name);
    await page.waitForTimeout(300);
    await keep(page, testInfo, `1024x768-${name}.png`);
    for (const id of CONTROLS) expect(await shownFraction(page.getByTestId(id)), `${name}: ${id}`).toBe(1);
    const signature = page.getByTestId(SIGNATURE[entry.method]).first();
    const top = (await signature.boundingBox())!.y;
    expect(top, `${name}: the view starts on the first screen`).toBeLessThan(768);
    await signature.scrollIntoViewIfNeeded();
    expect(await shownFraction(signature), `${name}: ${SIGNATURE[entry.method]} once scrolled to`).toBe(1);
    for (const id of ['method-select', 'start-button', 'pause-button', 'step-button']) expect(await shownFraction(page.getByTestId(id)), `${name}: ${id} after scrolling`).toBe(1);
    await keep(page, testInfo, `1024x768-${name}-scrolled.png`);
  }
});

test('the shared panels are tabs: arrows move between them, and every panel stays mounted', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openRecorded(page, 'nao-nb201');
  const tabs = page.getByRole('tablist', { name: 'Shared panels' }).getByRole('tab');
  await expect(tabs).toHaveText([/Result/, /Candidates/, /Training/, /Leaderboard/, /Notes/]);
  // The result arrived last, so it is in front.
  await expect(page.getByTestId('tab-result')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('final-result')).toBeVisible();
  await page.getByTestId('tab-result').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-candidates')).toBeFocused();
  await expect(page.getByTestId('tab-candidates')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel', { name: 'Candidates' })).toBeVisible();
  await expect(page.getByTestId('score-chart')).toBeVisible();
  await expect(page.getByTestId('final-result')).toBeHidden();
  await page.keyboard.press('End');
  await expect(page.getByTestId('tab-notes')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-result')).toHaveAttribute('aria-selected', 'true');
  // Hidden panels keep their content (and test ids): the leaderboard holds every candidate.
  await expect(page.getByTestId('leaderboard-row').first()).toBeAttached();
  await expect(page.getByTestId('loss-chart')).toBeAttached();
});

/** Text a reader of the block methods' panels must not meet: the NB-201 cell's words and raw field names. */
const NB201_WORDING: RegExp[] = [
  /NB-?201/i,
  /\bcells?\b/i,
  /\d nodes, \d edges/,
  /\bedges?\b/i,
  /shared supernet weights/i,
  /\b(blockScoreSum|block\dScore|teacherTestAcc|randomTestAccMean|supernetAcc|supernetValAcc|boardAcc|randomTestAcc|randomValAcc|randomFlops)\b/,
  /^\s*\d+ \/ \d+ retrains\s*$/,
];

for (const name of ['dna-digits', 'cream-digits']) {
  test(`${name}: the method's view and every shared panel speak of blocks and paths, with no NB-201 wording or raw field names`, async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await openRecorded(page, name);
    const texts: [string, string][] = [];
    texts.push(['method view', await page.getByTestId('method-panel').innerText()]);
    texts.push(['status', await page.getByRole('region', { name: 'Run status' }).innerText()]);
    texts.push(['progress', (await page.getByTestId('progress-bar').innerText()) + (await page.getByTestId('progress-bar').getAttribute('aria-label'))]);
    texts.push(['setup summary', await page.getByTestId('run-summary').innerText()]);
    for (const tab of await page.getByRole('tablist', { name: 'Shared panels' }).getByRole('tab').all()) {
      await tab.click();
      const panel = page.getByRole('tabpanel', { name: (await tab.innerText()).replace(/\s*\d+$/, '') });
      await expect(panel).toBeVisible();
      await page.waitForTimeout(100);
      // innerText leaves out SVG text: read the charts' titles and labels as the DOM holds them.
      texts.push([`tab ${await tab.innerText()}`, `${await panel.innerText()}\n${await panel.locator('svg').evaluateAll((els) => els.map((e) => e.textContent).join('\n'))}`]);
    }
    for (const [where, text] of texts) for (const re of NB201_WORDING) expect(text, `${where} matches ${re}`).not.toMatch(re);
    // The leaderboard's inspector draws the chain, not a cell.
    await page.getByTestId('tab-leaderboard').click();
    await expect(page.getByTestId('inspector-block-graph')).toBeVisible();
    await expect(page.getByTestId('cell-graph')).toHaveCount(0);
    // The axes say what they show, and for DNA which way is better.
    await page.getByTestId('tab-candidates').click();
    const yTitle = (await page.getByTestId('score-chart').locator('text.y-title').textContent()) ?? '';
    expect(yTitle).toMatch(name.startsWith('dna') ? /summed block distance.*nearer 0 is better/ : /path accuracy % with the shared weights/);
    // The evaluator is not theirs: the setup says so instead of offering it.
    await page.getByTestId('method-select').selectOption(name.startsWith('dna') ? 'dna' : 'cream');
    await page.getByTestId('confirm-stop-yes').click();
    await expect(page.getByTestId('evaluator-select')).toBeDisabled();
    await expect(page.locator('.field', { has: page.getByTestId('evaluator-select') })).toContainText(/Not used by (DNA|Cream)/);
  });
}

test('a setup change with a run on screen asks first, in the page; kept, nothing changes; confirmed, the run stops and the link names the new setup', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openQuick(page, { speed: 'slow' });
  const query = (k: string) => new URL(page.url()).searchParams.get(k);
  await page.getByTestId('start-button').click();
  await expect.poll(() => runStatus(page)).toBe('running');
  // The setup folds to the line that says what is running, and unfolds on request.
  await expect(page.getByTestId('run-summary')).toContainText('Random search · digits · Supernet (weight sharing) · budget 5 · seed 3');
  await expect(page.getByTestId('seed-input')).toBeHidden();
  await page.getByTestId('setup-toggle').click();
  await expect(page.getByTestId('seed-input')).toBeVisible();

  // The method, mid-run: asked, kept.
  const dialog = page.getByRole('dialog', { name: 'Stop the run?' });
  await page.getByTestId('method-select').selectOption('evolution');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Changing the method stops it');
  await page.getByTestId('confirm-stop-no').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('method-select')).toHaveValue('random');
  expect(query('method')).toBe('random');
  expect(await runStatus(page)).toBe('running');

  // The seed, while paused: asked, confirmed: the run is stopped and cleared, the link follows.
  await page.getByTestId('pause-button').click();
  await expect.poll(() => runStatus(page)).toBe('paused');
  await page.getByTestId('seed-input').fill('11');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('seed-input')).toHaveValue('3');
  expect(query('seed')).toBe('3');
  await page.getByTestId('confirm-stop-yes').click();
  await expect(dialog).toBeHidden();
  await expect.poll(() => runStatus(page)).toBe('idle');
  await expect(page.getByTestId('seed-input')).toHaveValue('11');
  await expect.poll(() => query('seed')).toBe('11');
  await expect(page.getByTestId('timeline')).toHaveCount(0);

  // With no run on screen, a change is just made.
  await page.getByTestId('method-select').selectOption('evolution');
  await expect(dialog).toBeHidden();
  await expect.poll(() => query('method')).toBe('evolution');
});
