import { expect, type Page } from '@playwright/test';
import { count, openQuick } from '../../e2e/util';

export interface Responsiveness {
  date: string;
  run: string;
  frames: number;
  longTasks: number;
  longestTaskMs: number;
  frameMs: { p50: number; p95: number; p99: number; max: number };
}

/**
 * Counts main-thread long tasks (> 50 ms) and frame times while a 20-candidate search runs in the
 * worker. A measurement, not a timed assert: the e2e spec and npm run bench:browser both call it.
 */
export async function measureResponsiveness(page: Page): Promise<Responsiveness> {
  await openQuick(page, { budget: '20' });
  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[]; __frames: number[] };
    w.__longTasks = [];
    w.__frames = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
    let last = performance.now();
    const tick = (now: number) => {
      w.__frames.push(now - last);
      last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('final-result')).toContainText(/test/i, { timeout: 200_000 });
  expect(await count(page, 'score-chart')).toBe(20);
  const { longTasks, frames } = await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[]; __frames: number[] };
    return { longTasks: w.__longTasks, frames: w.__frames };
  });
  const sorted = [...frames].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return {
    date: new Date().toISOString(),
    run: 'random search, digits, supernet 40 steps, 20 candidates, final 1 epoch, cpu backend in the worker',
    frames: frames.length,
    longTasks: longTasks.length,
    longestTaskMs: longTasks.length ? Math.max(...longTasks) : 0,
    frameMs: { p50: pct(0.5), p95: pct(0.95), p99: pct(0.99), max: sorted[sorted.length - 1] },
  };
}
