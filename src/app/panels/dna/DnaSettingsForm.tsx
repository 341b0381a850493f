import type { DatasetId } from '../../../engine/data/datasets';
import { checkDnaSettings, defaultDnaSettings, type DnaSettingsInput, mergeDnaSettings } from '../../../engine/methods/dna/settings';
import { BLOCK_OP_LABEL, BLOCK_OPS } from '../../../engine/spaces/blocks';

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
      <fieldset className="field dna-ops" data-testid="dna-setting-ops">
        <legend className="field-label">Ops a layer may choose</legend>
        {BLOCK_OPS.map((op) => (
          <label className="check" key={op}>
            <input
              type="checkbox"
              checked={s.ops.includes(op)}
              // Kept in BLOCK_OPS order, so the same set is the same setting however it was ticked.
              onChange={(e) => set({ ops: BLOCK_OPS.filter((o) => (o === op ? e.target.checked : s.ops.includes(o))) })}
              data-testid={op === 'skip' ? 'dna-setting-skip' : `dna-setting-op-${op}`}
            />{' '}
            {op === 'skip' ? 'skip, where a layer keeps its shape' : BLOCK_OP_LABEL[op]}
          </label>
        ))}
      </fieldset>
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
