import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useRunStore } from '../src/app/store';
import type { RunEvent } from '../src/engine/core/events';

/**
 * The run id (issue #12): the page names each live run in its start command and the worker tags
 * the run's events and states with it, so a previous run's trailing events, or a live run's
 * behind a replay, never reach the run on screen.
 */
const fixture = (name: string) => (JSON.parse(readFileSync(path.join(__dirname, '..', 'e2e', 'fixtures', `${name}.json`), 'utf8')) as { log: RunEvent[] }).log;

describe('run store and run ids', () => {
  const log = fixture('random-supernet');
  const store = () => useRunStore.getState();

  it('takes the events of the run on screen and drops those of the run before it', () => {
    const first = store().beginRun(false);
    store().receiveEvents(first, log.slice(0, 10));
    const second = store().beginRun(false);
    expect(second).not.toBe(first);
    // The first run, stopped, still flushes its last events: they carry its id.
    store().receiveEvents(first, log.slice(10, 40));
    expect(store().source.log).toHaveLength(0);
    store().receiveEvents(second, log.slice(0, 5));
    expect(store().source.log).toEqual(log.slice(0, 5));
    store().setLive(first, 'paused');
    expect(store().live).toBe('running');
    store().setLive(second, 'paused');
    expect(store().live).toBe('paused');
  });

  it('a refused run sends only an error run-end, and it is shown', () => {
    const id = store().beginRun(false);
    store().receiveEvents(id, [{ type: 'run-end', t: 0, status: 'error', message: 'budget must be an integer ≥ 1 (got 0)' }]);
    expect(store().source.end).toMatchObject({ status: 'error' });
  });

  it('a replay is not disturbed by the live run it replaced', () => {
    const live = store().beginRun(false);
    store().loadLog(log.slice(0, 50));
    store().receiveEvents(live, log.slice(50, 60));
    store().receiveEvents(store().runId, log.slice(50, 60));
    expect(store().source.log).toEqual(log.slice(0, 50));
  });
});
