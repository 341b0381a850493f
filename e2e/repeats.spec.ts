import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { RunController } from '../src/engine/core/runLoop';
import { formatMeanStd, formatPaired, pairedDifference } from '../src/engine/core/stats';
import { parseBenchmarkCsv } from '../src/engine/evaluate/table';
import { searchTable } from '../src/engine/run';
import type { Nb201Op } from '../src/engine/spaces/nb201';

/**
 * Repeat over seeds on the shipped 64-cell table: random search vs evolution over 10 seeds in the
 * worker. Bands and median lines are drawn for both, and the printed numbers are the ones the
 * engine computes here in Node for the same seeds — the code `npm run bench` runs.
 */
const TABLE = 'digits-nb201-skip-conv3-exhaustive';
const BUDGET = 15;
const SEEDS = Array.from({ length: 10 }, (_, i) => i + 1);

async function expected(method: 'random' | 'evolution') {
  const file = `${TABLE}.csv`;
  const table = parseBenchmarkCsv(readFileSync(path.resolve('public', 'benchmarks', file), 'utf8'), file);
  const ops: Nb201Op[] = ['skip_connect', 'nor_conv_3x3'];
  const bySeed = new Map<number, number>();
  for (const seed of SEEDS) {
    const out = await searchTable({ method, table, source: TABLE, searchColumn: 'val_acc', reportColumn: 'test_acc', ops, budget: BUDGET, seed }, new RunController());
    bySeed.set(seed, out.reported);
  }
  return bySeed;
}

test('repeat random vs evolution over 10 seeds on the shipped table: bands, and the bench’s numbers', async ({ page }) => {
  await page.goto(`/?method=random&evaluator=table&budget=${BUDGET}&seed=1&speed=max&backend=cpu`);
  await expect(page.getByTestId('backend-badge')).toContainText(/cpu/i, { timeout: 120_000 });
  const panel = page.getByTestId('repeats');
  // No table yet: a clear message and no way to start.
  await expect(panel.getByTestId('repeats-problems')).toContainText('No benchmark table chosen');
  await expect(panel.getByTestId('repeats-start')).toBeDisabled();

  // The radio turns checked once the table is fetched and parsed (async): click, then wait for it.
  await page.getByTestId(`benchmark-option-${TABLE}`).click();
  await expect(page.getByTestId('table-summary')).toContainText('64 cells');
  await expect(page.getByTestId(`benchmark-option-${TABLE}`)).toBeChecked();
  await expect(panel.getByTestId('repeats-method-random')).toBeChecked();
  await expect(panel.getByTestId('repeats-method-evolution')).toBeChecked();
  await expect(panel.getByTestId('repeats-seeds')).toHaveValue('10');
  await panel.getByTestId('repeats-start').click();
  await expect(panel.getByTestId('repeats-status')).toHaveAttribute('data-status', 'completed');
  await expect(panel.getByTestId('repeats-status')).toContainText('20 / 20 runs');

  for (const m of ['random', 'evolution']) {
    const band = await panel.getByTestId(`repeats-band-${m}`).getAttribute('d');
    const median = await panel.getByTestId(`repeats-median-${m}`).getAttribute('d');
    expect(band ?? '').toMatch(/^M[\d.,\-]+/);
    expect(median ?? '').toMatch(/^M[\d.,\-]+/);
  }

  const [rnd, evo] = [await expected('random'), await expected('evolution')];
  await expect(panel.getByTestId('repeats-mean-random')).toHaveText(formatMeanStd([...rnd.values()]));
  await expect(panel.getByTestId('repeats-mean-evolution')).toHaveText(formatMeanStd([...evo.values()]));
  await expect(panel.getByTestId('repeats-diff-evolution')).toHaveText(formatPaired(pairedDifference(evo, rnd)));
  await expect(panel.getByTestId('repeats-diff-random')).toHaveText('baseline');
});
