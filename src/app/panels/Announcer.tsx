import { useEffect, useRef, useState } from 'react';
import { formatScore } from '../format';
import { useRunStore } from '../store';

/** At most one announcement this often: a screen reader cannot follow a run's every event. */
const EVERY_MS = 3000;

/**
 * A polite live region that tells a screen reader what a run on screen does: each new phase and
 * each new best candidate, throttled (the latest news wins), and the run's end. Only the run as it
 * grows is announced: a timeline being scrubbed would otherwise read out every moment.
 */
export function Announcer() {
  const [text, setText] = useState('');
  const pending = useRef<string | null>(null);
  const last = useRef(0);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const say = (message: string) => {
      pending.current = message;
      const wait = last.current + EVERY_MS - Date.now();
      if (wait <= 0) {
        last.current = Date.now();
        setText(message);
        pending.current = null;
      } else if (!timer) {
        timer = setTimeout(() => {
          timer = null;
          if (pending.current === null) return;
          last.current = Date.now();
          setText(pending.current);
          pending.current = null;
        }, wait);
      }
    };
    // The run's fold is mutated in place, so what was last announced is kept here to compare with.
    let seen = { runId: -1, phase: '', best: -1, ended: false };
    const unsubscribe = useRunStore.subscribe((s) => {
      if (s.replay) return;
      const run = s.source;
      if (s.runId !== seen.runId) seen = { runId: s.runId, phase: '', best: -1, ended: false };
      if (run.phaseDetail && run.phaseDetail !== seen.phase) {
        seen.phase = run.phaseDetail;
        say(`Phase: ${run.phaseDetail}.`);
      }
      if (run.best && run.best.index !== seen.best) {
        seen.best = run.best.index;
        say(`New best: candidate ${run.best.index}, score ${formatScore(run.best.score)}.`);
      }
      if (run.end && !seen.ended) {
        seen.ended = true;
        say(`Run ${run.end.status}.`);
      }
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, []);
  return (
    <p className="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
      {text}
    </p>
  );
}
