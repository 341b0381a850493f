import type { RunEvent } from '../../../engine/core/events';
import type { EvolutionConfigData, EvolutionMutationData } from '../../../engine/methods/evolution';
import { isEvolutionEvent } from '../../../engine/methods/evolution/events';

/**
 * The evolution view's model, folded from the run's `method` events alone (live or replayed):
 * every member with its birth and retirement, every tournament, the population after each step.
 * Plain TS, so it is tested without a DOM.
 */
export interface Member {
  index: number;
  arch: string;
  score: number;
  /** Null for the initial random population. */
  parentIndex: number | null;
  edge: number | null;
  /** Query index at which it was removed (the index of the child that replaced it), or null while alive. */
  retiredAt: number | null;
}

export interface EvolutionModel {
  config: EvolutionConfigData | null;
  members: Member[];
  byIndex: Map<number, Member>;
  /** Tournaments in order; `mutations[k].cycle === k + 1`. */
  mutations: EvolutionMutationData[];
  /** Candidate index of each cycle's child, once evaluated: `childOfCycle[k]` belongs to `mutations[k]`. */
  childOfCycle: number[];
  /** Alive members, oldest first, after the latest population event. */
  population: number[];
  /** The child being evaluated right now: a mutation whose population event has not arrived. */
  pending: EvolutionMutationData | null;
  /** Queries spent so far (members born). */
  queries: number;
  best: Member | null;
}

export function foldEvolution(events: readonly RunEvent[]): EvolutionModel {
  const m: EvolutionModel = { config: null, members: [], byIndex: new Map(), mutations: [], childOfCycle: [], population: [], pending: null, queries: 0, best: null };
  for (const e of events) {
    if (!isEvolutionEvent(e)) continue;
    if (e.kind === 'config') m.config = e.data;
    else if (e.kind === 'mutation') {
      const d = e.data;
      m.mutations.push(d);
      m.pending = d;
    } else if (e.kind === 'population') {
      const d = e.data;
      const member: Member = { index: d.added, arch: d.addedArch, score: d.addedScore, parentIndex: d.parentIndex, edge: d.edge, retiredAt: null };
      m.members.push(member);
      m.byIndex.set(member.index, member);
      if (d.removed !== null) {
        const gone = m.byIndex.get(d.removed);
        if (gone) gone.retiredAt = d.added;
      }
      m.population = d.population;
      m.queries = m.members.length;
      if (!m.best || member.score > m.best.score) m.best = member;
      if (d.cycle > 0) m.childOfCycle[d.cycle - 1] = d.added;
      if (m.pending && m.pending.cycle === d.cycle) m.pending = null;
    }
  }
  return m;
}

/** What the mutation panel shows for a cycle: its tournament and, once evaluated, the child. */
export interface MutationView {
  mutation: EvolutionMutationData;
  parent: Member | undefined;
  child: Member | undefined;
  sampleMembers: (Member | undefined)[];
  /** Member removed when the child arrived (the oldest). */
  removed: Member | undefined;
}

export function mutationView(model: EvolutionModel, cycle: number): MutationView | null {
  const mutation = model.mutations[cycle - 1];
  if (!mutation) return null;
  const childIndex = model.childOfCycle[cycle - 1];
  const child = childIndex === undefined ? undefined : model.byIndex.get(childIndex);
  const removed = child ? model.members.find((x) => x.retiredAt === child.index) : undefined;
  return {
    mutation,
    parent: model.byIndex.get(mutation.parentIndex),
    child,
    sampleMembers: mutation.sample.map((i) => model.byIndex.get(i)),
    removed,
  };
}
