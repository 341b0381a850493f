import { methodEventGuard } from '../../core/events';
import type { Nb201Op } from '../../spaces/nb201';

/** Evolution's events: its settings, each tournament's mutation, and the population after each birth. */
export interface EvolutionConfigData {
  populationSize: number;
  sampleSize: number;
  ops: Nb201Op[];
  budget: number;
}

/** A tournament's outcome, sent before the child is evaluated (a standalone evaluation can take a while). */
export interface EvolutionMutationData {
  cycle: number;
  /** Candidate indices drawn for the tournament (with replacement, so repeats are possible). */
  sample: number[];
  parentIndex: number;
  parentArch: string;
  /** Edge index in NB201_EDGES order, and its endpoints. */
  edge: number;
  from: number;
  to: number;
  fromOp: Nb201Op;
  toOp: Nb201Op;
  childArch: string;
}

/** The population after a member was added (and, once full, the oldest removed). Oldest first. */
export interface EvolutionPopulationData {
  /** 0 while the initial population fills, then the cycle number. */
  cycle: number;
  /** The new member: candidate index, arch string and search score (a view needs no other events). */
  added: number;
  addedArch: string;
  addedScore: number;
  /** Candidate index of the removed oldest member, or null while the population fills. */
  removed: number | null;
  /** Present for children: the parent's candidate index and the mutated edge. */
  parentIndex: number | null;
  edge: number | null;
  population: number[];
}

export type EvolutionEvent =
  | { kind: 'config'; data: EvolutionConfigData }
  | { kind: 'mutation'; data: EvolutionMutationData }
  | { kind: 'population'; data: EvolutionPopulationData };

export const isEvolutionEvent = methodEventGuard<'evolution', EvolutionEvent>('evolution', { config: true, mutation: true, population: true });
