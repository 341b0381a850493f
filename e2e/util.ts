import { expect, type Page } from '@playwright/test';

/** A quick digits run: small enough for headless software rendering, real in every step. */
export const QUICK: Record<string, string> = {
  method: 'random',
  dataset: 'digits',
  evaluator: 'supernet',
  budget: '5',
  seed: '3',
  speed: 'max',
  supernetSteps: '40',
  finalEpochs: '1',
  backend: 'cpu',
};

export async function openQuick(page: Page, overrides: Record<string, string> = {}): Promise<void> {
  await page.goto(`/?${new URLSearchParams({ ...QUICK, ...overrides })}`);
  await expect(page.getByTestId('backend-badge')).toContainText(/webgpu|webgl|cpu/i, { timeout: 120_000 });
}

export async function count(page: Page, testId: string): Promise<number> {
  return Number((await page.getByTestId(testId).getAttribute('data-count')) ?? '0');
}

export async function runStatus(page: Page): Promise<string> {
  return ((await page.getByTestId('run-status').textContent()) ?? '').trim().toLowerCase();
}

/**
 * Collects Content-Security-Policy violations on `page` (the document's securitypolicyviolation
 * events and the browser's "Refused to …" console errors); read the list at the end of a test.
 */
export async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const fromConsole: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) fromConsole.push(m.text());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
  });
  return async () => [...fromConsole, ...(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []))];
}

/** The view that says "this is that method", by method: the signature view a class looks at. */
export const SIGNATURE: Record<string, string> = {
  random: 'score-chart',
  evolution: 'evolution-lifelines',
  nao: 'nao-embedding',
  dna: 'dna-block-losses',
  cream: 'cream-board',
};

/** What the worker's `bench` command reports (engine/evaluate/throughput.ts ThroughputResult), in part. */
export interface BenchCounts {
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

/** Opens the page on `backend` and runs the worker's `bench` command there (window.nasPlayground.bench). */
export async function benchCounts(page: Page, backend: 'webgl' | 'webgpu', o: { steps: number; warmup: number; batchSize: number }): Promise<BenchCounts> {
  await page.goto(`/?backend=${backend}&dataset=digits`);
  await expect(page.getByTestId('backend-badge')).toContainText(`backend: ${backend}`, { timeout: 120_000 });
  const r = await page.evaluate(
    (o) => (window as unknown as { nasPlayground: { bench(o: unknown): Promise<BenchCounts> } }).nasPlayground.bench(o),
    { dataset: 'digits' as const, ...o },
  );
  console.log(`${backend}: ${JSON.stringify(r)}`);
  return r;
}

/**
 * Issue #16's GPU contract over 12 random paths after the per-op warm-up: no shader / pipeline
 * compiled (paths differ in how many kernels the L2 term sums, which once compiled a program per
 * count), the loss read back only on its schedule (the first step's at once, the 10th row, the rest
 * at the end, and the final sync: 4), and no tensor left behind.
 */
export async function expectCleanGpuSteps(page: Page, backend: 'webgl' | 'webgpu'): Promise<void> {
  const r = await benchCounts(page, backend, { steps: 12, warmup: 0, batchSize: 16 });
  expect(r.backend).toBe(backend);
  expect(r.shaderCompiles).toBe(0);
  expect(r.readBacksScheduled).toBe(4);
  expect(r.readBacks).toBeLessThanOrEqual(r.readBacksScheduled);
  expect(r.tensorsAfter).toBe(r.tensorsBefore);
}
