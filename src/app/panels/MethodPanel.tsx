import type { MethodId } from '../../engine/core/config';
import { formatScore, formatInt } from '../format';
import { methodOption } from '../methods';
import { METHOD_VIEWS } from '../methodViews';
import { useSettings } from '../settings';
import { useMethodEvents, useRunStart } from '../store';
import { RegretPanel } from './benchmark/RegretChart';

/** Shows the running (or, before a run, the selected) method's own view from the registry. */
export function MethodPanel() {
  const runStart = useRunStart();
  const selected = useSettings((s) => s.settings.method);
  const events = useMethodEvents();
  const id: MethodId = runStart?.config.method ?? selected;
  const option = methodOption(id);
  const View = METHOD_VIEWS[id];
  return (
    <section className="panel method-panel" data-testid="method-panel" aria-labelledby="method-panel-title">
      <h2 id="method-panel-title">Inside the method: {option.title}</h2>
      <p className="hint">{option.summary}</p>
      <TableInfo events={events} />
      <RegretPanel />
      {View ? <View events={events} /> : <p className="muted">This method keeps no state between candidates, so there is nothing more to show than the charts above.</p>}
    </section>
  );
}

interface TableInfoData {
  name: string;
  rows: number;
  searchColumn: string;
  reportColumn: string;
  optimum: { arch: string; value: number };
  searchOptimum: { arch: string; value: number };
}

/** The table evaluator's own event: where the numbers come from, and the best the table holds (what regret is measured against). */
function TableInfo({ events }: { events: ReturnType<typeof useMethodEvents> }) {
  const e = events.find((x) => x.method === 'table' && x.kind === 'table-info');
  if (!e) return null;
  const d = e.data as TableInfoData;
  return (
    <p className="table-info" data-testid="table-info">
      Scores come from the table <strong>{d.name}</strong> ({formatInt(d.rows)} cells). The search sees <code>{d.searchColumn}</code>; the result reports <code>{d.reportColumn}</code>. The best
      cell in the whole table reaches {formatScore(d.optimum.value)} on <code>{d.reportColumn}</code>.
    </p>
  );
}
