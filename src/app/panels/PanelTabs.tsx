import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { LossChart } from '../charts/LossChart';
import { ScoreChart } from '../charts/ScoreChart';
import { useShownMethod, useSpaceWords } from '../onScreen';
import { useFinal, useMessages, useRunId, useRunStore } from '../store';
import { FinalResult } from './FinalResult';
import { CellInspector, Leaderboard } from './Leaderboard';
import { RunNotes } from './Messages';

export type PanelTabId = 'result' | 'training' | 'candidates' | 'leaderboard' | 'notes';

/**
 * The panels every method shares, behind tabs beside the method's own view: the view is the
 * reason to use the playground, so it keeps the space and these take turns. Every panel stays
 * mounted (hidden, not removed): its charts keep following the run and its test ids exist.
 * `withCandidates` false: the candidates chart is the method's view itself (random search), so it
 * is not repeated here. Keyboard: ← / → (and Home / End) move between tabs, as WAI-ARIA's tabs
 * pattern says, with automatic activation.
 */
export function PanelTabs({ withCandidates }: { withCandidates: boolean }) {
  const runId = useRunId();
  const hasFinal = useRunStore((s) => s.source.final !== null);
  const tabs = TABS.filter((t) => withCandidates || t.id !== 'candidates');
  const first: PanelTabId = withCandidates ? 'candidates' : 'training';
  const [selected, setSelected] = useState<PanelTabId>(hasFinal ? 'result' : first);
  const refs = useRef<Partial<Record<PanelTabId, HTMLButtonElement | null>>>({});

  // A new run starts on its most telling shared panel; its result, once it arrives, takes the front.
  useEffect(() => setSelected(useRunStore.getState().source.final ? 'result' : first), [runId, first]);
  useEffect(() => {
    if (hasFinal) setSelected('result');
  }, [hasFinal]);
  const shown = tabs.some((t) => t.id === selected) ? selected : first;

  const onKey = (e: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.id === shown);
    const to = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i - 1 + tabs.length) % tabs.length : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    setSelected(tabs[to].id);
    refs.current[tabs[to].id]?.focus();
  };

  return (
    <div className="panel-tabs" data-testid="panel-tabs">
      <div className="tab-list" role="tablist" aria-label="Shared panels" onKeyDown={onKey}>
        {tabs.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            data-testid={`tab-${t.id}`}
            aria-selected={shown === t.id}
            aria-controls={`tabpanel-${t.id}`}
            tabIndex={shown === t.id ? 0 : -1}
            onClick={() => setSelected(t.id)}
          >
            <TabTitle id={t.id} />
          </button>
        ))}
      </div>
      {tabs.map((t) => (
        <div key={t.id} role="tabpanel" id={`tabpanel-${t.id}`} data-testid={`tabpanel-${t.id}`} aria-labelledby={`tab-${t.id}`} className="tab-panel" hidden={shown !== t.id} tabIndex={0}>
          <TabBody id={t.id} />
        </div>
      ))}
    </div>
  );
}

const TABS: { id: PanelTabId }[] = [{ id: 'result' }, { id: 'candidates' }, { id: 'training' }, { id: 'leaderboard' }, { id: 'notes' }];

function TabTitle({ id }: { id: PanelTabId }) {
  const count = useRunStore((s) => (id === 'leaderboard' ? s.run.candidates.length : id === 'notes' ? s.run.messages.length : 0));
  const title = { result: 'Result', candidates: 'Candidates', training: 'Training', leaderboard: 'Leaderboard', notes: 'Notes' }[id];
  return (
    <>
      {title}
      {count > 0 && <span className="tab-count"> {count}</span>}
    </>
  );
}

function TabBody({ id }: { id: PanelTabId }) {
  switch (id) {
    case 'result':
      return <ResultTab />;
    case 'candidates':
      return <CandidatesPanel />;
    case 'training':
      return (
        <section className="panel chart-panel" aria-labelledby="loss-title">
          <h2 id="loss-title">Training</h2>
          <LossChart />
        </section>
      );
    case 'leaderboard':
      return (
        <div className="explore">
          <Leaderboard />
          <CellInspector />
        </div>
      );
    case 'notes':
      return <NotesTab />;
  }
}

/** The candidates chart in its panel: a tab here, or the method's own view where the method has none (random search). */
export function CandidatesPanel() {
  return (
    <section className="panel chart-panel" aria-labelledby="score-title">
      <h2 id="score-title">Candidates</h2>
      <ScoreChart />
    </section>
  );
}

function ResultTab() {
  const final = useFinal();
  const method = useShownMethod();
  const words = useSpaceWords();
  if (final) return <FinalResult />;
  return (
    <section className="panel">
      <h2>Result</h2>
      <p className="muted">
        When the run ends, the {words.noun} {method.title} picks is shown here with its held-out numbers{method.views ? '' : ' (retrained from scratch, or looked up in the table)'}.
      </p>
    </section>
  );
}

function NotesTab() {
  const { messages } = useMessages();
  if (messages.length > 0) return <RunNotes />;
  return (
    <section className="panel">
      <h2>Run notes</h2>
      <p className="muted">The engine’s notes on the run (recipes, warnings) appear here.</p>
    </section>
  );
}
