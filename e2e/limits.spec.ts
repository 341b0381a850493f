import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

/**
 * Files over their size limit are refused before they are read: a short message naming the file,
 * its size and the limit, and nothing else on the page changes (a 50 MB file once froze it).
 */
test('an oversized architecture file or table is refused at once and changes nothing', async ({ page }) => {
  await page.goto('/?run=random-digits&evaluator=table');
  await expect(page.getByTestId('run-status')).toHaveText(/done/i, { timeout: 60_000 });
  await expect(page.getByText(/A file exported here, up to 16 MB/)).toBeVisible();
  await expect(page.getByTestId('backend-badge')).toContainText('backend:', { timeout: 120_000 });
  const before = await page.locator('main').innerText();
  const t0 = Date.now();
  const huge = path.join(tmpdir(), 'huge-run.json');
  writeFileSync(huge, Buffer.alloc(50 * 2 ** 20, 0x20));
  await page.getByTestId('import-input').setInputFiles(huge);
  await expect(page.getByTestId('import-error')).toContainText('huge-run.json is 50 MB; an architecture file (with its run’s event log) may be at most 16 MB');
  console.log(`refused a 50 MB file in ${Date.now() - t0} ms`);
  expect((await page.getByTestId('import-error').innerText()).length).toBeLessThan(300);

  // A table: the shipped one chosen first stays chosen.
  await page.getByTestId('table-file-input').setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.alloc(9 * 2 ** 20, 0x61) });
  await expect(page.getByTestId('table-error')).toHaveText('big.csv is 9.0 MB; a benchmark table may be at most 8.0 MB');
  const after = await page.locator('main').innerText();
  // Only the two messages were added.
  expect(after.replace(/huge-run\.json was not imported:[\s\S]*?16 MB\n?/, '').replace(/big\.csv is 9\.0 MB[^\n]*\n?/, '')).toBe(before);
});
