import { describe, expect, it } from 'vitest';
import { METHOD_CATALOG } from '../src/engine/methods/catalog';
import { METHODS } from '../src/engine/methods';

describe('method catalog', () => {
  it('marks exactly the registered methods available', () => {
    for (const m of METHOD_CATALOG) expect(m.available, m.id).toBe(Boolean(METHODS[m.id]));
    for (const id of Object.keys(METHODS)) expect(METHOD_CATALOG.some((m) => m.id === id), id).toBe(true);
  });
});
