import type { MethodId } from '../core/config';
import { regularizedEvolution } from './evolution';
import { nao } from './nao';
import { randomSearch } from './random';
import type { SearchMethod } from './types';

/** The registry: each method lives in its own folder and is listed here once. */
export const METHODS: Partial<Record<MethodId, SearchMethod>> = {
  random: randomSearch,
  evolution: regularizedEvolution,
  nao,
};

export function getMethod(id: MethodId): SearchMethod {
  const m = METHODS[id];
  if (!m) throw new Error(`method "${id}" is not available yet (available: ${Object.keys(METHODS).join(', ')})`);
  return m;
}
