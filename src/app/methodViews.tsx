import { memo, type ComponentType } from 'react';
import type { DatasetId } from '../engine/data/datasets';
import type { DnaSettingsInput } from '../engine/methods/dna/settings';
import type { RunEvent } from '../engine/core/events';
import { CreamView } from './panels/cream/CreamView';
import { DnaSettingsForm } from './panels/dna/DnaSettingsForm';
import { DnaView } from './panels/dna/DnaView';
import { EvolutionView } from './panels/evolution/EvolutionView';
import { NaoView } from './panels/nao/NaoView';
import type { MilestoneKinds } from './timeline';

/**
 * Method-specific views.
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
  /**
   * The whole run's method events, of which `events` is a prefix while the timeline is held back
   * (the same array when it follows the run). A view may draw the whole run's marks once and
   * reveal the moment's part of them, so a timeline move redraws only what changed; it must still
   * show nothing of the moment's future. A live run's `whole` can trail `events`.
   */
  whole?: RunEvent[];
}

/** What the page shows of one method beyond the shared panels; every part is optional. */
export interface MethodPanelEntry {
  /** The method's own view, folded from its events (memo: it re-renders when its events change). */
  View?: ComponentType<MethodViewProps>;
  /**
   * The method's moments worth a mark on the timeline and a "next" jump, by the `kind` of its
   * events, with the label a mark shows. Candidates are always moments of interest.
   */
  milestones?: Record<string, (data: unknown) => string>;
  /** A form for the settings a lesson changes most, beside the JSON of changes. */
  SettingsForm?: ComponentType<{ dataset: DatasetId; value: unknown; onChange: (next: unknown) => void }>;
  /** An example of the JSON of changes, shown as the empty field's placeholder. */
  settingsExample?: string;
}

/**
 * The page's one list of method panels, keyed by the engine's method id (engine/methods/
 * registry.ts); a method with no entry shows the shared panels only. registerMethodPanel adds one.
 */
const PANELS: Record<string, MethodPanelEntry> = {
  // random search keeps no state between samples, so it has no view of its own.
  evolution: { View: memo(EvolutionView) },
  nao: {
    View: memo(NaoView),
    milestones: { generation: (d) => `NAO round ${(d as { iteration: number }).iteration}: seeds moved and decoded` },
    settingsExample: '{"iterations": 5, "epochs": 100}',
  },
  cream: {
    View: memo(CreamView),
    milestones: { board: () => 'Cream: the board changed' },
    settingsExample: '{"supernet": {"steps": 400, "warmup": 100}}',
  },
  dna: {
    View: memo(DnaView),
    milestones: {
      'teacher-ready': () => 'DNA: teacher ready',
      'block-scores': (d) => `DNA: block ${(d as { block: number }).block + 1} rated`,
      search: () => 'DNA: budgeted search',
    },
    SettingsForm: ({ dataset, value, onChange }) => <DnaSettingsForm dataset={dataset} value={value as DnaSettingsInput} onChange={onChange} />,
  },
};

export function methodPanel(id: string): MethodPanelEntry {
  return PANELS[id] ?? {};
}

export function registerMethodPanel(id: string, entry: MethodPanelEntry): void {
  if (Object.hasOwn(PANELS, id)) throw new Error(`a panel for method "${id}" is registered already`);
  PANELS[id] = entry;
}

/** Every method's milestones, as the timeline reads them (keyed by the events' `method`). */
export function methodMilestones(): MilestoneKinds {
  return Object.fromEntries(Object.entries(PANELS).flatMap(([id, p]) => (p.milestones ? [[id, p.milestones]] : [])));
}
