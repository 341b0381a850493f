import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/cli/nodeIo';
import type { RunEvent } from '../src/engine/core/events';
import { checkMethodPayload, parseArchitectureFile, validateRunLog } from '../src/engine/export/architectureFile';
import { isTableEvent } from '../src/engine/evaluate/table';
import { methodPlugins } from '../src/engine/methods/registry';

/**
 * Method event payloads from a file (issue #12): each method's events.ts declares a zod schema per
 * kind, its plugin names them, and the import and a saved run's check parse every method event's
 * data with its method's schema for its kind. Cases are edits of the recorded runs the page ships.
 */

type Json = Record<string, unknown>;
type MethodJson = { type: 'method'; method: string; kind: string; data: Json };
const read = (name: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, 'public', 'runs', `${name}.json`), 'utf8')) as Json & { log: Json[] };

/** A shipped run with one method event edited: the import's messages and the saved-run check's. */
function refusedAfter(name: string, method: string, kind: string, edit: (data: Json, e: MethodJson) => void): { at: number; file: string[]; saved: string[] } {
  const f = read(name);
  const at = f.log.findIndex((e) => e.type === 'method' && e.method === method && e.kind === kind);
  expect(at, `${name} has a ${method} ${kind} event`).toBeGreaterThanOrEqual(0);
  const e = f.log[at] as MethodJson;
  edit(e.data, e);
  const r = parseArchitectureFile(JSON.stringify(f));
  const s = validateRunLog(JSON.parse(JSON.stringify(f.log)));
  return { at, file: r.ok ? [] : r.errors, saved: s.ok ? [] : s.errors };
}

describe('method event payloads', () => {
  it('every method that emits events declares their schemas under its own id, and every shipped event is of a declared kind', () => {
    const declared = new Map(methodPlugins().flatMap((p) => (p.events ? [[p.id, p.events] as const] : [])));
    for (const [id, events] of declared) expect(events.method, id).toBe(id);
    expect([...declared.keys()].sort()).toEqual(['cream', 'dna', 'evolution', 'nao']);
    for (const name of ['evolution-nb201', 'nao-nb201', 'dna-digits', 'cream-digits', 'random-nb201']) {
      for (const e of read(name).log.filter((x): x is MethodJson => x.type === 'method')) {
        const payloads = e.method === isTableEvent.method ? isTableEvent.payloads : declared.get(e.method)?.payloads;
        expect(payloads && Object.hasOwn(payloads, e.kind), `${name}: ${e.method} ${e.kind}`).toBe(true);
      }
    }
  });

  it('names the event, its method and kind, and the field by its path: a wrong type deep in a payload', () => {
    const cases: [string, string, string, (d: Json) => void, string][] = [
      ['nao-nb201', 'nao', 'embedding', (d) => ((d.points as Json[])[3].x = 'a'), '(nao embedding): points[3].x must be a number, not "a"'],
      ['evolution-nb201', 'evolution', 'population', (d) => ((d.population as unknown[])[1] = 'x'), '(evolution population): population[1] must be a number, not "x"'],
      ['dna-digits', 'dna', 'block-scores', (d) => ((d.candidates as Json[])[2].ops = ['mb3_k3', 'conv9']), '(dna block-scores): candidates[2].ops[1] must be one of'],
      ['cream-digits', 'cream', 'steps', (d) => ((d.rows as Json[])[0].phase = 'cooldown'), '(cream steps): rows[0].phase must be one of "warmup", "board", not "cooldown"'],
      ['random-nb201', 'table', 'table-info', (d) => ((d.optimum as Json).value = '91.5'), '(table table-info): optimum.value must be a number, not "91.5"'],
    ];
    for (const [name, method, kind, edit, message] of cases) {
      const r = refusedAfter(name, method, kind, edit);
      expect(r.file, message).toEqual([expect.stringContaining(`log[${r.at}] ${message}`)]);
      expect(r.saved, message).toEqual(r.file);
    }
  });

  it('names a missing required field, a bound broken, and a grid that does not hold its cells', () => {
    const cases: [string, string, string, (d: Json) => void, string][] = [
      ['evolution-nb201', 'evolution', 'mutation', (d) => delete d.childArch, '(evolution mutation): childArch is missing (a string is needed)'],
      ['nao-nb201', 'nao', 'summary', (d) => delete d.final, '(nao summary): final is missing (an object is needed)'],
      ['dna-digits', 'dna', 'setup', (d) => ((d.stages as Json[])[0].channels = 1e9), '(dna setup): stages[0].channels must be ≤ 1024, not 1000000000'],
      ['cream-digits', 'cream', 'board', (d) => (d.entries = Array.from({ length: 100_001 }, () => 0)), '(cream board): entries must list at most 100000, not 100001'],
      ['nao-nb201', 'nao', 'landscape', (d) => (d.values as unknown[]).pop(), '(nao landscape): values must hold nx × ny = 576 numbers, not 575'],
      ['dna-digits', 'dna', 'feature-map', (d) => ((d.teacher as unknown[][])[1] = [1, 2]), '(dna feature-map): teacher[1] must hold height × width = 64 numbers, not 2'],
    ];
    for (const [name, method, kind, edit, message] of cases) {
      const r = refusedAfter(name, method, kind, edit);
      expect(r.file, message).toEqual([`log[${r.at}] ${message}`]);
    }
  });

  it('refuses an unknown kind of a known method, and any event of a method that declares none, naming both', () => {
    const kind = refusedAfter('nao-nb201', 'nao', 'plan', (_, e) => (e.kind = 'plans'));
    expect(kind.file).toEqual([`log[${kind.at}] (nao plans): nao emits no "plans" events (its kinds: plan, loss, embedding, generation, landscape, holdout, pool, summary)`]);
    const method = refusedAfter('evolution-nb201', 'evolution', 'config', (_, e) => (e.method = 'genetic'));
    expect(method.file).toEqual([`log[${method.at}] (genetic config): no method "genetic" emits events (methods with events: evolution, nao, dna, cream, table)`]);
    // A hostile name is quoted and clipped, not echoed.
    const long = refusedAfter('evolution-nb201', 'evolution', 'config', (_, e) => (e.kind = `x\n${'y'.repeat(100_000)}`));
    expect(long.file).toHaveLength(1);
    expect(long.file[0].length).toBeLessThanOrEqual(240);
    expect(long.file[0]).toMatch(/^log\[\d+\] \(evolution "x\\ny+…"\): evolution emits no "x\\ny+…" events/);
  });

  it('reads a payload as its schema outputs it: null back to NaN where the log writes NaN as null, unknown keys dropped', () => {
    const f = read('nao-nb201');
    const at = f.log.findIndex((e) => e.type === 'method' && e.kind === 'embedding');
    const data = (f.log[at] as MethodJson).data;
    (data.points as Json[])[0].score = null;
    data.extra = 'from a newer version';
    const r = parseArchitectureFile(JSON.stringify(f));
    expect(r.ok).toBe(true);
    const read0 = r.ok ? (r.file.log![at] as Extract<RunEvent, { type: 'method' }>).data : null;
    expect(read0).toMatchObject({ points: expect.arrayContaining([expect.objectContaining({ score: NaN })]) });
    expect(read0).not.toHaveProperty('extra');
  });

  it('checkMethodPayload on its own: a field path, at most three messages per event and a note of more', () => {
    expect(checkMethodPayload('table', 'table-info', { name: 'x', rows: 1, searchColumn: 'a', reportColumn: 'b', optimum: { arch: 'a', value: 1 }, searchOptimum: { arch: 'a', value: null } })).toMatchObject({ ok: true });
    const r = checkMethodPayload('table', 'table-info', {});
    expect(r).toEqual({
      ok: false,
      errors: ['(table table-info): name is missing (a string is needed)', '(table table-info): rows is missing (a number is needed)', '(table table-info): searchColumn is missing (a string is needed)', '(table table-info): … further errors not shown'],
    });
  });
});
