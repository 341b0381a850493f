/**
 * The page's keys, for a lecturer at a keyboard: Space pauses or resumes the live run (or plays and
 * pauses a recorded one on the timeline), → lets a paused run take one step. Each presses the
 * page's own button, so a key does exactly what the button does and nothing when it is disabled.
 * Keys typed into a field, on a button, tab or slider, or while a dialog is open are left alone.
 */
const INTERACTIVE = 'input, select, textarea, button, summary, a[href], [contenteditable], [role="tab"], [role="slider"]';

function press(testId: string): boolean {
  const b = document.querySelector<HTMLButtonElement>(`[data-testid="${testId}"]`);
  if (!b || b.disabled || b.offsetParent === null) return false;
  b.click();
  return true;
}

export function installShortcuts(): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const target = e.target instanceof Element ? e.target : null;
    if (target?.closest(INTERACTIVE) || document.querySelector('dialog[open]')) return;
    let done = false;
    if (e.key === ' ') done = press('pause-button') || press('resume-button') || press('timeline-play');
    // → steps only a paused run (Resume enabled says it is paused); a running one has nothing to step.
    else if (e.key === 'ArrowRight') done = document.querySelector('[data-testid="resume-button"]:not([disabled])') !== null && press('step-button');
    if (done) e.preventDefault();
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}
