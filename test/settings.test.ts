import { describe, expect, it } from 'vitest';
import { withDefaults } from '../src/engine/core/config';
import { z } from '../src/engine/core/schema';
import { settingsProblems } from '../src/engine/core/settings';
import { parseNaoSettings } from '../src/engine/methods/nao/settings';
import { checkCreamSettings, creamSettingsOf, creamSettingsSchema } from '../src/engine/methods/cream/settings';
import { checkDnaSettings, dnaSettingsOf } from '../src/engine/methods/dna/settings';
import { evolutionSettings } from '../src/engine/methods/evolution';
import { methodPlugins } from '../src/engine/methods/registry';
import { methodSettingsJsonSchema } from '../src/engine/methods/settingsCheck';
import { configFromSettings, DEFAULT_SETTINGS, parseMethodSettings, presetFields, settingsFromQuery, settingsToQuery } from '../src/app/settings';

describe('method settings in the page and the link', () => {
  it('round-trips through the URL and lands under the current method in the config', () => {
    const s = { ...DEFAULT_SETTINGS, method: 'cream' as const, methodSettings: '{"supernet":{"steps":200}}' };
    const back = settingsFromQuery(settingsToQuery(s));
    expect(back.notices).toEqual([]);
    expect(back.settings.methodSettings).toBe(s.methodSettings);
    expect(configFromSettings(back.settings).methodSettings).toEqual({ cream: { supernet: { steps: 200 } } });
    // All defaults: nothing in the link, nothing in the config.
    expect(settingsToQuery(DEFAULT_SETTINGS)).not.toContain('methodSettings');
    expect(configFromSettings(DEFAULT_SETTINGS).methodSettings).toEqual({});
  });

  it('refuses text that is not a JSON object, with the reason', () => {
    expect(parseMethodSettings('')).toEqual({ ok: true, value: {} });
    const bad = parseMethodSettings('{"steps": ');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/not valid JSON/);
    const arr = parseMethodSettings('[1]');
    expect(arr.ok).toBe(false);
    const fromLink = settingsFromQuery('?method=nao&methodSettings=%5B1%5D');
    // Refused: the preset's own method settings stay.
    expect(fromLink.settings.methodSettings).toBe(presetFields('nao', 'quick').methodSettings);
    expect(fromLink.notices[0]).toMatch(/methodSettings.*must be a JSON object/);
  });

  /** The problems of Cream settings `given` as `methodSettings.cream`: merged over the defaults, then the schema. */
  const cream = (given: unknown) => checkCreamSettings(creamSettingsOf(withDefaults({ method: 'cream', methodSettings: { cream: given as Record<string, unknown> } })));
  const dna = (given: unknown) => checkDnaSettings(dnaSettingsOf(withDefaults({ method: 'dna', methodSettings: { dna: given as Record<string, unknown> } })));

  it('finds misspelt keys at any depth, and accepts real ones', () => {
    expect(cream({ supernet: { steps: 300, stepz: 3 }, boards: {} })).toEqual(['unknown Cream setting "supernet.stepz"', 'unknown Cream setting "boards"']);
    expect(cream({ supernet: { steps: 10, warmup: 2 }, final: { flopsLimit: 5000 } })).toEqual([]);
    expect(() => evolutionSettings(withDefaults({ methodSettings: { evolution: { populationSise: 5 } } }))).toThrow(/unknown setting "populationSise"/);
  });

  it('keys every object inherits ("constructor", "toString") are unknown settings, not a TypeError', () => {
    expect(cream(JSON.parse('{"constructor":1,"supernet":{"toString":2}}'))).toEqual(['unknown Cream setting "supernet.toString"', 'unknown Cream setting "constructor"']);
    expect(() => parseNaoSettings({ constructor: 1 })).toThrow('NAO settings: unknown setting "constructor"');
    expect(() => evolutionSettings(withDefaults({ methodSettings: { evolution: { hasOwnProperty: 1 } } }))).toThrow(/unknown setting "hasOwnProperty"/);
  });

  it('a group or list of the wrong shape is named, before the method reads a field of it', () => {
    expect(cream({ supernet: null, stages: [3], ops: 'mb3_k3' })).toEqual([
      'Cream setting "ops" must be a list, not string',
      'Cream setting "stages[0]" must be an object, not number',
      'Cream setting "supernet" must be an object, not null',
    ]);
    expect(cream({ stages: [{ channels: 'wide', stride: 1, layers: 2 }] })).toEqual(['Cream setting "stages[0].channels" must be a number, not "wide"']);
  });

  it('a settings schema refuses an unknown nested key, a wrong type in a group and an out-of-range number, naming each field', () => {
    // The same three mistakes against the real schemas and against loosened copies: the loosened
    // ones accept them, so these expectations are what the strict groups and the ranges buy.
    const mistakes = { supernet: { stepz: 3, steps: 2.5 }, board: { metric: 5 } };
    expect(cream(mistakes)).toEqual(['supernet steps must be an integer ≥ 1 (got 2.5)', 'unknown Cream setting "supernet.stepz"', 'board metric must be "val" or "train" (got 5)']);
    expect(dna({ teacher: { lr: 'fast', epochs: 2.5 }, rating: { heldOut: 1 }, students: { lrr: 1 } })).toEqual([
      'teacher epochs must be an integer ≥ 1 (got 2.5)',
      'teacher lr must be a number in (0, 10) (got "fast")',
      'unknown DNA setting "students.lrr" (settings: stepsPerBlock, batchSize, lr, schedule, featureEvery)',
      'held-out images must be an integer ≥ 2 (got 1)',
    ]);
    expect(() => parseNaoSettings({ lr: 2 })).toThrow('NAO settings: lr must be a number in (0, 1] (got 2)');
    const merged = creamSettingsOf(withDefaults({ method: 'cream', methodSettings: { cream: mistakes } }));
    const { supernet, board } = creamSettingsSchema.shape;
    expect(settingsProblems(supernet, merged.supernet).length).toBe(2);
    expect(settingsProblems(supernet.extend({ steps: z.number() }).loose(), merged.supernet)).toEqual([]);
    expect(settingsProblems(board, merged.board).length).toBe(1);
    expect(settingsProblems(board.extend({ metric: z.unknown() }), merged.board)).toEqual([]);
  });

  it("every method's defaults pass its own schema, for every dataset", () => {
    for (const plugin of methodPlugins()) {
      if (!plugin.settingsSchema) continue;
      for (const dataset of ['digits', 'fashion'] as const) expect(settingsProblems(plugin.settingsSchema, plugin.defaultSettings(dataset)), `${plugin.id} on ${dataset}`).toEqual([]);
    }
    expect(methodPlugins().filter((p) => !p.settingsSchema).map((p) => p.id)).toEqual([]);
  });

  it('the JSON Schema of methodSettings carries each field\'s range, default and help, and refuses unknown keys at any depth', () => {
    type Node = { properties: Record<string, Node>; additionalProperties?: boolean; required?: string[] } & Record<string, unknown>;
    const js = methodSettingsJsonSchema() as Node;
    expect(js.properties.nao.properties.lr).toMatchObject({ type: 'number', exclusiveMinimum: 0, maximum: 1, default: 1e-3, description: 'Adam learning rate' });
    const supernet = js.properties.cream.properties.supernet;
    expect(supernet.additionalProperties).toBe(false);
    // What a user writes is merged over the dataset's defaults: no field is required.
    expect(supernet.required).toBeUndefined();
    expect(supernet.properties.steps).toMatchObject({ type: 'integer', minimum: 1 });
  });
});
