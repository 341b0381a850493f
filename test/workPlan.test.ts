import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDatasetFromDisk, REPO_ROOT } from '../src/cli/nodeIo';
import { checkConfig, withDefaults, type RunConfig } from '../src/engine/core/config';
import type { RunEvent } from '../src/engine/core/events';
import { METHOD_CATALOG, presetConfig, PRESET_IDS } from '../src/engine/methods/catalog';
import { checkCreamSettings, creamSettingsOf } from '../src/engine/methods/cream/settings';
import { checkDnaSettings, dnaSettingsOf } from '../src/engine/methods/dna/settings';
import { evolutionSettings } from '../src/engine/methods/evolution';
import { parseNaoSettings } from '../src/engine/methods/nao/settings';
import { trainImages } from '../src/engine/data/datasets';
import { countEvent, emptyCounts, estimateRun, planCost, planWork, workDone } from '../src/engine/methods/workPlan';
import { changedFromPreset, configFromSettings, DEFAULT_SETTINGS, presetFields, settingsFromQuery, settingsToQuery } from '../src/app/settings';

/** The method's own check of its settings: a preset must be something the method accepts. */
function methodSettingsProblems(config: RunConfig): string[] {
  switch (config.method) {
    case 'dna':
      return checkDnaSettings(dnaSettingsOf(config));
    case 'cream':
      return checkCreamSettings(creamSettingsOf(config));
    case 'nao':
      parseNaoSettings(config.methodSettings.nao ?? {});
      return [];
    case 'evolution':
      evolutionSettings(config);
      return [];
    default:
      return [];
  }
}

describe('presets', () => {
  for (const m of METHOD_CATALOG) {
    for (const p of PRESET_IDS) {
      it(`${m.id} ${p}: runs as the engine reads it, and the page's fields build the same config`, () => {
        const engine = withDefaults(presetConfig(m.id, p));
        expect(checkConfig(engine)).toEqual([]);
        expect(methodSettingsProblems(engine)).toEqual([]);
        const page = configFromSettings({ ...DEFAULT_SETTINGS, method: m.id, preset: p, ...presetFields(m.id, p) });
        for (const k of ['budget', 'supernet', 'standalone', 'final', 'methodSettings'] as const) expect(page[k], k).toEqual(engine[k]);
      });
    }
  }

  it('Quick is shorter than Thorough for every method', () => {
    for (const m of METHOD_CATALOG) {
      const cost = (p: 'quick' | 'thorough') => planCost(planWork(withDefaults(presetConfig(m.id, p))));
      expect(cost('quick'), m.id).toBeLessThan(cost('thorough') / 2);
    }
  });

  it('Quick is the default and a link holds only what differs from the preset', () => {
    expect(DEFAULT_SETTINGS.preset).toBe('quick');
    const q = settingsToQuery(DEFAULT_SETTINGS);
    expect(q).toContain('preset=quick');
    expect(q).not.toMatch(/budget|supernetSteps|finalEpochs|methodSettings/);
    // A Thorough NAO with one change: the link names the preset and the change only.
    const s = { ...DEFAULT_SETTINGS, method: 'nao' as const, preset: 'thorough' as const, ...presetFields('nao', 'thorough'), budget: '50' };
    expect(changedFromPreset(s)).toEqual(['budget']);
    const link = settingsToQuery(s);
    expect(new URLSearchParams(link).get('budget')).toBe('50');
    expect(link).not.toMatch(/supernetSteps|methodSettings/);
    const back = settingsFromQuery(`?${link}`);
    expect(back.notices).toEqual([]);
    expect(back.settings).toEqual(s);
    // A Quick link reads the method's Quick lengths, not the default method's.
    const cream = settingsFromQuery('?method=cream&preset=quick').settings;
    expect(cream.methodSettings).toBe(presetFields('cream', 'quick').methodSettings);
    expect(configFromSettings(cream).methodSettings).toEqual({ cream: METHOD_CATALOG.find((m) => m.id === 'cream')!.presets.quick.methodSettings });
    expect(settingsFromQuery('?preset=slow').notices[0]).toMatch(/preset="slow": unknown preset \(choose quick, thorough\)/);
  });
});

describe('the work plan behind the estimates', () => {
  it('counts the training images each dataset really has', async () => {
    for (const id of ['digits', 'fashion'] as const) expect((await loadDatasetFromDisk(id)).train.n, id).toBe(trainImages(id));
  });

  // The fixtures are real runs, unthinned: folding one to its end must find the whole plan done,
  // which holds the plan's counts (steps, candidates, progress units) to what the engine emits.
  const dir = path.join(REPO_ROOT, 'e2e', 'fixtures');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json') && n !== 'index.json')) {
    it(`${f}: the plan is all done at the end of the recorded run, and never goes back`, () => {
      const log = (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { log: RunEvent[] }).log;
      const start = log[0];
      if (start.type !== 'run-start') throw new Error('no run-start');
      const stages = planWork(start.config);
      const total = planCost(stages);
      const counts = emptyCounts();
      const fractions: number[] = [];
      for (const e of log) {
        countEvent(counts, e);
        fractions.push(workDone(stages, counts) / total);
      }
      if (total === 0) return; // a table search with no retrain plans no compute
      expect(fractions.at(-1)!, stages.map((s) => `${s.label} ${s.units}`).join(', ')).toBeGreaterThan(0.97);
      for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
    });
  }

  it('an empty op list means all five ops: NAO plans the same rounds as with the five named', () => {
    // With `space: {}` read as zero ops, NAO planned an initial pool of 0⁶ = 0 cells and no rounds.
    const nao = (space: RunConfig['space']) => planWork(withDefaults({ method: 'nao', evaluator: 'table', budget: 60, space }));
    const all = nao({ ops: ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] });
    expect(nao({})).toEqual(all);
    expect(planCost(all)).toBeGreaterThan(0);
    expect(all.find((st) => st.label === 'predictor training')?.units).toBeGreaterThan(0);
  });

  it('re-estimates from the run’s own pace once 5 % is done', () => {
    const stages = planWork(withDefaults({ budget: 10, supernet: { ...withDefaults().supernet, steps: 100 }, final: { ...withDefaults().final, epochs: 1 } }));
    const before = estimateRun(stages, 100);
    expect(before.fromRun).toBe(false);
    expect(before.totalSeconds).toBeCloseTo((planCost(stages) * 100) / 1000);
    const counts = emptyCounts();
    for (let i = 0; i < 50; i++) countEvent(counts, { type: 'train', t: 0, phase: 'supernet', step: i, loss: 1, acc: 0, lr: 0.1 });
    // Half the supernet done in 20 s: the run is twice as slow as the calibration said.
    const during = estimateRun(stages, 100, { counts, elapsedMs: 20_000 });
    expect(during.fromRun).toBe(true);
    const doneUnits = workDone(stages, counts);
    expect(during.remainingSeconds).toBeCloseTo(((planCost(stages) - doneUnits) * 20) / doneUnits);
    expect(during.remainingSeconds).toBeGreaterThan(before.totalSeconds - 5);
  });
});
