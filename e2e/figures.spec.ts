import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { watchCsp } from './util';

/**
 * Figures (issue #15): any chart on screen exports as a standalone SVG with its title and axis
 * labels, as a PNG at 2×, and — for the charts drawn from the run's series — its plotted points
 * as CSV. Exported at a held moment of the timeline, a figure shows that moment.
 */
test('a chart exports as SVG with its axes, as PNG at 2×, and its plotted points as CSV', async ({ page }) => {
  const violations = await watchCsp(page);
  await page.goto('/?run=random-nb201&backend=cpu');
  await expect(page.getByTestId('run-status')).toHaveText(/done/i);
  // Hold the timeline after the 30th candidate: the figure and the CSV are that moment's.
  const log = JSON.parse(readFileSync('public/runs/random-nb201.json', 'utf8')).log as { type: string }[];
  let seen = 0;
  const at = log.findIndex((e) => e.type === 'candidate' && ++seen === 30) + 1;
  await page.getByTestId('timeline-range').fill(String(at));
  await expect(page.getByTestId('score-chart')).toHaveAttribute('data-count', '30');

  await page.getByTestId('figures-list').click();
  const score = page.locator('[data-testid="figure-item"][data-figure="score-chart"]');
  await expect(score).toHaveCount(1);
  await expect(page.locator('[data-testid="figure-item"][data-figure="regret-chart"]')).toHaveCount(1);

  const svgDownload = page.waitForEvent('download');
  await score.getByTestId('figure-svg').click();
  const svgText = readFileSync((await (await svgDownload).path())!, 'utf8');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const texts = [...doc.querySelectorAll('text')].map((t) => t.textContent ?? '');
    return { error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.nodeName, texts, dots: doc.querySelectorAll('path').length };
  }, svgText);
  expect(parsed.error).toBeNull();
  expect(parsed.root).toBe('svg');
  expect(parsed.texts[0]).toMatch(/^Candidates/);
  expect(parsed.texts).toContain('candidate # (order of evaluation) · red: best so far');
  expect(parsed.texts.some((t) => t.startsWith('score: c10_valid_acc'))).toBe(true);
  // Tick labels of both axes.
  expect(parsed.texts.filter((t) => /^\d+$/.test(t)).length).toBeGreaterThanOrEqual(8);
  expect(svgText).toContain('clip-path="url(#figure-reveal)"');

  const pngDownload = page.waitForEvent('download');
  await score.getByTestId('figure-png').click();
  const png = readFileSync((await (await pngDownload).path())!);
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  const width = png.readUInt32BE(16);
  const svgWidth = Number(/<svg[^>]* width="(\d+(?:\.\d+)?)"/.exec(svgText)![1]);
  expect(width).toBe(Math.ceil(svgWidth * 2));

  const csvDownload = page.waitForEvent('download');
  await score.getByTestId('figure-csv').click();
  const csv = readFileSync((await (await csvDownload).path())!, 'utf8').trim().split('\n');
  expect(csv[0]).toBe('candidate,score,best_so_far,origin,arch');
  expect(csv).toHaveLength(1 + 30);

  const regretCsv = page.waitForEvent('download');
  await page.locator('[data-testid="figure-item"][data-figure="regret-chart"]').getByTestId('figure-csv').click();
  const regret = readFileSync((await (await regretCsv).path())!, 'utf8').trim().split('\n');
  expect(regret[0]).toBe('query,reported,best_index,best_reported,regret');
  expect(regret).toHaveLength(1 + 30);

  // The one-page report: config, result and the charts, as HTML with no script.
  await page.getByTestId('timeline-end').click();
  const reportDownload = page.waitForEvent('download');
  await page.getByTestId('run-report').click();
  const html = readFileSync((await (await reportDownload).path())!, 'utf8');
  const final = (JSON.parse(readFileSync('public/runs/random-nb201.json', 'utf8')) as { arch: string }).arch;
  // Read here, not in the page: the report is a file of its own (its <style> is its own, not the page's).
  const report = {
    scripts: (html.match(/<script/gi) ?? []).length,
    svgs: (html.match(/<figure><svg/g) ?? []).length,
    method: /<tr><th>method<\/th><td>([^<]*)<\/td><\/tr>/.exec(html)?.[1] ?? '',
    arch: /<code>([^<]*)<\/code>/.exec(html)?.[1] ?? '',
  };
  expect(report).toEqual({ scripts: 0, svgs: expect.any(Number), method: 'Random search (random)', arch: final });
  expect(report.svgs).toBeGreaterThanOrEqual(2);
  expect(await violations()).toEqual([]);
});

test("a layered chart (the evolution lifelines) exports its layers: the whole run's marks clipped at the moment, the moment's own on top", async ({ page }) => {
  await page.goto('/?run=evolution-nb201&backend=cpu');
  await expect(page.getByTestId('run-status')).toHaveText(/done/i);
  const log = JSON.parse(readFileSync('public/runs/evolution-nb201.json', 'utf8')).log as { type: string; kind?: string; data?: { population: number[] } }[];
  const k = Math.round(log.length * 0.8);
  const pops = log.slice(0, k).filter((e) => e.type === 'method' && e.kind === 'population');
  await page.getByTestId('timeline-range').fill(String(k));
  await expect(page.getByTestId('evolution-lifelines')).toHaveAttribute('data-members', String(pops.length));
  await expect(page.getByTestId('method-panel')).toHaveAttribute('aria-busy', 'false');
  await page.getByTestId('figures-list').click();
  const download = page.waitForEvent('download');
  await page.locator('[data-testid="figure-item"][data-figure="evolution-lifelines"]').getByTestId('figure-svg').click();
  const svgText = readFileSync((await (await download).path())!, 'utf8');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const dots = [...doc.querySelectorAll('path[stroke-linecap="round"]')].reduce((n, p) => n + (p.getAttribute('d')!.match(/h0/g)?.length ?? 0), 0);
    return { error: doc.querySelector('parsererror')?.textContent ?? null, clips: [...doc.querySelectorAll('clipPath')].map((c) => c.id), dots, lines: [...doc.querySelectorAll('line > title')].filter((t) => t.textContent!.endsWith('(alive)')).length };
  }, svgText);
  expect(parsed.error).toBeNull();
  expect(parsed.clips).toEqual(['figure-reveal', 'figure-reveal-1']);
  expect(parsed.dots).toBe(pops.length);
  expect(parsed.lines).toBe(pops.at(-1)!.data!.population.length);
});
