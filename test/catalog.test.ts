import { describe, expect, it } from 'vitest';
import { METHOD_CATALOG } from '../src/engine/methods/catalog';
import { METHODS } from '../src/engine/methods';
import { BLOCK_METHOD_RUNNERS } from '../src/engine/run';

describe('method catalog', () => {
  it('marks exactly the runnable methods available', () => {
    for (const m of METHOD_CATALOG) expect(m.available, m.id).toBe(Boolean(METHODS[m.id] ?? BLOCK_METHOD_RUNNERS[m.id]));
    for (const id of Object.keys(METHODS)) expect(METHOD_CATALOG.some((m) => m.id === id), id).toBe(true);
  });

  it('names the space each method searches: the NB-201 registry for cells, the block runners for chains', () => {
    for (const m of METHOD_CATALOG) expect(m.space, m.id).toBe(BLOCK_METHOD_RUNNERS[m.id] ? 'blocks' : 'nb201');
  });
});
