import { mkdir, writeFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { measureResponsiveness } from './measure';

/**
 * Main-thread long tasks and frame times while a search runs, written to
 * test-results/responsiveness.json; npm run bench:browser records the same measurement in
 * docs/benchmarks.md.
 */
test('main-thread long tasks and frame times while a search runs', async ({ page }) => {
  const result = await measureResponsiveness(page);
  console.log(`responsiveness: ${JSON.stringify(result)}`);
  await mkdir('test-results', { recursive: true });
  await writeFile('test-results/responsiveness.json', JSON.stringify(result, null, 2));
  expect(result.frames).toBeGreaterThan(10);
});
