import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { METHOD_CATALOG } from '../src/engine/methods/catalog';

/**
 * Ranking quality over training (issue #17): the bench's measured curve of the supernet's Kendall
 * τ against each shipped table, drawn beside a supernet-scored search on the digits with the run's
 * own steps marked; a damaged file is named in one line and the page still works.
 */
const file = JSON.parse(readFileSync('public/benchmarks/ranking-over-training.json', 'utf8')) as { tables: { id: string; space: string; points: { steps: number; tau: number }[] }[] };
const nb201 = file.tables.filter((t) => t.space === 'nb201');

test('beside a supernet-scored search, the supernet’s τ over training for every shipped table, point by point from the bench’s file, with this run’s steps marked', async ({ page }) => {
  await page.goto('/?method=random&dataset=digits&evaluator=supernet&preset=quick&backend=cpu');
  const curves = page.getByTestId('method-panel').getByTestId('ranking-curves');
  await expect(curves).toBeVisible();
  await curves.locator('summary').click();
  const chart = page.getByTestId('ranking-curve');
  await expect(chart).toBeVisible();
  // The NB-201 supernet's curves only: the block space's is the bench's, beside no NB-201 search.
  await expect(chart).toHaveAttribute('data-tables', String(nb201.length));
  for (const t of nb201) {
    const dots = chart.locator(`g[data-table="${t.id}"] circle`);
    await expect(dots).toHaveCount(t.points.length);
    // Each point says its τ (two decimals) and its steps; higher τ is drawn higher.
    const titles = await dots.evaluateAll((els) => els.map((e) => e.querySelector('title')!.textContent!));
    t.points.forEach((p, i) => expect(titles[i]).toContain(`τ ${p.tau.toFixed(2).replace('-', '−')}`));
    const ys = await dots.evaluateAll((els) => els.map((e) => Number(e.getAttribute('cy'))));
    const order = (a: number, b: number) => Math.sign(a - b);
    for (let i = 1; i < ys.length; i++) if (Math.abs(t.points[i].tau - t.points[i - 1].tau) > 0.01) expect(order(ys[i - 1], ys[i])).toBe(order(t.points[i].tau, t.points[i - 1].tau));
  }
  const quick = METHOD_CATALOG.find((m) => m.id === 'random')!.presets.quick.supernet!.steps!;
  await expect(chart.getByTestId('ranking-curve-mark')).toHaveAttribute('data-steps', String(quick));

  // Not beside a search the supernet does not score: a table run.
  await page.goto('/?method=random&evaluator=table&backend=cpu');
  await expect(page.getByTestId('method-panel')).toBeVisible();
  await expect(page.getByTestId('ranking-curves')).toHaveCount(0);
});

test('beside DNA and Cream, the block one-shot supernet’s τ over training on every block truth, with no run mark', async ({ page }) => {
  const blocks = file.tables.filter((t) => t.space === 'blocks');
  for (const method of ['dna', 'cream']) {
    await page.goto(`/?method=${method}&dataset=digits&backend=cpu`);
    const curves = page.getByTestId('method-panel').getByTestId('ranking-curves');
    await expect(curves).toHaveAttribute('data-space', 'blocks');
    await curves.locator('summary').click();
    const chart = curves.getByTestId('ranking-curve');
    await expect(chart).toHaveAttribute('data-tables', String(blocks.length));
    for (const t of blocks) {
      const titles = await chart.locator(`g[data-table="${t.id}"] circle title`).allTextContents();
      expect(titles).toHaveLength(t.points.length);
      t.points.forEach((p, i) => expect(titles[i]).toContain(`τ ${p.tau.toFixed(2).replace('-', '−')}`));
    }
    // No NB-201 table beside a block-space method, and no steps of this run to mark.
    for (const t of nb201) await expect(chart.locator(`g[data-table="${t.id}"]`)).toHaveCount(0);
    await expect(chart.getByTestId('ranking-curve-mark')).toHaveCount(0);
  }
});

test('a damaged curve file is named in one line, and a run still starts', async ({ page }) => {
  await page.route('**/benchmarks/ranking-over-training.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ ...file, tables: [{ ...file.tables[0], points: [{ steps: 100, tau: 0.5, lo: 0.6, hi: 0.7, perSeed: [0.5] }] }] }) }));
  await page.goto('/?method=random&dataset=digits&evaluator=supernet&preset=quick&backend=cpu');
  await expect(page.getByTestId('ranking-curves-error')).toHaveText(/^benchmarks\/ranking-over-training\.json: tables\[0\]\.points\[0\] must hold lo ≤ tau ≤ hi/);
  await expect(page.getByTestId('ranking-curves')).toHaveCount(0);
  await expect(page.getByTestId('start-button')).toBeEnabled();
});
