import { memo, type ComponentType } from 'react';
import type { MethodId } from '../engine/core/config';
import type { RunEvent } from '../engine/core/events';
import { CreamView } from './panels/cream/CreamView';
import { DnaView } from './panels/dna/DnaView';
import { EvolutionView } from './panels/evolution/EvolutionView';
import { NaoView } from './panels/nao/NaoView';
import type { MilestoneKinds } from './timeline';

/**
 * Method-specific views, one line per method: `evolution: EvolutionView,`.
 *
 * A view receives `events`: the run's `method` events only (RunEvent with type 'method', in log
 * order, every `method` name included — an evaluator's own events such as the table's
 * 'table-info' arrive too, so filter on `e.method` / `e.kind`). Not the whole log: a training run
 * holds tens of thousands of train events a method view has no use for. The array is a new
 * reference whenever a batch brought new method events and the same reference otherwise, so a
 * view may `useMemo` on it. It is the same for a live run and for a replayed, imported log: a view
 * must derive everything from these events and never talk to the worker.
 */
export interface MethodViewProps {
  events: RunEvent[];
}

export const METHOD_VIEWS: Partial<Record<MethodId, ComponentType<MethodViewProps>>> = {
  // random search keeps no state between samples, so it has no view of its own.
  // memo: a view re-renders when its events change, not whenever the panel around it does.
  evolution: memo(EvolutionView),
  nao: memo(NaoView),
  cream: memo(CreamView),
  dna: memo(DnaView),
};

/**
 * Each method's moments worth a mark on the timeline and a "next" jump, by the `method` and
 * `kind` of its events, with the label a mark shows. Candidates are always moments of interest.
 */
export const METHOD_MILESTONES: MilestoneKinds = {
  nao: { generation: (d) => `NAO round ${(d as { iteration: number }).iteration}: seeds moved and decoded` },
  dna: {
    'teacher-ready': () => 'DNA: teacher ready',
    'block-scores': (d) => `DNA: block ${(d as { block: number }).block + 1} rated`,
    search: () => 'DNA: budgeted search',
  },
  cream: { board: () => 'Cream: the board changed' },
};
