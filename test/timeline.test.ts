import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../src/engine/core/events';
import { Rng } from '../src/engine/core/rng';
import { methodMilestones } from '../src/app/methodViews';
import { foldCream } from '../src/app/panels/cream/creamState';
import { foldDna } from '../src/app/panels/dna/dnaState';
import { foldEvolution } from '../src/app/panels/evolution/evolutionState';
import { foldNao } from '../src/app/panels/nao/naoState';
import { applyEvent, emptyRun, endBatch, type RunData } from '../src/app/runState';
import { countAtTime, nextInterest, PrefixFolder, timelineMarks } from '../src/app/timeline';

/**
 * The timeline shows the fold of a prefix of the log. Checked on the recorded runs of every method
 * (e2e/fixtures): a seek through snapshots equals the fold of the prefix applied one event at a
 * time, in any order of seeks, for the run's own state and for each method view's model.
 */
const log = (name: string): RunEvent[] => JSON.parse(readFileSync(path.resolve('e2e', 'fixtures', `${name}.json`), 'utf8')).log;

function oneByOne(events: readonly RunEvent[], k: number): RunData {
  const d = emptyRun();
  for (let i = 0; i < k; i++) {
    applyEvent(d, events[i]);
    endBatch(d); // as the store publishes: a batch may be a single event
  }
  return d;
}

const VIEW_FOLDS: Record<string, (events: readonly RunEvent[]) => unknown> = {
  'evolution-nb201': foldEvolution,
  'nao-nb201': foldNao,
  'dna-digits': foldDna,
  'cream-digits': foldCream,
  'random-supernet': () => null,
};

describe('timeline: a prefix of the log', () => {
  for (const [name, foldView] of Object.entries(VIEW_FOLDS)) {
    it(`${name}: seeking (snapshots, any order) equals applying the prefix event by event, for the run and its method view`, () => {
      const events = log(name);
      // Snapshots every 7 events, so a recorded run of a few hundred events crosses many of them.
      const folder = new PrefixFolder(events, 7);
      const rng = new Rng(5);
      const ks = [events.length, 0, 1, Math.floor(events.length / 2), ...Array.from({ length: 25 }, () => rng.int(events.length + 1)), events.length - 1, 3];
      for (const k of ks) {
        const seeked = folder.seek(k);
        const plain = oneByOne(events, k);
        expect(seeked, `seek(${k})`).toEqual(plain);
        // From a fresh folder too: no earlier seek's snapshots involved.
        expect(new PrefixFolder(events).seek(k)).toEqual(plain);
        expect(foldView(seeked.methodEvents)).toEqual(foldView(events.slice(0, k).filter((e) => e.type === 'method')));
      }
      // Earlier seeks leave the snapshots untouched: the whole run is still the whole run.
      expect(folder.seek(events.length)).toEqual(oneByOne(events, events.length));
    });
  }

  it('a prefix shows fewer candidates and training points than the end, and the end shows all', () => {
    const events = log('random-supernet');
    const folder = new PrefixFolder(events);
    const mid = folder.seek(Math.floor(events.length / 2));
    const end = folder.seek(events.length);
    expect(end.candidates).toHaveLength(events.filter((e) => e.type === 'candidate').length);
    expect(mid.candidates.length).toBeLessThan(end.candidates.length);
    expect(mid.train.length).toBeLessThanOrEqual(end.train.length);
    expect(mid.final).toBeNull();
    expect(end.final).not.toBeNull();
  });

  it('countAtTime finds how many events happened by a time', () => {
    const events = [0, 5, 5, 9, 20].map((t) => ({ type: 'log', level: 'info', message: '', t }) as RunEvent);
    expect(countAtTime(events, -1)).toBe(0);
    expect(countAtTime(events, 0)).toBe(1);
    expect(countAtTime(events, 5)).toBe(3);
    expect(countAtTime(events, 8.9)).toBe(3);
    expect(countAtTime(events, 20)).toBe(5);
    expect(countAtTime(events, 1e9)).toBe(5);
  });

  it('marks every phase and each method milestone; next jumps to the next candidate or milestone', () => {
    const events = log('nao-nb201');
    const marks = timelineMarks(events, methodMilestones());
    expect(marks.filter((m) => m.kind === 'phase')).toHaveLength(events.filter((e) => e.type === 'phase').length);
    const rounds = events.filter((e) => e.type === 'method' && e.kind === 'generation');
    expect(marks.filter((m) => m.kind === 'milestone').map((m) => m.label)).toEqual(rounds.map((e) => `NAO round ${(e as { data: { iteration: number } }).data.iteration}: seeds moved and decoded`));
    // From just before the first round's generation event, next lands on it (it is applied).
    const g = events.findIndex((e) => e.type === 'method' && e.kind === 'generation');
    const c = events.findIndex((e, i) => i >= g && e.type === 'candidate');
    expect(nextInterest(events, g, methodMilestones())).toBe(g + 1);
    expect(nextInterest(events, g + 1, methodMilestones())).toBe(c + 1);
    expect(nextInterest(events, events.length, methodMilestones())).toBeNull();
  });
});
