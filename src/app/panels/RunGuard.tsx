import { useEffect, useRef } from 'react';
import { create } from 'zustand';
import { useSettings, type Settings } from '../settings';
import { useRunStore } from '../store';
import { statusOf } from '../runState';
import { stopRun } from '../workerClient';

/**
 * The address bar describes what is on screen. A setting that defines a run (method, seed,
 * dataset, …) changed while a run is on screen would make the link name a run that is not the one
 * shown, so such a change first asks, in the page, whether to stop (or clear) that run. Speed is
 * not asked about: it changes a live run in place. The worker protocol is untouched: "stop and
 * change" is the Reset button followed by the change.
 */
interface Pending {
  patch: Partial<Settings>;
  /** The setting in words, for the question: "the method", "the seed". */
  what: string;
  /** A live run (running or paused) must be stopped; a finished one is only cleared from the page. */
  live: boolean;
}

interface GuardStore {
  pending: Pending | null;
  ask(p: Pending): void;
  close(): void;
}

const useGuard = create<GuardStore>()((set) => ({
  pending: null,
  ask: (pending) => set({ pending }),
  close: () => set({ pending: null }),
}));

/** What is on screen: 'live' (running or paused), 'shown' (a finished, stopped, recorded or imported run), or null. */
function onScreen(): 'live' | 'shown' | null {
  const s = useRunStore.getState();
  const status = statusOf(s.source, s.live, s.replay);
  if (status === 'running' || status === 'paused') return 'live';
  return s.source.log.length > 0 ? 'shown' : null;
}

/** Applies `patch` to the settings, after asking when a run is on screen. */
export function changeSetup(patch: Partial<Settings>, what: string): void {
  const screen = onScreen();
  if (screen === null) return useSettings.getState().update(patch);
  useGuard.getState().ask({ patch, what, live: screen === 'live' });
}

/** The question, as a modal dialog of the page (not window.confirm: it blocks the worker's messages and cannot be styled or tested). */
export function ConfirmStop() {
  const pending = useGuard((s) => s.pending);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (pending && !d.open) d.showModal();
    if (!pending && d.open) d.close();
  }, [pending]);
  const keep = () => useGuard.getState().close();
  const apply = () => {
    const p = useGuard.getState().pending;
    useGuard.getState().close();
    if (!p) return;
    if (p.live) stopRun();
    useRunStore.getState().reset();
    useSettings.getState().update(p.patch);
  };
  return (
    <dialog ref={ref} className="confirm-stop" data-testid="confirm-stop" aria-labelledby="confirm-stop-title" aria-describedby="confirm-stop-text" onCancel={keep}>
      {pending && (
        <>
          <h2 id="confirm-stop-title">{pending.live ? 'Stop the run?' : 'Clear the run on screen?'}</h2>
          <p id="confirm-stop-text">
            {pending.live
              ? `A run is going. Changing ${pending.what} stops it and clears the page, so that the page and its link show the same setup.`
              : `The run on screen was made with another setup. Changing ${pending.what} clears it from the page, so that the page and its link show the same setup (export it first to keep it).`}
          </p>
          <div className="buttons">
            <button type="button" className="primary" data-testid="confirm-stop-yes" onClick={apply}>
              {pending.live ? `Stop the run and change ${pending.what}` : `Clear it and change ${pending.what}`}
            </button>
            <button type="button" data-testid="confirm-stop-no" onClick={keep} autoFocus>
              {pending.live ? 'Keep the run going' : 'Keep the run'}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
