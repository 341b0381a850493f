import type { MethodId } from '../engine/core/config';
import { METHODS } from '../engine/methods';

/**
 * Every method the playground plans to offer, in menu order. Availability is read from the engine's
 * registry, so a method becomes selectable the moment its folder is listed in METHODS — nothing
 * here needs to change. The fallback titles only label the not-yet-available entries.
 */
const PLANNED: Record<MethodId, { title: string; summary: string }> = {
  random: { title: 'Random search', summary: 'Samples cells uniformly at random and keeps the best: the baseline every NAS result must beat.' },
  evolution: { title: 'Regularised evolution', summary: 'Mutates the best of a random sample of the population and retires the oldest member.' },
  nao: { title: 'NAO', summary: 'Encodes cells into a continuous space, climbs a learned predictor there and decodes better cells.' },
  dna: { title: 'DNA', summary: 'Trains each block of the network against a teacher block, then picks one candidate per block under a budget.' },
  cream: { title: 'Cream', summary: 'Keeps a board of the best paths found so far and lets them teach the path being trained.' },
};

export interface MethodOption {
  id: MethodId;
  title: string;
  summary: string;
  available: boolean;
}

export const METHOD_OPTIONS: MethodOption[] = (Object.keys(PLANNED) as MethodId[]).map((id) => {
  const m = METHODS[id];
  return { id, title: m?.title ?? PLANNED[id].title, summary: m?.summary ?? PLANNED[id].summary, available: Boolean(m) };
});

export function methodOption(id: MethodId): MethodOption {
  return METHOD_OPTIONS.find((m) => m.id === id) ?? METHOD_OPTIONS[0];
}

export function isAvailableMethod(id: string): id is MethodId {
  return METHOD_OPTIONS.some((m) => m.id === id && m.available);
}
