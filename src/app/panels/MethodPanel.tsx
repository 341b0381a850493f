import { isTableEvent } from '../../engine/evaluate/table';
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { MethodId } from '../../engine/core/config';
import { formatScore, formatInt } from '../format';
import { methodOption } from '../methods';
import { methodPanel } from '../methodViews';
import { configFromSettings, useSettings } from '../settings';
import { useMethodEvents, useRunStart, useRunStore } from '../store';
import { RegretPanel } from './benchmark/RegretChart';
import { BlockRankingPanel } from './benchmark/BlockRankingPanel';
import { RankingCurvePanel } from './benchmark/RankingCurvePanel';
import { CandidatesPanel } from './PanelTabs';

/** Shows the running (or, before a run, the selected) method's own view from the registry. */
export function MethodPanel() {
  const runStart = useRunStart();
  const selected = useSettings((s) => s.settings.method);
  const latest = useMethodEvents();
  // The whole run matters only while the timeline is held back; following the run it is `events`
  // itself, so a live batch does not re-render the view twice (once now, once deferred).
  const source = useRunStore((s) => s.source.methodEvents);
  const scrubbing = useRunStore((s) => s.cursor !== null);
  // A method's view is the heaviest render on the page (hundreds of SVG nodes, a fold of every
  // method event). While the timeline is dragged it follows at most SCRUB_VIEW_HZ times a second
  // (always ending on the moment the drag stops), and it renders deferred, in the background,
  // yielding to input: the thumb, the status and the charts follow a drag at frame rate instead of
  // every move waiting for this view. aria-busy says it is catching up.
  const current = useThrottled(latest, scrubbing ? 1000 / SCRUB_VIEW_HZ : 0);
  const events = useDeferredValue(current);
  const id: MethodId = runStart?.config.method ?? selected;
  const option = methodOption(id);
  // The bench's curve is measured on the digits with the NB-201 supernet: shown beside exactly such
  // a search, the one on screen or, before a run, the one the setup describes.
  const settings = useSettings((s) => s.settings);
  const cfg = useMemo(() => runStart?.config ?? configFromSettings(settings), [runStart, settings]);
  const supernetSteps = option.space === 'nb201' && !option.views?.evaluatorUnused && cfg.evaluator === 'supernet' && cfg.dataset === 'digits' ? cfg.supernet.steps : null;
  const View = methodPanel(id).View;
  return (
    <section className="panel method-panel" data-testid="method-panel" aria-labelledby="method-panel-title" aria-busy={events !== latest} tabIndex={0}>
      <h2 id="method-panel-title" title={option.summary}>
        Inside the method: {option.title}
      </h2>
      {/* The view first: its signature chart is what a class should see without scrolling. */}
      {View ? (
        <View events={events} whole={scrubbing ? source : events} />
      ) : (
        <>
          <p className="hint">{option.summary} Its picture is every candidate’s score, and the best so far.</p>
          <CandidatesPanel />
        </>
      )}
      <TableInfo events={events} />
      <RegretPanel />
      {supernetSteps !== null && <RankingCurvePanel space="nb201" steps={supernetSteps} />}
      {(id === 'dna' || id === 'cream') && (
        <>
          <BlockRankingPanel method={id} />
          <RankingCurvePanel space="blocks" steps={null} />
        </>
      )}
      {View && <p className="hint method-summary">{option.summary}</p>}
    </section>
  );
}

const SCRUB_VIEW_HZ = 12;

/** `value`, passed on at most once per `ms` (0: at once); the last value always arrives. */
function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    if (shown === value) return;
    const wait = last.current + ms - performance.now();
    if (wait <= 0) {
      last.current = performance.now();
      setShown(value);
      return;
    }
    const timer = setTimeout(() => {
      last.current = performance.now();
      setShown(value);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, ms, shown]);
  return ms <= 0 ? value : shown;
}

/** The table evaluator's own event: where the numbers come from, and the best the table holds (what regret is measured against). */
function TableInfo({ events }: { events: ReturnType<typeof useMethodEvents> }) {
  const e = events.find(isTableEvent);
  if (!e) return null;
  const d = e.data;
  return (
    <p className="table-info" data-testid="table-info">
      Scores come from the table <strong>{d.name}</strong> ({formatInt(d.rows)} cells). The search sees <code>{d.searchColumn}</code>; the result reports <code>{d.reportColumn}</code>. The best
      cell in the whole table reaches {formatScore(d.optimum.value)} on <code>{d.reportColumn}</code>.
    </p>
  );
}
