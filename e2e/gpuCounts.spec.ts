import { expect, test, type Page } from '@playwright/test';

/**
 * Issue #16: a training step on a GPU backend reads nothing back inside itself and compiles no
 * shader once the warm-up has run every op. The worker's `bench` command counts both over its
 * timed steps (evaluate/throughput.ts). SwiftShader here runs the same code path as a GPU, so
 * the counts hold for it; its speed says nothing about a GPU's.
 */
interface Counts {
  backend: string;
  steps: number;
  msPerStep: number;
  shaderCompiles: number | null;
  readBacks: number;
  readBacksScheduled: number;
  readEvery: number;
  tensorsBefore: number;
  tensorsAfter: number;
}

async function benchCounts(page: Page, backend: 'webgl' | 'webgpu', o: { steps: number; warmup: number; batchSize: number }): Promise<Counts> {
  await page.goto(`/?backend=${backend}&dataset=digits`);
  await expect(page.getByTestId('backend-badge')).toContainText(`backend: ${backend}`, { timeout: 120_000 });
  const r = await page.evaluate(
    (o) => (window as unknown as { nasPlayground: { bench(o: unknown): Promise<Counts> } }).nasPlayground.bench(o),
    { dataset: 'digits' as const, ...o },
  );
  console.log(`${backend}: ${JSON.stringify(r)}`);
  return r;
}

test('webgl: no shader compiles after the warm-up and no read-back inside a training step', async ({ page }) => {
  const r = await benchCounts(page, 'webgl', { steps: 3, warmup: 0, batchSize: 16 });
  expect(r.backend).toBe('webgl');
  expect(r.shaderCompiles).toBe(0);
  // The loss every k steps as in a run (the first step's at once, the rest at the end) and the final sync.
  expect(r.readBacksScheduled).toBe(3);
  expect(r.readBacks).toBeLessThanOrEqual(r.readBacksScheduled);
  expect(r.tensorsAfter).toBe(r.tensorsBefore);
});
