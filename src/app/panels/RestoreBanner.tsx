import { useEffect } from 'react';
import { architectureFileName, stringifyArchitectureFile } from '../../engine/export/architectureFile';
import { formatInt } from '../format';
import { methodOption } from '../methods';
import { EVALUATORS } from '../settings';
import { useRunStore } from '../store';
import { bestSoFarFile, continueSaved, discardSaved, dismissOffer, restoreSaved, startPersistence, useRestore } from '../restore/persist';
import { continueNote, type SavedRun } from '../restore/savedRun';
import { download } from './ExportImport';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'an unknown time');

function describeRun(r: SavedRun): string {
  const c = r.config;
  const evaluator = EVALUATORS.find((e) => e.id === c.evaluator)?.title ?? c.evaluator;
  const state = r.meta.ended ? 'finished' : 'unfinished';
  return `${methodOption(c.method).title}, ${evaluator.toLowerCase()}, seed ${c.seed}, budget ${c.budget} on ${r.runStart.backend} — ${formatInt(r.meta.events)} events, ${formatInt(r.meta.candidates)} candidates, ${state}`;
}

/**
 * Runs survive a reload: this banner starts the saving (restore/persist.ts), offers the run an
 * earlier page left in storage, says what restoring and continuing will do, and reports storage
 * problems — none of which stop a run.
 */
export function RestoreBanner() {
  useEffect(() => startPersistence(), []);
  const st = useRestore();
  const finalNow = useRunStore((s) => s.source.final);

  return (
    <>
      <span hidden data-testid="restore-state" data-phase={st.phase} />
      {st.phase === 'offer' && st.saved && (
        <div className="banner notice restore-banner" role="status" data-testid="restore-offer">
          <p>
            <strong>A run was saved in this browser</strong> at {when(st.saved.meta.savedAt)}: {describeRun(st.saved)}.
          </p>
          <div className="buttons">
            <button className="primary" data-testid="restore-button" onClick={() => void restoreSaved()}>
              Restore it
            </button>
            <button data-testid="restore-discard" onClick={() => void discardSaved()}>
              Delete it
            </button>
            <button className="link" data-testid="restore-dismiss" onClick={dismissOffer}>
              not now
            </button>
          </div>
          <ContinueNote />
        </div>
      )}
      {st.phase === 'refused' && st.refused && (
        <div className="banner error restore-banner" role="alert" data-testid="restore-refused">
          <p>
            <strong>The run saved in this browser{st.refused.savedAt ? ` at ${when(st.refused.savedAt)}` : ''} could not be restored</strong>: it failed the checks any imported run must pass. Nothing on the
            page was changed.
          </p>
          <ul>
            {st.refused.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
          <div className="buttons">
            <button data-testid="restore-discard" onClick={() => void discardSaved()}>
              Delete the damaged record
            </button>
            <button className="link" data-testid="restore-dismiss" onClick={dismissOffer}>
              dismiss
            </button>
          </div>
        </div>
      )}
      {st.phase === 'restored' && st.saved && <Restored saved={st.saved} hasFinal={!!finalNow} />}
      {st.error && (
        <div className="banner error" role="alert" data-testid="restore-error">
          <p>{st.error}</p>
        </div>
      )}
      {st.saving.message && (
        <div className="banner error" role="alert" data-testid="save-problem">
          <p>{st.saving.message}</p>
        </div>
      )}
      {st.unavailable && (
        <div className="banner notice" role="status" data-testid="save-unavailable">
          <p>{st.unavailable}</p>
        </div>
      )}
      {st.tableNote && (
        <div className="banner notice" role="status" data-testid="table-note">
          <p>{st.tableNote}</p>
          <button className="link" onClick={() => useRestore.setState({ tableNote: null })}>
            dismiss
          </button>
        </div>
      )}
      {st.saving.state === 'saved' && (
        <p className="hint save-status" data-testid="save-status" data-events={st.saving.events} data-candidates={st.saving.candidates} aria-live="off">
          Saved in this browser: {formatInt(st.saving.events)} events, at {st.saving.savedAt ? new Date(st.saving.savedAt).toLocaleTimeString() : ''}. A reload offers this run back.
        </p>
      )}
    </>
  );
}

const NOTE = continueNote();

function ContinueNote() {
  return (
    <details className="restore-why" data-testid="restore-which">
      <summary>Which runs can continue, and how</summary>
      <ul>
        {NOTE.methods.map((m) => (
          <li key={m.id} data-testid="restore-which-method" data-method={m.id} data-checkpoint={m.checkpoint ? 'yes' : 'no'}>
            <strong>{m.title}</strong> continues {m.line}
          </li>
        ))}
      </ul>
      <p>{NOTE.outro}</p>
    </details>
  );
}

function Restored({ saved, hasFinal }: { saved: SavedRun; hasFinal: boolean }) {
  const { plan, rerun, resumed, busy } = useRestore();
  const runId = useRunStore((s) => s.runId);
  const rerunOnScreen = (rerun && rerun.runId === runId) || (resumed && resumed.runId === runId);
  const best = hasFinal ? null : bestSoFarFile(saved);
  const exportBest = () => {
    if (!best) return;
    download(stringifyArchitectureFile(best), architectureFileName(best));
  };

  return (
    <div className="banner notice restore-banner" role="status" data-testid="restore-restored">
      <p>
        <strong>Restored</strong> the run saved at {when(saved.meta.savedAt)}: {describeRun(saved)}. The timeline scrubs it like any run
        {hasFinal ? '; Export saves its result.' : '.'}
      </p>
      {!hasFinal && !rerunOnScreen && (
        <p>
          It has no final result yet.{' '}
          <button data-testid="restore-export" disabled={!best} onClick={exportBest} title={best ? 'The best candidate so far, not retrained, with the restored log' : 'No NB-201 candidate scored yet (a block chain needs its final structure)'}>
            Export the best so far
          </button>
        </p>
      )}
      {plan && !rerunOnScreen && (
        <p data-testid="restore-plan" data-can={plan.can ? 'yes' : 'no'}>
          {plan.can ? (
            <>
              <button className="primary" data-testid="restore-continue" disabled={!!busy} onClick={() => void continueSaved()}>
                {plan.button}
              </button>{' '}
              {plan.why}.
            </>
          ) : (
            <>It cannot continue: {plan.why}.</>
          )}
        </p>
      )}
      {busy && <p className="muted">{busy}</p>}
      {rerun && rerun.runId === runId && <RerunStatus />}
      {resumed && resumed.runId === runId && <ResumedStatus />}
      <ContinueNote />
    </div>
  );
}

function ResumedStatus() {
  const resumed = useRestore((s) => s.resumed)!;
  const end = useRunStore((s) => s.source.end);
  const events = useRunStore((s) => s.logLength);
  const state = end?.status === 'error' ? 'error' : events > resumed.saved ? 'going' : 'loading';
  return (
    <p data-testid="restore-resumed" data-state={state} data-saved={resumed.saved}>
      {state === 'loading' && 'Loading the checkpoint and replaying the saved candidates…'}
      {state === 'going' &&
        `Continued from the checkpoint: the ${formatInt(resumed.saved)} saved events are back as they were, ${formatInt(resumed.candidates)} candidates replayed from the seed without training anything again; the run goes on from there.`}
      {state === 'error' && `It could not continue from the checkpoint: ${end?.message ?? 'see the log'}.`}
    </p>
  );
}

function RerunStatus() {
  const rerun = useRestore((s) => s.rerun)!;
  const state = rerun.partedAt !== null ? 'parted' : rerun.matched >= rerun.total ? 'matched' : 'checking';
  return (
    <p data-testid="restore-rerun" data-state={state} data-matched={rerun.matched} data-total={rerun.total}>
      {state === 'checking' && `Running it again from the start and checking it against the saved run: ${formatInt(rerun.matched)} of ${formatInt(rerun.total)} saved events repeated so far.`}
      {state === 'matched' && `The rerun repeated all ${formatInt(rerun.total)} saved events exactly; the run goes on from where it was saved.`}
      {state === 'parted' &&
        `The rerun parted from the saved run at ${rerun.partedWhat} (after ${formatInt(rerun.matched)} identical events): what you see from there on is the new run, not the saved one.`}
    </p>
  );
}
