import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { BlockRankingFile } from '../src/app/panels/benchmark/blockRanking';

/**
 * Does DNA's / Cream's claim hold? (issue #17): beside a recorded DNA or Cream run, the bench's
 * measurement from public/benchmarks/block-ranking.json — every evaluator's τ with its interval,
 * the truth against itself, and the claim's verdict in words, number by number from the file; a
 * damaged file is named in one line and the page still works.
 */
const file = JSON.parse(readFileSync('public/benchmarks/block-ranking.json', 'utf8')) as BlockRankingFile;
const f2 = (v: number) => v.toFixed(2).replace('-', '−');

for (const [method, run] of [
  ['dna', 'dna-digits'],
  ['cream', 'cream-digits'],
] as const) {
  test(`${method}: the claim, its verdict and every evaluator's τ with its interval, from the bench's file`, async ({ page }) => {
    await page.goto(`/?run=${run}`);
    const panel = page.getByTestId('method-panel').getByTestId('block-ranking');
    await expect(panel).toBeAttached({ timeout: 30_000 });
    await panel.locator('summary').click();
    const truths = file.truths.filter((t) => t.claims.some((c) => c.method === method));
    expect(truths.length).toBeGreaterThan(0);
    await expect(panel.getByTestId('block-ranking-truth')).toHaveCount(truths.length);
    for (const t of truths) {
      const section = panel.locator(`[data-testid="block-ranking-truth"][data-truth="${t.id}"]`);
      const c = t.claims.find((x) => x.method === method)!;
      const claim = section.getByTestId('block-claim');
      await expect(claim).toHaveAttribute('data-verdict', c.verdict);
      await expect(claim).toContainText(c.text);
      await expect(claim).toContainText(`Δτ ${f2(c.diff)} [${f2(c.lo)}, ${f2(c.hi)}]`);
      await expect(claim).toContainText({ holds: 'Holds here', reversed: 'Reversed here', 'not told apart': 'Not shown here' }[c.verdict]);
      // One row per evaluator and proxy, in the file's order, each dot saying its τ and interval.
      const rows = section.getByTestId('block-ranking-row');
      const want = [...t.evaluators, ...t.proxies];
      await expect(rows).toHaveCount(want.length);
      const titles = await rows.locator('circle title').allTextContents();
      want.forEach((e, i) => expect(titles[i]).toContain(`τ ${f2(e.tau)} [${f2(e.lo)}, ${f2(e.hi)}]`));
      // A higher τ sits further right.
      const xs = await rows.locator('circle').evaluateAll((els) => els.map((e) => Number(e.getAttribute('cx'))));
      for (let i = 1; i < want.length; i++) if (Math.abs(want[i].tau - want[0].tau) > 0.01) expect(Math.sign(xs[i] - xs[0])).toBe(Math.sign(want[i].tau - want[0].tau));
      if (t.ceiling.length) await expect(section.getByTestId('block-ranking-ceiling').locator('title')).toContainText(`τ ${f2(t.ceiling[0].tau)}`);
    }
  });
}

test('not beside a search of another space', async ({ page }) => {
  await page.goto('/?run=random-nb201');
  await expect(page.getByTestId('method-panel')).toBeVisible();
  await expect(page.getByTestId('block-ranking')).toHaveCount(0);
});

test('a damaged file is named in one line, and the run still shows', async ({ page }) => {
  // A verdict that does not follow its interval.
  const t = file.truths[0];
  const bad = { ...file, truths: [{ ...t, claims: t.claims.map((c) => ({ ...c, verdict: c.verdict === 'holds' ? 'reversed' : 'holds' })) }] };
  await page.route('**/benchmarks/block-ranking.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(bad) }));
  await page.goto('/?run=dna-digits');
  await expect(page.getByTestId('block-ranking-error')).toHaveText(/^benchmarks\/block-ranking\.json: truths\[0\]\.claims\[0\].*verdict must follow the interval/);
  await expect(page.getByTestId('block-ranking')).toHaveCount(0);
  await expect(page.getByTestId('timeline')).toBeVisible();
});
