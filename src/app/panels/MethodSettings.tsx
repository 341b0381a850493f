import { useMemo } from 'react';
import { findMethod } from '../../engine/methods/registry';
import { methodPanel } from '../methodViews';
import { parseMethodSettings, useSettings } from '../settings';
import { changeSetup } from './RunGuard';

/**
 * The current method's own settings: what differs from its defaults, as JSON (the same object
 * `config.methodSettings[method]` holds, and the URL carries), over the plugin's defaults; a
 * method's panel entry may add a form for the settings a lesson changes most (DNA's does). Unknown keys and bad values are refused when a run starts.
 */
export function MethodSettings() {
  const { settings: s } = useSettings();
  const plugin = findMethod(s.method);
  const shown = useMemo(() => (plugin ? JSON.stringify(plugin.defaultSettings(s.dataset), null, 1) : '{}'), [plugin, s.dataset]);
  // A method with nothing to set has no section.
  if (!plugin || shown === '{}') return null;
  const { SettingsForm, settingsExample } = methodPanel(s.method);
  const parsed = parseMethodSettings(s.methodSettings);
  return (
    <details className="advanced" data-testid="method-settings">
      <summary>Method settings</summary>
      {SettingsForm && parsed.ok && <SettingsForm dataset={s.dataset} value={parsed.value} onChange={(next) => changeSetup({ methodSettings: JSON.stringify(onlyChanges(next, plugin.defaultSettings(s.dataset))) }, 'the method settings')} />}
      <label className="field">
        <span className="field-label">Changes to the defaults (JSON)</span>
        <textarea
          data-testid="method-settings-input"
          rows={4}
          spellCheck={false}
          value={s.methodSettings}
          placeholder={settingsExample ?? '{}'}
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
