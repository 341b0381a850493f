import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main';
import { describeFailure } from '../src/cli/options';
import { withDefaults } from '../src/engine/core/config';
import type { RunEvent } from '../src/engine/core/events';
import { RunController } from '../src/engine/core/runLoop';
import { parseArchitectureFile } from '../src/engine/export/architectureFile';
import { METHOD_CATALOG } from '../src/engine/methods/catalog';
import { findMethod, registerMethod } from '../src/engine/methods/registry';
import { checkMethodSettings } from '../src/engine/methods/settingsCheck';
import { planWork } from '../src/engine/methods/workPlan';
import { runStartCommand } from '../src/worker/runCommand';
import { localSearchPlugin } from './fixtures/localSearchPlugin';

/**
 * The method contract (issue #12): a method that lives only in test/ is registered through the
 * registry's `registerMethod` and then runs through the CLI's and the worker's own code, is
 * listed, checked, planned and exported — with no edit to any central file.
 */
const ROOT = path.resolve(__dirname, '..');
const TABLE = path.join(ROOT, 'public', 'benchmarks', 'digits-nb201-skip-conv3-exhaustive.csv');
const tmp = mkdtempSync(path.join(tmpdir(), 'nas-contract-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(() => registerMethod(localSearchPlugin));

const tableArgs = ['--evaluator', 'table', '--table', TABLE, '--search-column', 'val_acc', '--report-column', 'test_acc', '--ops', 'skip_connect,nor_conv_3x3'];
const cli = async (...argv: string[]) => {
  try {
    return { code: await runCli(argv), stderr: '' };
  } catch (err) {
    return describeFailure(err);
  }
};

describe('a method registered through the contract alone', () => {
  it('is listed, and its id is checked like the others', () => {
    expect(METHOD_CATALOG.map((m) => m.id)).toContain('local-search');
    expect(findMethod('local-search')?.title).toBe('Local search');
    expect(() => registerMethod(localSearchPlugin)).toThrow(/registered already/);
    expect(() => registerMethod({ ...localSearchPlugin, id: 'Bad Name' })).toThrow(/lower-case/);
  });

  it('has its settings checked by its own rule, wherever a config comes in', () => {
    const config = (settings: unknown) => withDefaults({ method: 'local-search', methodSettings: { 'local-search': settings } });
    expect(checkMethodSettings(config({ maxNeighbours: 5 }))).toEqual([]);
    expect(checkMethodSettings(config({ maxNeighbours: 0 }))).toEqual(['local search: maxNeighbours must be an integer ≥ 1 (got 0)']);
    expect(checkMethodSettings(config({ maxNeighbors: 5 }))).toEqual(['unknown local search setting "maxNeighbors" (settings: maxNeighbours)']);
  });

  it('is planned by the shared NB-201 plan (no plan of its own)', () => {
    const stages = planWork(withDefaults({ method: 'local-search', evaluator: 'table', budget: 12 }));
    expect(stages.map((s) => [s.label, s.units])).toEqual([['candidates', 12]]);
  });

  it('runs through the CLI: options, table, run, and an exported file the import accepts', async () => {
    const out = path.join(tmp, 'local.json');
    const r = await cli('--method', 'local-search', ...tableArgs, '--budget', '20', '--seed', '3', '--with-log', '--quiet', '--out', out);
    expect(r).toEqual({ code: 0, stderr: '' });
    const parsed = parseArchitectureFile(readFileSync(out, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    expect(parsed.file.config.method).toBe('local-search');
    const log = parsed.file.log!;
    expect(log.filter((e) => e.type === 'candidate')).toHaveLength(20);
    const moves = log.filter((e): e is Extract<RunEvent, { type: 'method' }> => e.type === 'method' && e.method === 'local-search');
    expect(moves.length).toBeGreaterThan(0);
    expect(log.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
  });

  it('is refused by the CLI with its own messages: a bad setting, and a misspelt name lists it', async () => {
    expect(await cli('--method', 'local-search', ...tableArgs, '--method-settings', '{"local-search":{"maxNeighbours":0}}')).toEqual({
      code: 2,
      stderr: 'error: --method-settings: local search: maxNeighbours must be an integer ≥ 1 (got 0)\n',
    });
    const r = await cli('--method', 'local-serch');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('local-search');
  });

  it("runs through the worker's start command, with the same candidates as the CLI for the same seed", async () => {
    const config = withDefaults({
      method: 'local-search',
      evaluator: 'table',
      budget: 20,
      seed: 3,
      space: { ops: ['skip_connect', 'nor_conv_3x3'] },
      table: { source: 'custom', searchColumn: 'val_acc', reportColumn: 'test_acc' },
    });
    const events: RunEvent[] = [];
    const controller = new RunController();
    controller.start();
    const refuse = () => Promise.reject(new Error('a table run reads no dataset'));
    await runStartCommand({ type: 'start', runId: 1, config, tableCsv: { name: path.basename(TABLE), text: readFileSync(TABLE, 'utf8') } }, { dataset: refuse, read: refuse }, controller, (e) => events.push(e));
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
    const viaCli = parseArchitectureFile(readFileSync(path.join(tmp, 'local.json'), 'utf8'));
    if (!viaCli.ok) throw new Error('no CLI file');
    const archs = (log: readonly RunEvent[]) => log.flatMap((e) => (e.type === 'candidate' ? [e.arch.arch] : []));
    expect(archs(events)).toEqual(archs(viaCli.file.log!));
  });
});
