import { useRunEnd, useErrors, useMessages, useRunStore } from '../store';
import { useSettings } from '../settings';

/** Run errors (from the log's run-end and from the worker) in one place, in plain words. */
export function ErrorBanner() {
  const errors = useErrors();
  const end = useRunEnd();
  const all = [...(end?.status === 'error' ? [`The run stopped with an error: ${end.message ?? 'no message'}`] : []), ...errors];
  if (all.length === 0) return null;
  return (
    <div className="banner error" role="alert" data-testid="error-message">
      {all.map((e, i) => (
        <p key={i}>{e}</p>
      ))}
      {errors.length > 0 && (
        <button className="link" onClick={() => useRunStore.getState().clearErrors()}>
          dismiss
        </button>
      )}
    </div>
  );
}

/** Why a shared link's setting was not taken: shown once, until dismissed. */
export function LinkNotices() {
  const notices = useSettings((s) => s.notices);
  const dismiss = useSettings((s) => s.dismissNotices);
  if (notices.length === 0) return null;
  return (
    <div className="banner notice" role="status" data-testid="url-notice">
      {notices.map((n) => (
        <p key={n}>{n}</p>
      ))}
      <button className="link" onClick={dismiss}>
        dismiss
      </button>
    </div>
  );
}

/** The engine's own notes (recipes, warnings such as leaked tensors), newest last. */
export function RunNotes() {
  const { messages } = useMessages();
  if (messages.length === 0) return null;
  const shown = messages.slice(-12);
  return (
    <section className="panel notes" aria-labelledby="notes-title">
      <h2 id="notes-title">Run notes</h2>
      <ul>
        {shown.map((m, i) => (
          <li key={messages.length - shown.length + i} className={m.level}>
            <span className="muted">{(m.t / 1000).toFixed(1)} s</span> {m.message}
          </li>
        ))}
      </ul>
    </section>
  );
}
