import { describe, expect, it } from 'vitest';
import { settingsProblems, unknownSettingKeys, withDefaults } from '../src/engine/core/config';
import { parseNaoSettings } from '../src/engine/methods/nao/settings';
import { defaultCreamSettings } from '../src/engine/methods/cream/settings';
import { evolutionSettings } from '../src/engine/methods/evolution';
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

  it('finds misspelt keys at any depth, and accepts real ones', () => {
    const d = defaultCreamSettings('digits');
    expect(unknownSettingKeys({ supernet: { steps: 10, stepz: 3 }, boards: {} }, d)).toEqual(['supernet.stepz', 'boards']);
    expect(unknownSettingKeys({ supernet: { steps: 10 }, final: { flopsLimit: 5000 }, stages: [] }, d)).toEqual([]);
    expect(() => evolutionSettings(withDefaults({ methodSettings: { evolution: { populationSise: 5 } } }))).toThrow(/unknown setting "populationSise"/);
  });

  it('keys every object inherits ("constructor", "toString") are unknown settings, not a TypeError', () => {
    const d = defaultCreamSettings('digits');
    expect(unknownSettingKeys(JSON.parse('{"constructor":1,"supernet":{"toString":2}}'), d)).toEqual(['constructor', 'supernet.toString']);
    expect(() => parseNaoSettings({ constructor: 1 })).toThrow('NAO settings: unknown setting "constructor"');
    expect(() => evolutionSettings(withDefaults({ methodSettings: { evolution: { hasOwnProperty: 1 } } }))).toThrow(/unknown setting "hasOwnProperty"/);
  });

  it('a group or list of the wrong shape is named (settingsProblems), before the method reads a field of it', () => {
    const d = defaultCreamSettings('digits');
    const never = () => ['the method check ran'];
    expect(settingsProblems('Cream', { supernet: null, stages: [3], ops: 'mb3_k3' }, d, never)).toEqual([
      'Cream setting "supernet" must be an object, not null',
      'Cream setting "stages[0]" must be an object, not number',
      'Cream setting "ops" must be a list, not string',
    ]);
    expect(settingsProblems('Cream', { supernet: { steps: 5 } }, d, () => ['checked'])).toEqual(['checked']);
  });
});
