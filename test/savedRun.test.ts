import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../src/engine/core/events';
import { validateRunLog } from '../src/engine/export/architectureFile';
import { eventKey } from '../src/engine/methods/resume';
import { continueNote, continuePlan, idsToPrune, newestRecord, RerunCheck, validateSavedRun, type SavedChunk, type SavedRun, type SavedRunMeta } from '../src/app/restore/savedRun';
import { RunSaver, type RunStorage } from '../src/app/restore/saver';

const fixture = (name: string) => (JSON.parse(readFileSync(path.join(__dirname, '..', 'e2e', 'fixtures', `${name}.json`), 'utf8')) as { log: RunEvent[] }).log;

/** A fake RunStorage: records what is written, and fails on demand. */
class MemoryStorage implements RunStorage {
  metas = new Map<string, SavedRunMeta>();
  chunks = new Map<string, SavedChunk[]>();
  prunes: [number, string][] = [];
  failures: Error[] = [];
  async write(meta: SavedRunMeta, chunk: SavedChunk) {
    const f = this.failures.shift();
    if (f) throw f;
    this.metas.set(meta.id, structuredClone(meta));
    const list = this.chunks.get(meta.id) ?? [];
    list[chunk.seq] = structuredClone(chunk);
    this.chunks.set(meta.id, list);
  }
  async prune(keep: number, current: string) {
    this.prunes.push([keep, current]);
  }
}

const quota = () => Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
let ids = 0;
const saverOn = (storage: RunStorage) => new RunSaver(storage, { appVersion: 'test', newId: () => `run-${++ids}` });

/** Saves `log` in `parts` growing prefixes, as the page does every few seconds. */
async function saveInParts(log: RunEvent[], parts: number, storage = new MemoryStorage()) {
  const saver = saverOn(storage);
  for (let p = 1; p <= parts; p++) await saver.save(1, log.slice(0, Math.ceil((log.length * p) / parts)));
  const id = saver.status.runId!;
  return { storage, saver, meta: storage.metas.get(id)!, chunks: storage.chunks.get(id)! };
}

describe('a saved run read back', () => {
  const log = fixture('random-supernet');

  it('comes back whole from its chunks and passes the import checks', async () => {
    const { meta, chunks } = await saveInParts(log, 4);
    expect(chunks).toHaveLength(4);
    expect(meta.events).toBe(log.length);
    expect(meta.candidates).toBe(log.filter((e) => e.type === 'candidate').length);
    expect(meta.ended).toBe(true);
    const r = validateSavedRun(meta, chunks);
    expect(r.ok, JSON.stringify(!r.ok && r.errors)).toBe(true);
    if (r.ok) {
      expect(r.run.log).toEqual(JSON.parse(JSON.stringify(log)));
      expect(r.run.config.method).toBe('random');
    }
  });

  it('reads a NaN (a diverged loss) back as NaN, through the null JSON writes for it, instead of refusing it', async () => {
    const withNaN = log.map((e) => (e.type === 'train' ? { ...e, loss: NaN } : e));
    const { meta, chunks } = await saveInParts(withNaN, 2);
    const r = validateSavedRun(meta, chunks);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.run.log.find((e) => e.type === 'train')).toMatchObject({ loss: NaN });
  });

  it('refuses damaged records with messages that quote little of them', async () => {
    const { meta, chunks } = await saveInParts(log, 3);
    const refused = (m: unknown, c: unknown) => {
      const r = validateSavedRun(m, c);
      expect(r.ok).toBe(false);
      const errors = r.ok ? [] : r.errors;
      for (const e of errors) expect(e.length).toBeLessThan(300);
      return errors.join('\n');
    };
    expect(refused('garbage', chunks)).toMatch(/not a saved run/);
    expect(refused({ ...meta, version: 99 }, chunks)).toMatch(/version 99/);
    expect(refused({ ...meta, savedAt: 'x'.repeat(500) }, chunks)).toMatch(/savedAt must be a date/);
    expect(refused(meta, chunks.slice(0, 2))).toMatch(/incomplete/);
    expect(refused(meta, [chunks[0], chunks[2], chunks[1]])).toMatch(/chunk 1 .* damaged/);
    expect(refused(meta, [chunks[0], { ...chunks[1], events: '[{"type":' }, chunks[2]])).toMatch(/chunk 1 is not valid JSON/);
    expect(refused(meta, [chunks[0], { ...chunks[1], events: '{"a":1}' }, chunks[2]])).toMatch(/chunk 1 holds an object/);

    // The log itself goes through the architecture file's validators.
    const bad = (events: unknown[]) => {
      const text = JSON.stringify(events);
      return refused({ ...meta, events: events.length, chunks: 1 }, [{ runId: meta.id, seq: 0, events: text }]);
    };
    const start = log[0] as Extract<RunEvent, { type: 'run-start' }>;
    expect(bad([{ ...start, config: { ...start.config, method: 'm'.repeat(400) } }, ...log.slice(1)])).toMatch(/unknown method "m{20,}…"/);
    expect(bad([{ ...start, config: { ...start.config, budget: -3 } }, ...log.slice(1)])).toMatch(/budget/);
    expect(bad(log.slice(1))).toMatch(/must open with a run-start/);
    const i = log.findIndex((e) => e.type === 'candidate');
    const broken = log.map((e, k) => (k === i ? { ...e, arch: { space: 'nb201', arch: '|nope~0|' } } : e));
    expect(bad(broken)).toMatch(new RegExp(`log\\[${i}\\]\\.arch\\.arch`));
    expect(bad([start, JSON.parse('{"type":"log","t":1,"__proto__":{"x":1}}')])).toMatch(/__proto__/);
  });

  it('validateRunLog is the file checks on a bare log', () => {
    expect(validateRunLog(log).ok).toBe(true);
    expect(validateRunLog('x')).toMatchObject({ ok: false });
    expect(validateRunLog([])).toMatchObject({ ok: false });
  });
});

describe('which saved run is offered, and which are pruned', () => {
  const rec = (id: string, savedAt: unknown) => ({ id, savedAt });
  it('offers the newest; an unreadable date counts as newest, so damage is reported, not skipped', () => {
    expect(newestRecord([])).toBeUndefined();
    expect(newestRecord([rec('a', '2025-01-01T00:00:00Z'), rec('b', '2025-03-01T00:00:00Z'), rec('c', '2025-02-01T00:00:00Z')])).toMatchObject({ id: 'b' });
    expect(newestRecord([rec('a', '2025-01-01T00:00:00Z'), rec('junk', 7)])).toMatchObject({ id: 'junk' });
  });
  it('keeps the newest few and always the run being saved', () => {
    const records = ['01', '02', '03', '04', '05'].map((d) => rec(`r${d}`, `2025-01-${d}T00:00:00Z`));
    expect(idsToPrune(records, 3, 'r05').sort()).toEqual(['r01', 'r02']);
    expect(idsToPrune(records, 1, 'r01').sort()).toEqual(['r02', 'r03', 'r04', 'r05']);
    expect(idsToPrune([...records, rec('bad', null)], 3, null).sort()).toEqual(['r01', 'r02', 'bad'].sort());
  });
});

describe('the saver', () => {
  const log = fixture('random-supernet');

  it('appends only new events, starts a new saved run for a new run, and prunes old runs when one starts', async () => {
    const storage = new MemoryStorage();
    const saver = saverOn(storage);
    await saver.save(1, log.slice(0, 10));
    await saver.save(1, log.slice(0, 10)); // nothing new: nothing written
    await saver.save(1, log.slice(0, 25));
    const first = saver.status.runId!;
    expect(storage.chunks.get(first)!.map((c) => JSON.parse(c.events).length)).toEqual([10, 15]);
    expect(storage.prunes).toEqual([[3, first]]);
    await saver.save(2, log.slice(0, 5));
    expect(saver.status.runId).not.toBe(first);
    expect(storage.prunes).toHaveLength(2);
  });

  it('on a full disk makes room and tries again; when that fails too it stops saving and says so, without throwing', async () => {
    const storage = new MemoryStorage();
    const saver = saverOn(storage);
    await saver.save(1, log.slice(0, 10));
    storage.failures.push(quota());
    expect((await saver.save(1, log.slice(0, 20))).state).toBe('saved');
    expect(storage.prunes.at(-1)?.[0]).toBe(1);
    expect(saver.status.events).toBe(20);

    storage.failures.push(quota(), quota());
    const s = await saver.save(1, log.slice(0, 30));
    expect(s.state).toBe('full');
    expect(s.events).toBe(20);
    expect(s.message).toMatch(/storage is full.*20 events saved.*run itself goes on/);
    // It stops trying for this run: a failing disk is not hammered every few seconds.
    await saver.save(1, log.slice(0, 40));
    expect(storage.metas.get(s.runId!)!.events).toBe(20);
    // A new run tries again.
    expect((await saver.save(2, log.slice(0, 5))).state).toBe('saved');
  });

  it('reports any other storage error the same way', async () => {
    const storage = new MemoryStorage();
    storage.failures.push(new Error('InvalidStateError: the database connection is closing'));
    const s = await saverOn(storage).save(1, log.slice(0, 5));
    expect(s.state).toBe('failed');
    expect(s.message).toMatch(/could not be saved.*nothing of it is saved/);
  });
});

describe('continue', () => {
  const log = fixture('random-supernet');
  const runOf = (events: RunEvent[]): Pick<SavedRun, 'config' | 'runStart' | 'log'> => {
    const runStart = events[0] as SavedRun['runStart'];
    return { runStart, config: runStart.config, log: events };
  };
  const unfinished = log.slice(0, log.findIndex((e) => e.type === 'candidate') + 3);

  it('says what it can do for each kind of run', () => {
    expect(continuePlan(runOf(log))).toMatchObject({ can: false, kind: 'none' });
    expect(continuePlan(runOf(log)).why).toMatch(/finished/);
    // Random search with the supernet: from its checkpoint when this browser has one that fits, else a rerun.
    const start = unfinished[0] as SavedRun['runStart'];
    const checkpoint = { method: 'random', evaluator: 'supernet', seed: start.config.seed, events: unfinished.findIndex((e) => e.type === 'candidate') - 1 };
    const fromCheckpoint = continuePlan(runOf(unfinished), { tableAvailable: true, checkpoint });
    expect(fromCheckpoint).toMatchObject({ can: true, kind: 'checkpoint', exact: true });
    expect(fromCheckpoint.why).toMatch(/weights.*loaded instead of trained again.*replays the \d+ saved candidates/);
    for (const other of [{ ...checkpoint, seed: 999 }, { ...checkpoint, evaluator: 'table' }, { ...checkpoint, events: unfinished.length + 1 }]) {
      expect(continuePlan(runOf(unfinished), { tableAvailable: true, checkpoint: other }).kind).toBe('retrain');
    }
    const supernet = continuePlan(runOf(unfinished));
    expect(supernet).toMatchObject({ can: true, kind: 'retrain', exact: true });
    expect(supernet.why).toMatch(/saved before its checkpoint was taken/);
    const table = [{ ...start, config: { ...start.config, evaluator: 'table' as const } }, ...unfinished.slice(1)];
    expect(continuePlan(runOf(table))).toMatchObject({ can: true, kind: 'lookup' });
    // NAO on a table trains its predictor: a rerun trains it again.
    const naoTable = [{ ...start, config: { ...start.config, evaluator: 'table' as const, method: 'nao' } }, ...unfinished.slice(1)];
    expect(continuePlan(runOf(naoTable))).toMatchObject({ can: true, kind: 'retrain' });
    // A checkpoint is no use to a method whose state is more than the weights: it says why.
    const naoPlan = continuePlan(runOf(naoTable), { tableAvailable: true, checkpoint: { ...checkpoint, method: 'nao', evaluator: 'table' } });
    expect(naoPlan.kind).toBe('retrain');
    expect(naoPlan.why).toMatch(/keeps no checkpoint \(it trains its predictor again/);
    expect(continuePlan(runOf(table), { tableAvailable: false, tableName: 'mine.csv' })).toMatchObject({ can: false });
    expect(continuePlan(runOf(table), { tableAvailable: false, tableName: 'mine.csv' }).why).toMatch(/"mine.csv".*upload it again/);
    const webgl = [{ ...start, backend: 'webgl' }, ...unfinished.slice(1)];
    expect(continuePlan(runOf(webgl))).toMatchObject({ can: true, exact: false });
    expect(continuePlan(runOf([{ ...start, trainArch: 'x' }, ...unfinished.slice(1)]))).toMatchObject({ can: false });
  });

  it('says for every method how it continues: random search and evolution from a checkpoint, the rest by a rerun, each with why', () => {
    const note = continueNote();
    const by = Object.fromEntries(note.methods.map((m) => [m.id, m]));
    expect(by.random.checkpoint).toBe(true);
    expect(by.evolution.checkpoint).toBe(true);
    for (const id of ['nao', 'dna', 'cream']) {
      expect(by[id].checkpoint, id).toBe(false);
      expect(by[id].line, id).toMatch(/checked rerun.*—.+/);
    }
    expect(note.outro).toMatch(/CPU backend/);
  });

  it('checks a rerun event by event, ignoring times and where it ran', () => {
    const rerun = log.map((e) => ({ ...e, t: e.t + 1234, ...(e.type === 'run-start' ? { backend: 'cpu', tfjsVersion: 'other' } : {}) })) as RunEvent[];
    const check = new RerunCheck(unfinished);
    check.feed(rerun.slice(0, 3));
    expect(check.state).toMatchObject({ matched: 3, partedAt: null });
    check.feed(rerun);
    expect(check.done).toBe(true);
    expect(check.state).toMatchObject({ matched: unfinished.length, total: unfinished.length, partedAt: null });

    const i = unfinished.findIndex((e) => e.type === 'candidate');
    const other = rerun.map((e, k) => (k === i && e.type === 'candidate' ? { ...e, score: e.score + 1 } : e));
    const parted = new RerunCheck(unfinished);
    parted.feed(other);
    expect(parted.state.partedAt).toBe(i);
    expect(parted.state.partedWhat).toMatch(/candidate 0/);
    // A different config parts at the first event.
    const seed = new RerunCheck(unfinished);
    seed.feed([{ ...(rerun[0] as SavedRun['runStart']), config: { ...(rerun[0] as SavedRun['runStart']).config, seed: 99 } }]);
    expect(seed.state.partedAt).toBe(0);
  });

  it('compares a live NaN with the saved null', () => {
    const e = { type: 'train', t: 1, phase: 'supernet', step: 0, loss: NaN, acc: 0.5 } as RunEvent;
    expect(eventKey(e)).toBe(eventKey(JSON.parse(JSON.stringify(e))));
  });
});
