import { estimateRun } from '../../engine/methods/workPlan';
import { calibrationRate, safePlan } from '../estimate';
import { formatDuration } from '../format';
import { configFromSettings, useSettings } from '../settings';
import { useBackend, useRunStatus } from '../store';

/**
 * "About 50 s on cpu", before Start: the run's plan (engine/methods/workPlan.ts) at the rate the
 * worker measured for its backend. While a run is live the status bar re-estimates from its pace.
 */
export function RunEstimate({ blocked }: { /** The settings cannot start a run (the controls list why). */ blocked: boolean }) {
  const { settings: s, table } = useSettings();
  const { report, state } = useBackend();
  const status = useRunStatus();
  if (status === 'running' || status === 'paused') return null;
  if (blocked) return null;
  const stages = safePlan(configFromSettings(s, table));
  if (!stages) return null;
  const rate = calibrationRate(report);
  if (rate === null) {
    return (
      <p className="run-estimate hint" data-testid="run-estimate">
        {state === 'starting' ? 'Timing the backend for an estimate…' : `No calibration for ${report?.name ?? 'this backend'} yet: choose "auto" once to time it. The run estimates its time left once it starts.`}
      </p>
    );
  }
  const est = estimateRun(stages, rate);
  return (
    <details className="run-estimate" data-testid="run-estimate" data-seconds={est.totalSeconds.toFixed(1)}>
      <summary>
        About <strong>{formatDuration(Math.max(1000, est.totalSeconds * 1000))}</strong> on {report!.name} here
      </summary>
      <ul>
        {stages.map((st) => (
          <li key={st.label}>
            {st.label}: {st.units.toLocaleString('en-US')} {st.unit} ≈ {formatDuration((st.units * st.cost * rate))}
          </li>
        ))}
      </ul>
      <span className="hint">From one measured training step ({rate.toFixed(0)} ms on {report!.name}) and what each kind of work costs relative to it; once the run starts it re-estimates from its own pace.</span>
    </details>
  );
}
