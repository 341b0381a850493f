import { describe, expect, it } from 'vitest';
import { METHOD_CATALOG } from '../src/engine/methods/catalog';
import { methodPlugins } from '../src/engine/methods/registry';

describe('method catalog', () => {
  it('is the registry: every plugin listed once, in menu order', () => {
    expect(METHOD_CATALOG.map((m) => m.id)).toEqual(methodPlugins().map((m) => m.id));
    expect(new Set(METHOD_CATALOG.map((m) => m.id)).size).toBe(METHOD_CATALOG.length);
  });

  it('each plugin loads a runner of the kind its space needs: an NB-201 search, or a whole run that brings its own scoring', async () => {
    for (const m of methodPlugins()) {
      const runner = await m.load();
      expect(runner.kind, m.id).toBe(m.space === 'nb201' ? 'nb201-search' : 'whole-run');
    }
  });
});
