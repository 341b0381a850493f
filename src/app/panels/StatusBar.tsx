import { memo, useState } from 'react';
import type { Phase } from '../../engine/core/events';
import { methodInfo } from '../../engine/methods/catalog';
import { useRunEstimate } from '../estimate';
import { formatBytes, formatDuration, formatInt } from '../format';
import { useBackend, useMemory, useMessages, usePhase, useProgress, useReplay, useRunStart, useRunStatus } from '../store';
import { remeasureBackend } from '../workerClient';

const PHASE_TITLES: Record<Phase, string> = {
  setup: 'Setting up',
  supernet: 'Training the supernet',
  search: 'Searching',
  final: 'Retraining the winner',
  done: 'Done',
};

/** Run status, phase, progress and timing: what a class watching the projector needs at a glance. */
export function StatusBar() {
  const status = useRunStatus();
  const replay = useReplay();
  const { phase, detail, progress: phaseProgress } = usePhase();
  const { progress, budget, trainArch, elapsedMs } = useProgress();
  const runStart = useRunStart();
  const replayText = `replay of ${runStart ? `${methodInfo(runStart.config.method).title}, ${runStart.config.evaluator === 'table' ? 'on a benchmark table' : `on ${runStart.config.dataset}`}, seed ${runStart.config.seed}` : 'an imported log'}`;
  const planned = useRunEstimate();
  const info = runStart ? methodInfo(runStart.config.method) : null;
  // Training one given cell spends no search budget: its training steps are the progress then.
  // A method without a candidate budget (DNA, Cream) shows how much of its planned work is done.
  const byPlan = !trainArch && info?.budget === null && planned;
  const main = trainArch ? (phaseProgress ?? { done: 0, total: 0, unit: 'steps' }) : byPlan ? { done: Math.round(100 * planned.estimate.fraction), total: 100, unit: '% of the planned work' } : progress;
  const done = main?.done ?? 0;
  const total = main?.total ?? budget ?? 0;
  // A method's own progress units in words (catalog `views.progressUnits`): "retrains" alone does not say which.
  const rawUnit = main?.unit ?? 'candidates';
  const unit = (!byPlan && info?.views?.progressUnits[rawUnit]) || rawUnit;
  const live = status === 'running' || status === 'paused';
  const pct = total > 0 ? Math.min(100, (100 * done) / total) : 0;
  const phasePct = phaseProgress && phaseProgress.total > 0 ? Math.min(100, (100 * phaseProgress.done) / phaseProgress.total) : 0;

  const phaseText = phase ? `${PHASE_TITLES[phase]}${detail ? ` — ${detail}` : ''}` : status === 'running' ? 'Starting: loading the data…' : status === 'paused' ? 'Held before the first step: press Step or Resume' : 'Not started';

  return (
    <section className="status-bar" aria-label="Run status">
      <div className="status-line">
        <span className={`run-status status-${status}`} data-testid="run-status">
          {status}
        </span>
        {replay && (
          // Says which run is on screen: the setup above is for the next run, and may name another method.
          <span className="replay-tag" data-testid="replay-tag" title={replayText}>
            {replayText}
          </span>
        )}
        <span className="phase-text" data-testid="phase-text">
          {phaseText}
        </span>
        <BackendBadge />
      </div>
      <div
        className="progress"
        data-testid="progress-bar"
        data-done={done}
        data-total={total}
        data-unit={rawUnit}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-label={`${done} of ${total} ${unit}`}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
        <span className="progress-label">
          {done} / {total} {unit}
        </span>
      </div>
      <div className="progress-meta">
        {phaseProgress && phase !== 'done' && !trainArch && (
          <span className="phase-progress">
            <span className="mini-bar">
              <span style={{ width: `${phasePct}%` }} />
            </span>
            this phase: {phaseProgress.done} / {phaseProgress.total} {phaseProgress.unit}
          </span>
        )}
        <span data-testid="elapsed">elapsed {formatDuration(elapsedMs)}</span>
        {live && !replay && planned && (
          <span data-testid="remaining" title={planned.estimate.fromRun ? 'At the pace this run has kept so far' : 'At the measured calibration rate; the run’s own pace takes over after 5 % of the work'}>
            ≈ {formatDuration(planned.estimate.remainingSeconds * 1000)} left{planned.estimate.fromRun ? '' : ' (calibration)'}
          </span>
        )}
        <TensorCount />
      </div>
      {status === 'done' && !trainArch && info?.budget && budget !== null && progress && progress.done < budget && <EarlyEnd used={progress.done} budget={budget} unit={progress.unit} />}
    </section>
  );
}

/**
 * A search that ends before its budget is the method working as designed (NAO when its rounds or
 * η run out), but a class should hear why: the method's last message says it.
 */
function EarlyEnd({ used, budget, unit }: { used: number; budget: number; unit: string }) {
  const { messages } = useMessages();
  const why = [...messages].reverse().find((m) => m.level === 'info');
  return (
    <p className="early-end" data-testid="early-end">
      Ended after {used} of {budget} {unit}
      {why ? `: ${why.message}` : '.'}
    </p>
  );
}

/**
 * The backend the worker runs on; the reasons faster ones were skipped on hover and on request.
 * Memoised: the status line re-renders on every scrub frame, the backend does not change with it.
 */
const BackendBadge = memo(function BackendBadge() {
  const { report, state } = useBackend();
  const [open, setOpen] = useState(false);
  const why = report?.skipped.length ? `Skipped: ${report.skipped.join('; ')}` : report ? 'The fastest backend was available.' : '';
  return (
    <span className="backend">
      <span className={`backend-badge backend-${report?.name ?? state}`} data-testid="backend-badge" title={why}>
        {report ? `backend: ${report.name}${report.forced ? ' (chosen)' : (report.measured?.length ?? 0) > 1 ? ' (fastest measured)' : ''}` : state === 'failed' ? 'no backend could start' : 'starting backend…'}
      </span>
      {report && (
        <button className="link" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="backend-why">
          why?
        </button>
      )}
      {open && report && (
        <span className="backend-details" data-testid="backend-details" role="note">
          {report.remembered ? (
            <>Running on {report.name}, the backend this browser measured fastest.</>
          ) : report.skipped.length === 0 ? (
            <>Running on {report.name}: nothing faster was skipped.</>
          ) : (
            <>
              Running on {report.name} because:
              <ul>
                {report.skipped.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            </>
          )}
          {report.measured && (
            <span className="backend-rates" data-testid="backend-rates">
              {report.remembered ? 'Measured fastest in this browser' : 'Measured just now'}
              {report.measuredAt ? ` (${new Date(report.measuredAt).toLocaleDateString()})` : ''}, one training step of the digits supernet, batch 64:
              <ul>
                {report.measured.map((m) => (
                  <li key={m.name} data-backend={m.name} data-ms={m.msPerStep.toFixed(1)}>
                    {m.name}: {formatInt(Math.round(m.msPerStep))} ms per step{m.name === report.name ? ' — chosen' : ''}
                  </li>
                ))}
              </ul>
            </span>
          )}
          {!report.forced && (
            <button type="button" className="link" onClick={remeasureBackend} data-testid="backend-remeasure" title="Times a few training steps on every backend this browser offers, software renderers included (can take a minute), and keeps the fastest">
              time every backend
            </button>
          )}
          <span className="muted">tfjs {report.tfjsVersion}</span>
        </span>
      )}
    </span>
  );
});

/** Every tensor a step creates is released in that step, so this number holds still while a run trains. */
function TensorCount() {
  const memory = useMemory();
  if (!memory) return null;
  return (
    <span data-testid="tensor-count" data-count={memory.numTensors} title="Live TensorFlow.js tensors in the worker. It stays flat during a run; a steady climb would mean a leak.">
      tensors in memory {formatInt(memory.numTensors)} ({formatBytes(memory.numBytes)})
    </span>
  );
}
