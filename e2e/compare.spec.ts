import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { RunEvent } from '../src/engine/core/events';
import { methodInfo } from '../src/engine/methods/catalog';
import { RunController } from '../src/engine/core/runLoop';
import { parseBenchmarkCsv } from '../src/engine/evaluate/table';
import { searchTable } from '../src/engine/run';
import type { Nb201Op } from '../src/engine/spaces/nb201';

/**
 * The Compare view: random search, evolution and NAO run live in the worker on the shipped 64-cell
 * table (seed 1, equal budget) come back as three curves whose plotted points — read back through
 * the figure's CSV — are the running maximum of each run's candidate scores, as the same searches
 * give them here in Node. Then a recorded run and an imported file join, a malformed file is
 * refused with a message and changes nothing, and the x axis switches to seconds.
 */
const TABLE = 'digits-nb201-skip-conv3-exhaustive';
const BUDGET = 20;

/** The best-so-far of a run's candidate events, by a plain running maximum (not the app's fold). */
async function expectedCurve(method: string): Promise<number[]> {
  const file = `${TABLE}.csv`;
  const table = parseBenchmarkCsv(readFileSync(path.resolve('public', 'benchmarks', file), 'utf8'), file);
  const ops: Nb201Op[] = ['skip_connect', 'nor_conv_3x3'];
  const events: RunEvent[] = [];
  await searchTable({ method, table, source: TABLE, searchColumn: 'val_acc', reportColumn: 'test_acc', ops, budget: BUDGET, seed: 1 }, new RunController(), (e) => events.push(e));
  let best = -Infinity;
  return events.filter((e) => e.type === 'candidate').map((e) => (best = Math.max(best, (e as Extract<RunEvent, { type: 'candidate' }>).score)));
}

async function chartCsv(page: import('@playwright/test').Page): Promise<Record<string, string>[]> {
  await page.getByTestId('figures-list').click();
  const item = page.locator('[data-testid="figure-item"][data-figure="compare-chart"]');
  await expect(item).toHaveCount(1);
  const download = page.waitForEvent('download');
  await item.getByTestId('figure-csv').click();
  const [head, ...rows] = readFileSync((await (await download).path())!, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return rows.map((r) => {
    // The run label is quoted (it holds a comma); the other fields are plain numbers.
    const m = /^"([^"]*)",(.*)$/.exec(r);
    const cells = m ? [m[1], ...m[2].split(',')] : r.split(',');
    return Object.fromEntries(cols.map((c, i) => [c, cells[i]]));
  });
}

test('random vs evolution vs NAO live on a shipped table, then a recorded run and an imported file, side by side', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/?backend=cpu');
  await expect(page.getByTestId('backend-badge')).toContainText(/cpu/i, { timeout: 120_000 });
  await page.getByTestId('compare-toggle').click();
  const view = page.getByTestId('compare-view');
  await expect(view).toBeVisible();
  // The run's stage gives the view its place, and comes back.
  await expect(page.locator('.stage')).toBeHidden();

  await expect(view.getByTestId('compare-table')).toHaveValue(TABLE);
  for (const m of ['random', 'evolution', 'nao']) await expect(view.getByTestId(`compare-method-${m}`)).toBeChecked();
  await view.getByTestId('compare-budget').fill(String(BUDGET));
  await view.getByTestId('compare-seed').fill('1');
  await view.getByTestId('compare-run').click();
  await expect(view.getByTestId('compare-live-status')).toHaveAttribute('data-status', 'completed');
  await expect(view.getByTestId('compare-live-status')).toContainText('3 / 3 runs');
  await expect(view.getByTestId('compare-curve')).toHaveCount(3);
  await expect(view.getByTestId('compare-slot')).toHaveCount(3);
  // Nothing replaced the (empty) run on screen.
  await expect(page.getByTestId('run-status')).not.toContainText(/done|running/i);

  const rows = await chartCsv(page);
  for (const m of ['random', 'evolution', 'nao']) {
    const mine = rows.filter((r) => r.run === `${methodInfo(m).title}, seed 1`);
    const want = await expectedCurve(m);
    expect(mine.length, m).toBe(want.length);
    expect(mine.map((r) => Number(r.query))).toEqual(want.map((_, i) => i + 1));
    expect(mine.map((r) => Number(r.best_so_far)), m).toEqual(want);
  }
  // Equal budgets on one table: every setting that matters is equal, the methods differ.
  await expect(view.getByTestId('compare-row-method')).toHaveAttribute('data-differs', 'true');
  await expect(view.getByTestId('compare-row-budget')).toHaveAttribute('data-differs', 'false');
  await expect(view.getByTestId('compare-pick-cell')).toHaveCount(3);

  // Seconds: the axis says so and the curves are redrawn on event time.
  const before = await view.getByTestId('compare-curve').first().getAttribute('d');
  await view.getByTestId('compare-x').selectOption('seconds');
  await expect(view.getByTestId('compare-x-title')).toContainText('seconds');
  await expect(view.getByTestId('compare-chart')).toHaveAttribute('data-x', 'seconds');
  expect(await view.getByTestId('compare-curve').first().getAttribute('d')).not.toBe(before);
  await view.getByTestId('compare-x').selectOption('queries');

  // Room for a recorded run and a file: NAO leaves.
  await view.getByRole('button', { name: `Remove ${methodInfo('nao').title}, seed 1` }).click();
  await view.getByTestId('compare-recorded').selectOption('random-nb201');
  await view.getByTestId('compare-add-recorded').click();
  await expect(view.getByTestId('compare-slot')).toHaveCount(3);

  // A malformed file: a short message naming what is wrong, and nothing changes.
  await view.getByTestId('compare-import').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"schema": 1, "arch": ') });
  await expect(view.getByTestId('compare-refusal')).toContainText('broken.json was not added');
  await expect(view.getByTestId('compare-slot')).toHaveCount(3);

  await view.getByTestId('compare-import').setInputFiles(path.resolve('e2e', 'fixtures', 'evolution-nb201.json'));
  await expect(view.getByTestId('compare-slot')).toHaveCount(4);
  await expect(view.getByTestId('compare-refusal')).toHaveCount(0);
  await expect(view.getByTestId('compare-import')).toBeDisabled();

  // Two meanings of "score": the digits table's val_acc and NAS-Bench-201's c10_valid_acc never share axes.
  await expect(view.getByTestId('compare-spaces-note')).toContainText('mean different things');
  await expect(view.getByTestId('compare-curve')).toHaveCount(2);
  await view.getByTestId('compare-space').selectOption({ index: 1 });
  await expect(view.getByTestId('compare-curve')).toHaveCount(2);
  await expect(view.getByTestId('compare-chart')).toHaveAttribute('aria-label', /c10_valid_acc/);
  // Budgets of 20 and of 100 / 60: flagged.
  await expect(view.getByTestId('compare-budget-note')).toHaveAttribute('data-unequal', 'true');
  await expect(view.getByTestId('compare-row-budget')).toHaveAttribute('data-differs', 'true');
  await expect(view.getByTestId('compare-pick')).toHaveCount(4);

  await view.getByTestId('compare-close').click();
  await expect(page.locator('.stage')).toBeVisible();
  await expect(page.getByTestId('compare-toggle')).toHaveText('Compare runs side by side (4)');
});
