import { methodEventGuard, type PayloadUnion } from '../../core/events';
import { list, measured, z } from '../../core/schema';
import { NB201_OPS } from '../../spaces/nb201';

/** Evolution's events: its settings, each tournament's mutation, and the population after each birth. */
const index = z.int().min(0);
const op = z.enum(NB201_OPS);

const config = z.object({
  populationSize: z.int().min(1),
  sampleSize: z.int().min(1),
  ops: list(op),
  budget: z.int().min(0),
});

/** A tournament's outcome, sent before the child is evaluated (a standalone evaluation can take a while). */
const mutation = z.object({
  cycle: index,
  /** Candidate indices drawn for the tournament (with replacement, so repeats are possible). */
  sample: list(index),
  parentIndex: index,
  parentArch: z.string(),
  /** Edge index in NB201_EDGES order, and its endpoints. */
  edge: index,
  from: index,
  to: index,
  fromOp: op,
  toOp: op,
  childArch: z.string(),
});

/** The population after a member was added (and, once full, the oldest removed). Oldest first. */
const population = z.object({
  /** 0 while the initial population fills, then the cycle number. */
  cycle: index,
  /** The new member: candidate index, arch string and search score (a view needs no other events). */
  added: index,
  addedArch: z.string(),
  addedScore: measured,
  /** Candidate index of the removed oldest member, or null while the population fills. */
  removed: index.nullable(),
  /** Present for children: the parent's candidate index and the mutated edge. */
  parentIndex: index.nullable(),
  edge: index.nullable(),
  population: list(index),
});

export type EvolutionConfigData = z.output<typeof config>;
export type EvolutionMutationData = z.output<typeof mutation>;
export type EvolutionPopulationData = z.output<typeof population>;

/** This method's events in a run's log, typed by kind (core/events.ts methodEventGuard); the schemas check an imported log's payloads. */
export const isEvolutionEvent = methodEventGuard('evolution', { config, mutation, population });
export type EvolutionEvent = PayloadUnion<typeof isEvolutionEvent.payloads>;
