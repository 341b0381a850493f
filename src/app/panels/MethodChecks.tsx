import type { MethodId } from '../../engine/core/config';
import { methodPlugins } from '../../engine/methods/registry';

/** The methods that search an NB-201 table: the ones repeats and live comparisons can run. */
export const nb201Methods = () => methodPlugins().filter((m) => m.space === 'nb201');

/**
 * A checkbox per NB-201 method, for choosing which to run side by side (repeats, compare). The
 * caller's container names the group; `hints` adds a short cost note after a method's title.
 */
export function MethodChecks({ chosen, onChange, testIdPrefix, hints = {} }: { chosen: ReadonlySet<MethodId>; onChange: (next: Set<MethodId>) => void; testIdPrefix: string; hints?: Partial<Record<MethodId, string>> }) {
  return nb201Methods().map((m) => (
    <label key={m.id} className="check">
      <input
        type="checkbox"
        data-testid={`${testIdPrefix}-${m.id}`}
        checked={chosen.has(m.id)}
        onChange={(e) => {
          const next = new Set(chosen);
          if (e.target.checked) next.add(m.id);
          else next.delete(m.id);
          onChange(next);
        }}
      />
      {m.title}
      {hints[m.id] && <span className="hint"> ({hints[m.id]})</span>}
    </label>
  ));
}
