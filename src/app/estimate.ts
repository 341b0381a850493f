import { useMemo } from 'react';
import type { RunConfig } from '../engine/core/config';
import { estimateRun, planWork, type RunEstimate, type WorkStage } from '../engine/methods/workPlan';
import type { BackendReport } from '../worker/protocol';
import { useRunStore } from './store';
import { rememberedRate } from './workerClient';

/**
 * The calibration the estimates are made from: the backend's measured ms per calibration step,
 * from this session's measurement or the one this browser remembers; null when neither exists
 * (a forced backend never timed here).
 */
export function calibrationRate(report: BackendReport | null): number | null {
  if (!report) return null;
  return report.measured?.find((m) => m.name === report.name)?.msPerStep ?? rememberedRate(report.name);
}

/** The plan of a config, or null when the config cannot be planned (the controls report why). */
export function safePlan(config: RunConfig | null): WorkStage[] | null {
  if (!config) return null;
  try {
    return planWork(config);
  } catch {
    return null;
  }
}

/** The run on screen's estimate: its plan at the calibration's rate, then at its own pace. */
export function useRunEstimate(): { stages: WorkStage[]; estimate: RunEstimate; rate: number | null } | null {
  const config = useRunStore((s) => s.run.runStart?.config ?? null);
  const trainArch = useRunStore((s) => Boolean(s.run.runStart?.trainArch));
  const tick = useRunStore((s) => s.tick);
  const backend = useRunStore((s) => s.backend);
  const run = useRunStore((s) => s.run);
  const stages = useMemo(() => (trainArch ? null : safePlan(config)), [config, trainArch]);
  const rate = calibrationRate(backend);
  return useMemo(() => {
    if (!stages) return null;
    // Without a calibration, the run's own pace is the only rate: until it has one, no estimate.
    const estimate = estimateRun(stages, rate ?? NaN, { counts: run.work, elapsedMs: run.lastT });
    return Number.isFinite(estimate.remainingSeconds) ? { stages, estimate, rate } : null;
    // `tick` changes with every batch; run.work and run.lastT are mutated in place.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stages, rate, tick, run]);
}
