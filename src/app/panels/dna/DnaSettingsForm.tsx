import type { DatasetId } from '../../../engine/data/datasets';
import { checkDnaSettings, defaultDnaSettings, type DnaSettingsInput, mergeDnaSettings } from '../../../engine/methods/dna/settings';
import { DEFAULT_BLOCK_OPS } from '../../../engine/spaces/blocks';

/**
 * DNA's own settings, for the page's controls to mount: it edits `methodSettings.dna` (a partial
 * over the dataset's defaults) and shows what the settings check refuses. Controlled: `value`
 * in, the new partial out through `onChange`.
 */
export function DnaSettingsForm({ dataset, value, onChange, disabled }: { dataset: DatasetId; value: DnaSettingsInput; onChange: (next: DnaSettingsInput) => void; disabled?: boolean }) {
  const s = mergeDnaSettings(defaultDnaSettings(dataset), value);
  const problems = checkDnaSettings(s);
  const set = (patch: DnaSettingsInput) => onChange(mergeDnaSettings(mergeDnaSettings(defaultDnaSettings(dataset), value), patch));
  const num = (v: string) => (v.trim() === '' ? NaN : Number(v));
  const withSkip = s.ops.includes('skip');
  return (
    <fieldset className="dna-settings" disabled={disabled} data-testid="dna-settings">
      <legend>DNA</legend>
      <label className="field">
        <span className="field-label">Teacher</span>
        <select value={s.teacher.source} onChange={(e) => set({ teacher: { source: e.target.value as 'pretrained' | 'train' } })} data-testid="dna-setting-teacher">
          <option value="pretrained">shipped, pretrained</option>
          <option value="train">train one live first ({s.teacher.epochs} epochs)</option>
        </select>
      </label>
      <label className="field">
        <span className="field-label">Student steps per block</span>
        <input type="number" min={1} step={50} value={s.students.stepsPerBlock} onChange={(e) => set({ students: { stepsPerBlock: num(e.target.value) } })} data-testid="dna-setting-steps" />
      </label>
      <label className="field">
        <span className="field-label">Block schedule</span>
        <select value={s.students.schedule} onChange={(e) => set({ students: { schedule: e.target.value as 'sequential' | 'interleaved' } })} data-testid="dna-setting-schedule">
          <option value="sequential">sequential (block by block)</option>
          <option value="interleaved">interleaved (one step each in turn)</option>
        </select>
      </label>
      <div className="field-row">
        <label className="field">
          <span className="field-label">Budget in</span>
          <select value={s.search.metric} onChange={(e) => set({ search: { metric: e.target.value as 'params' | 'flops' } })} data-testid="dna-setting-metric">
            <option value="params">parameters</option>
            <option value="flops">FLOPs</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">Budget (0 = cheapest, 1 = dearest)</span>
          <input type="number" min={0} max={1} step={0.05} value={s.search.fraction} onChange={(e) => set({ search: { fraction: num(e.target.value), limit: null } })} data-testid="dna-setting-fraction" />
        </label>
      </div>
      <label className="field">
        <span className="field-label">Random architectures of the same budget to retrain</span>
        <input type="number" min={0} step={1} value={s.final.randomBaselines} onChange={(e) => set({ final: { randomBaselines: num(e.target.value) } })} data-testid="dna-setting-randoms" />
      </label>
      <label className="check">
        <input type="checkbox" checked={withSkip} onChange={(e) => set({ ops: e.target.checked ? [...DEFAULT_BLOCK_OPS, 'skip'] : [...DEFAULT_BLOCK_OPS] })} data-testid="dna-setting-skip" /> allow a skip op where a layer keeps its shape
      </label>
      {problems.length > 0 && (
        <ul className="config-problems" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
