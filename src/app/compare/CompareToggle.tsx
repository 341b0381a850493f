import { useCompare } from './compareStore';

/** Opens the Compare view in the stage's place, and back; the run on screen is left as it is. */
export function CompareToggle() {
  const open = useCompare((s) => s.open);
  const n = useCompare((s) => s.slots.length);
  return (
    <button type="button" className="compare-toggle" aria-pressed={open} data-testid="compare-toggle" onClick={() => useCompare.getState().setOpen(!open)}>
      {open ? 'Back to the run' : `Compare runs side by side${n > 0 ? ` (${n})` : ''}`}
    </button>
  );
}
