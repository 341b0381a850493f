import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import type { RunEvent } from '../src/engine/core/events';

/**
 * Recorded runs for the view specs: real CLI runs with --with-log (npm run fixtures:record),
 * committed under e2e/fixtures/. A spec replays one in the page and checks the views against the
 * log itself, so it runs in seconds and still fails when a view misreads the events.
 */
export type FixtureName = 'random-supernet' | 'evolution-nb201' | 'nao-nb201' | 'dna-digits' | 'cream-digits';

export interface Fixture {
  path: string;
  file: { arch: string; config: { method: string; budget: number }; log: RunEvent[] } & Record<string, unknown>;
  log: RunEvent[];
}

export function fixture(name: FixtureName): Fixture {
  const p = path.resolve('e2e', 'fixtures', `${name}.json`);
  const file = JSON.parse(readFileSync(p, 'utf8')) as Fixture['file'];
  return { path: p, file, log: file.log };
}

export function methodEvents<T = Record<string, unknown>>(log: RunEvent[], kind: string): T[] {
  return log.filter((e): e is Extract<RunEvent, { type: 'method' }> => e.type === 'method' && e.kind === kind).map((e) => e.data as T);
}

export function ofType<K extends RunEvent['type']>(log: RunEvent[], type: K): Extract<RunEvent, { type: K }>[] {
  return log.filter((e): e is Extract<RunEvent, { type: K }> => e.type === type);
}

/** Opens the page, imports the recorded file and replays its log; resolves once the whole log is on screen. */
export async function replay(page: Page, name: FixtureName, query = ''): Promise<Fixture> {
  const f = fixture(name);
  await page.goto(`/?backend=cpu${query}`);
  // The worker's backend is up first, so nothing on the page changes under the checks that follow.
  await expect(page.getByTestId('backend-badge')).toContainText('backend: cpu', { timeout: 120_000 });
  await page.getByTestId('import-input').setInputFiles(f.path);
  await expect(page.getByTestId('import-result')).toContainText(f.file.arch);
  await page.getByTestId('import-replay-button').click();
  await expect(page.getByTestId('run-status')).toHaveText(/done/i);
  return f;
}
