import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDatasetFromDisk, REPO_ROOT } from '../src/cli/nodeIo';
import type { RunEvent } from '../src/engine/core/events';
import { RunController } from '../src/engine/core/runLoop';
import { parseArchitectureFile } from '../src/engine/export';
import { runSearch } from '../src/engine/run';
import { cpu, untimed } from './helpers';

/**
 * The recorded runs the page ships (public/runs, the gallery) and the ones the e2e specs replay
 * (e2e/fixtures): each is an architecture file the import accepts, listed in its set's index with
 * the command that made it; and a recorded run is what its command computes — the small fixture
 * is run again here and its log compared with the recording, times removed.
 */
const SETS = [path.join(REPO_ROOT, 'public', 'runs'), path.join(REPO_ROOT, 'e2e', 'fixtures')];

describe('recorded runs', () => {
  for (const dir of SETS) {
    const rel = path.relative(REPO_ROOT, dir);
    it(`${rel}: every file is a valid architecture file with a complete log, and the index lists exactly the files`, () => {
      expect(existsSync(path.join(dir, 'index.json')), `${rel}/index.json`).toBe(true);
      const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as Record<string, { command: string; recorded: string; seconds: number; events?: number }>;
      const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json');
      expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual(Object.keys(index).sort());
      for (const f of files) {
        const parsed = parseArchitectureFile(readFileSync(path.join(dir, f), 'utf8'));
        expect(parsed.ok, `${rel}/${f}: ${parsed.ok ? '' : parsed.errors.join('; ')}`).toBe(true);
        if (!parsed.ok) continue;
        const log = parsed.file.log!;
        expect(log[0].type).toBe('run-start');
        expect(log.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
        const entry = index[f.replace(/\.json$/, '')];
        expect(entry.command).toMatch(/^npm run search -- /);
        expect(Number.isNaN(Date.parse(entry.recorded))).toBe(false);
        if (entry.events !== undefined) expect(entry.events).toBe(log.length);
      }
    });
  }

  it('the recorded random search is what its config computes: the same log, times removed', async () => {
    await cpu();
    const file = JSON.parse(readFileSync(path.join(REPO_ROOT, 'e2e', 'fixtures', 'random-supernet.json'), 'utf8'));
    const recorded = file.log as RunEvent[];
    const start = recorded[0] as Extract<RunEvent, { type: 'run-start' }>;
    const events: RunEvent[] = [];
    await runSearch(start.config, { dataset: await loadDatasetFromDisk(start.config.dataset) }, new RunController(), (e) => events.push(e));
    expect(untimed(events)).toEqual(untimed(recorded));
  });
});

