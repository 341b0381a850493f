import { useEffect, useState } from 'react';
import type { RunConfig } from '../../engine/core/config';
import { checkRunConfig } from '../../engine/methods/configCheck';
import { DATASETS, datasetInfo, isDatasetId, isUserDatasetId, type DatasetId } from '../../engine/data/datasets';
import { openOwnData } from '../owndata/OwnDataDialog';
import { useOwnData } from '../owndata/ownData';

const OWN_DATA_OPTION = '(own)';
import { isAvailableMethod, methodOption, METHOD_OPTIONS } from '../methods';
import { methodInfo, PRESET_IDS, PRESET_TITLES } from '../../engine/methods/catalog';
import { BACKENDS, changedFromPreset, configFromSettings, EVALUATORS, parseMethodSettings, presetFields, SPEEDS, useSettings, type Settings, type TableFile } from '../settings';
import { RunEstimate } from './RunEstimate';
import { useRunStart, useRunId, useRunStatus, useRunStore } from '../store';
import { changeSetup } from './RunGuard';
import { pauseRun, resumeRun, setRunSpeed, startRun, stepRun, stopRun } from '../workerClient';
import { MethodSettings } from './MethodSettings';
import { TableInput } from './TableInput';

/** Reasons the current settings cannot start a run, in checkConfig's words plus what only the page knows. */
export function startProblems(s: Settings, table: TableFile | null): string[] {
  const problems = checkRunConfig(configFromSettings(s, table));
  const hasTable = Boolean(table);
  const tableColumns = table?.table.columns ?? [];
  if (!isAvailableMethod(s.method)) problems.unshift(`method "${s.method}" is not available yet`);
  const ms = parseMethodSettings(s.methodSettings);
  if (!ms.ok) problems.push(`method settings: ${ms.reason}`);
  if (s.evaluator === 'table') {
    if (!hasTable) problems.push('the table evaluator needs a benchmark CSV: choose one under "Benchmark table"');
    else {
      if (!tableColumns.includes(s.searchColumn)) problems.push(`the table has no column "${s.searchColumn}" to search on`);
      if (!tableColumns.includes(s.reportColumn)) problems.push(`the table has no column "${s.reportColumn}" to report`);
    }
  }
  return problems;
}

/** Start, Restart and Step: what the run bar's buttons do, from the current settings. */
function useRunActions() {
  const { settings: s, table } = useSettings();
  const status = useRunStatus();
  const live = status === 'running' || status === 'paused';
  const problems = startProblems(s, table);
  const start = (paused = false) => {
    const store = useRunStore.getState();
    const refuse = (why: string) => {
      store.clearErrors();
      store.addError(`Cannot start: ${why}.`);
      return false;
    };
    if (problems.length > 0) return refuse(problems.join('; '));
    // A start sent to a worker with no backend would wait forever for 'ready'.
    if (store.backendState === 'failed') return refuse('no compute backend started; choose another one under Backend');
    const config = configFromSettings(s, table);
    startRun(config, { paused, tableCsv: s.evaluator === 'table' && table ? { name: table.name, text: table.text } : undefined });
    return true;
  };
  const step = () => {
    // With no run held, Step starts one held at its first unit of work, then lets that unit through.
    if (status === 'paused') stepRun();
    else if (start(true)) stepRun();
  };
  const reset = () => {
    if (live) stopRun();
    useRunStore.getState().reset();
  };
  return { status, live, start, step, reset };
}

/**
 * The run bar: what a lecturer reaches for, always on screen (the page header; sticky where the
 * page scrolls): the method, the preset, the dataset, and Start / Pause / Resume / Step / Reset.
 * The rest of the setup is in the sidebar's Controls, folded away once a run is on screen.
 */
export function RunBar() {
  const { settings: s } = useSettings();
  const { status, live, start, step, reset } = useRunActions();
  const own = useOwnData((o) => o.list);
  return (
    <div className="run-bar" role="group" aria-label="Run controls">
      <Field label="Method" hint={methodOption(s.method).summary} compact>
        <select
          data-testid="method-select"
          value={s.method}
          onChange={(e) => {
            const method = e.target.value as Settings['method'];
            changeSetup({ method, ...presetFields(method, s.preset) }, 'the method');
          }}
        >
          {METHOD_OPTIONS.map((m) => (
            <option key={m.id} value={m.id} disabled={!m.available}>
              {m.title}
              {m.available ? '' : ' (coming soon)'}
            </option>
          ))}
        </select>
      </Field>

      <Field label="Preset" hint={PRESET_TITLES[s.preset].hint} note={presetChanges(s)} compact>
        <div className="segmented" role="radiogroup" aria-label="Preset" data-testid="preset">
          {PRESET_IDS.map((p) => (
            <button key={p} type="button" role="radio" aria-checked={s.preset === p} data-testid={`preset-${p}`} className={s.preset === p ? 'on' : ''} onClick={() => changeSetup({ preset: p, ...presetFields(s.method, p) }, 'the preset')}>
              {PRESET_TITLES[p].title}
            </button>
          ))}
        </div>
      </Field>

      <Field label="Dataset" hint={s.evaluator === 'table' ? 'Not used by the table evaluator: the table holds results measured on its own data.' : (isDatasetId(s.dataset) ? datasetInfo(s.dataset).title : s.dataset)} compact>
        <select
          data-testid="dataset-select"
          value={s.dataset}
          onChange={(e) => {
            // The last entry opens the upload dialog; the setting changes only when a dataset is kept.
            if (e.target.value === OWN_DATA_OPTION) return openOwnData();
            changeSetup({ dataset: e.target.value as DatasetId }, 'the dataset');
          }}
        >
          {Object.values(DATASETS).map((d) => (
            <option key={d.id} value={d.id}>
              {d.id === 'digits' ? 'Digits (8×8)' : 'Fashion-MNIST (14×14)'}
            </option>
          ))}
          {own.map((d) => (
            <option key={d.id} value={d.id}>
              {d.user?.name ?? d.id} ({d.inputShape[0]}×{d.inputShape[1]}{d.inputShape[2] === 3 ? ' RGB' : ''})
            </option>
          ))}
          {isUserDatasetId(s.dataset) && !own.some((d) => d.id === s.dataset) && <option value={s.dataset}>{s.dataset} (not in this browser)</option>}
          <option value={OWN_DATA_OPTION}>Your own images…</option>
        </select>
      </Field>

      <div className="buttons run-buttons">
        <button data-testid="start-button" className="primary" onClick={() => start()} title={live ? 'Stop this run and start again from scratch' : 'Start the search'}>
          {live ? 'Restart' : 'Start'}
        </button>
        <button data-testid="pause-button" onClick={pauseRun} disabled={status !== 'running'}>
          Pause
        </button>
        <button data-testid="resume-button" onClick={resumeRun} disabled={status !== 'paused'}>
          Resume
        </button>
        <button data-testid="step-button" onClick={step} disabled={status === 'running'} title="One unit of work: a training step or a candidate evaluation">
          Step
        </button>
        <button data-testid="reset-button" onClick={reset} title="Stop and clear the page">
          Reset
        </button>
      </div>
    </div>
  );
}

/**
 * The rest of the setup. Once a run is on screen it folds to one line that says what the run on
 * screen is (from its own config, not the form), and unfolds on request.
 */
export function Controls() {
  const { settings: s, update, table } = useSettings();
  const status = useRunStatus();
  const runId = useRunId();
  const runStart = useRunStart();
  const live = status === 'running' || status === 'paused';
  const problems = startProblems(s, table);
  const info = methodInfo(s.method);
  const [open, setOpen] = useState(true);
  // A new run on screen (started, replayed, recorded) folds the setup; a cleared page unfolds it.
  const hasRun = runStart !== null;
  useEffect(() => setOpen(!hasRun), [runId, hasRun]);

  const onSpeed = (speed: Settings['speed']) => {
    update({ speed });
    if (live) setRunSpeed(speed);
  };

  return (
    <section className={`panel controls${open ? '' : ' folded'}`} aria-labelledby="controls-title" data-testid="setup">
      <div className="setup-head">
        <h2 id="controls-title">Search setup</h2>
        {hasRun && (
          <button type="button" className="link" aria-expanded={open} aria-controls="setup-body" data-testid="setup-toggle" onClick={() => setOpen(!open)}>
            {open ? 'fold' : 'change setup'}
          </button>
        )}
      </div>
      {runStart && (
        <p className="run-summary" data-testid="run-summary">
          {runSummary(runStart.config)}
        </p>
      )}

      <div id="setup-body" hidden={!open}>
        <Field label="Evaluator" hint={info.views?.evaluatorUnused ?? EVALUATORS.find((e) => e.id === s.evaluator)?.hint}>
          <select data-testid="evaluator-select" value={s.evaluator} disabled={Boolean(info.views?.evaluatorUnused)} onChange={(e) => changeSetup({ evaluator: e.target.value as Settings['evaluator'] }, 'the evaluator')}>
            {EVALUATORS.map((e) => (
              <option key={e.id} value={e.id}>
                {e.title}
              </option>
            ))}
          </select>
        </Field>

        {s.evaluator === 'table' && !info.views?.evaluatorUnused && <TableInput />}

        <div className="field-row">
          {info.budget !== null && (
            <Field label="Budget" hint={info.budget}>
              <input data-testid="budget-input" type="number" min={1} step={1} inputMode="numeric" value={s.budget} onChange={(e) => changeSetup({ budget: e.target.value }, 'the budget')} />
            </Field>
          )}
          <Field label="Seed" hint="Same seed and settings, same run.">
            <input data-testid="seed-input" type="number" step={1} inputMode="numeric" value={s.seed} onChange={(e) => changeSetup({ seed: e.target.value }, 'the seed')} />
          </Field>
        </div>
        {info.bound && (
          <p className="hint budget-bound" data-testid="budget-bound">
            <strong>Budget: </strong>
            {info.bound}
          </p>
        )}

        <Field label="Speed" hint="A pause after each step, so you can watch; can change mid-run.">
          <select data-testid="speed-select" value={s.speed} onChange={(e) => onSpeed(e.target.value as Settings['speed'])}>
            {SPEEDS.map((sp) => (
              <option key={sp.id} value={sp.id}>
                {sp.title}
              </option>
            ))}
          </select>
        </Field>

        <details className="advanced">
          <summary>Training lengths</summary>
          <Field label="Supernet steps" hint="SGD steps of the shared supernet before candidates are scored.">
            <input data-testid="supernet-steps-input" type="number" min={0} step={1} value={s.supernetSteps} onChange={(e) => changeSetup({ supernetSteps: e.target.value }, 'the supernet steps')} />
          </Field>
          <Field label="Standalone epochs" hint="Epochs per candidate with the standalone evaluator.">
            <input data-testid="standalone-epochs-input" type="number" min={1} step={1} value={s.standaloneEpochs} onChange={(e) => changeSetup({ standaloneEpochs: e.target.value }, 'the standalone epochs')} />
          </Field>
          <Field label="Final epochs" hint="The winner is retrained from scratch for this many epochs and tested.">
            <input data-testid="final-epochs-input" type="number" min={1} step={1} value={s.finalEpochs} onChange={(e) => changeSetup({ finalEpochs: e.target.value }, 'the final epochs')} />
          </Field>
        </details>

        <MethodSettings />

        <Field label="Backend" hint={live ? 'Stop the run to change the backend.' : 'Where tfjs computes; changing it restarts the worker.'}>
          <select data-testid="backend-select" value={s.backend} disabled={live} onChange={(e) => update({ backend: e.target.value as Settings['backend'] })}>
            {BACKENDS.map((b) => (
              <option key={b.id} value={b.id}>
                {b.title}
              </option>
            ))}
          </select>
        </Field>

        {problems.length > 0 && (
          <ul className="config-problems" data-testid="config-error">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}

        <RunEstimate blocked={problems.length > 0} />
      </div>
    </section>
  );
}

/** One line for the run on screen: method, dataset, evaluator (where the method uses one), budget or what bounds it, seed. */
function runSummary(c: RunConfig): string {
  const info = methodInfo(c.method);
  const parts = [info.title, c.dataset === 'digits' ? 'digits' : c.dataset === 'fashion' ? 'Fashion-MNIST' : isDatasetId(c.dataset) ? (datasetInfo(c.dataset).user?.name ?? c.dataset) : c.dataset];
  if (!info.views?.evaluatorUnused) parts.push(EVALUATORS.find((e) => e.id === c.evaluator)?.title ?? c.evaluator);
  if (info.budget !== null) parts.push(`budget ${c.budget}`);
  parts.push(`seed ${c.seed}`);
  return `On screen: ${parts.join(' · ')}`;
}

/** What differs from the preset, in words ("Changed here: budget."), or nothing. */
function presetChanges(s: Settings): string | undefined {
  const changed = changedFromPreset(s);
  return changed.length === 0 ? undefined : `Changed here: ${changed.map((k) => FIELD_NAMES[k]).join(', ')}.`;
}

const FIELD_NAMES: Record<ReturnType<typeof changedFromPreset>[number], string> = {
  budget: 'budget',
  supernetSteps: 'supernet steps',
  standaloneEpochs: 'standalone epochs',
  finalEpochs: 'final epochs',
  methodSettings: 'method settings',
};

/**
 * A labelled control. `compact` (the run bar): the hint becomes the control's tooltip and only
 * `note`, a short changing remark, stays on screen.
 */
function Field({ label, hint, note, compact, children }: { label: string; hint?: string; note?: string; compact?: boolean; children: React.ReactNode }) {
  return (
    <label className={`field${compact ? ' bar-field' : ''}`} title={compact ? hint : undefined}>
      <span className="field-label">{label}</span>
      {children}
      {!compact && hint && <span className="hint">{hint}</span>}
      {note && <span className="hint field-note">{note}</span>}
    </label>
  );
}
