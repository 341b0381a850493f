import { useMemo } from 'react';
import type { MethodId } from '../../engine/core/config';
import type { DatasetId } from '../../engine/data/datasets';
import { defaultCreamSettings } from '../../engine/methods/cream/settings';
import { defaultDnaSettings, type DnaSettingsInput } from '../../engine/methods/dna/settings';
import { EVOLUTION_DEFAULTS } from '../../engine/methods/evolution';
import { NAO_DEFAULTS } from '../../engine/methods/nao/settings';
import { parseMethodSettings, useSettings } from '../settings';
import { DnaSettingsForm } from './dna/DnaSettingsForm';
import { changeSetup } from './RunGuard';

/** Each method's defaults (tfjs-free modules: the page bundle must not pull in TensorFlow.js). */
const DEFAULTS: Record<MethodId, ((d: DatasetId) => unknown) | null> = {
  random: null,
  evolution: () => EVOLUTION_DEFAULTS,
  nao: () => NAO_DEFAULTS,
  dna: defaultDnaSettings,
  cream: defaultCreamSettings,
};

/**
 * The current method's own settings: what differs from its defaults, as JSON (the same object
 * `config.methodSettings[method]` holds, and the URL carries). DNA also gets a form for the
 * settings a lesson changes most. Unknown keys and bad values are refused when a run starts.
 */
export function MethodSettings() {
  const { settings: s } = useSettings();
  const defaults = DEFAULTS[s.method];
  const shown = useMemo(() => (defaults ? JSON.stringify(defaults(s.dataset), null, 1) : ''), [defaults, s.dataset]);
  if (!defaults) return null;
  const parsed = parseMethodSettings(s.methodSettings);
  return (
    <details className="advanced" data-testid="method-settings">
      <summary>Method settings</summary>
      {s.method === 'dna' && parsed.ok && (
        <DnaSettingsForm dataset={s.dataset} value={parsed.value as DnaSettingsInput} onChange={(next) => changeSetup({ methodSettings: JSON.stringify(onlyChanges(next, defaultDnaSettings(s.dataset))) }, 'the method settings')} />
      )}
      <label className="field">
        <span className="field-label">Changes to the defaults (JSON)</span>
        <textarea
          data-testid="method-settings-input"
          rows={4}
          spellCheck={false}
          value={s.methodSettings}
          placeholder={s.method === 'cream' ? '{"supernet": {"steps": 400, "warmup": 100}}' : s.method === 'nao' ? '{"iterations": 5, "epochs": 100}' : '{}'}
          onChange={(e) => changeSetup({ methodSettings: e.target.value }, 'the method settings')}
        />
        <span className="hint">{parsed.ok ? 'Merged over the defaults below; a misspelt key is refused when the run starts.' : `Not usable: ${parsed.reason}`}</span>
      </label>
      <details>
        <summary>Defaults for {s.dataset}</summary>
        <pre className="method-defaults" data-testid="method-defaults">
          {shown}
        </pre>
      </details>
    </details>
  );
}

/** Keeps the form's output short (and the link with it): only the fields that differ from the defaults. */
function onlyChanges(next: unknown, base: unknown): unknown {
  if (typeof next !== 'object' || next === null || Array.isArray(next) || typeof base !== 'object' || base === null || Array.isArray(base)) return next;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next)) {
    const b = (base as Record<string, unknown>)[k];
    if (JSON.stringify(v) === JSON.stringify(b)) continue;
    out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) ? onlyChanges(v, b) : v;
  }
  return out;
}
