import type { RunEvent, Untimed } from '../../core/events';
import { Rng } from '../../core/rng';
import type { Dataset, DatasetId } from '../../data/datasets';
import { DeviceData } from '../../nn/trainer';
import { blockArchFromString } from '../../spaces/blocks';
import { type CreamSettings, type CreamSettingsInput, defaultCreamSettings, mergeCreamSettings } from './settings';
import { creamSpace } from './run';
import { CreamSupernet } from './supernet';

/**
 * Cream's supernet as an architecture ranker, for `npm run bench`: train it (with or without
 * distillation) exactly as a run's search phase does, then score block-space architectures by
 * their path accuracy with the shared weights on the whole validation split.
 */
export interface TrainedCream {
  supernet: CreamSupernet;
  settings: CreamSettings;
  trainSeconds: number;
  /** One line saying how it was trained and scored. */
  note: string;
  dispose(): void;
}

export interface CreamRankerOptions {
  dataset: Dataset;
  seed: number;
  distill: boolean;
  /** Over the dataset's defaults (methodSettings.cream of a run). */
  settings?: CreamSettingsInput;
  /** Receives the training's events (train / method …); none by default. */
  emit?: (e: Untimed<RunEvent>) => void;
  checkpoint?: () => Promise<void>;
}

/** Trains a Cream supernet the way runCream's search phase does (same random streams for the same seed). */
export async function trainCreamSupernet(o: CreamRankerOptions): Promise<TrainedCream> {
  const id = o.dataset.info.id as DatasetId;
  const settings = mergeCreamSettings(defaultCreamSettings(id), { ...o.settings, distill: { ...o.settings?.distill, enabled: o.distill } });
  const data = new DeviceData(o.dataset);
  // The same stream a run with this seed gives its supernet (makeContext's root Rng, fork 'cream').
  const supernet = new CreamSupernet(creamSpace({ dataset: id }, settings), data, settings, new Rng(o.seed).fork('cream'));
  const ctx = { emit: o.emit ?? (() => {}), checkpoint: o.checkpoint ?? (async () => {}) };
  const t0 = performance.now();
  try {
    while (supernet.stepsDone < settings.supernet.steps) await supernet.trainChunk(ctx);
  } catch (err) {
    supernet.dispose();
    data.dispose();
    throw err;
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const n = settings.supernet;
  const note = `Cream supernet, distillation ${o.distill ? 'on' : 'off'}: ${n.steps} steps (${n.warmup} warm-up), batch ${n.batchSize}, lr ${n.lr} cosine, ${n.sampling} path sampling, board of ${settings.board.size}; scored by path accuracy with the shared weights on all ${o.dataset.val.n} validation images`;
  return {
    supernet,
    settings,
    trainSeconds,
    note,
    dispose: () => {
      supernet.dispose();
      data.dispose();
    },
  };
}

/** Supernet path accuracy (%) of each architecture (canonical block strings) on the whole validation split; higher is better. */
export async function scoreBlockArchs(trained: TrainedCream, archs: readonly string[]): Promise<number[]> {
  const space = trained.supernet.space;
  const out = await trained.supernet.scoreArchs(archs.map((a) => blockArchFromString(a, space)));
  return out.map((r) => r.acc);
}

/**
 * The bench's ranker shape: train with `seed`, score `archs`, release everything.
 *   score(archs, dataset, seed) → { scores, trainSeconds, note }
 */
export async function creamRankingScores(archs: readonly string[], dataset: Dataset, seed: number, distill: boolean, settings?: CreamSettingsInput): Promise<{ scores: number[]; trainSeconds: number; note: string }> {
  const trained = await trainCreamSupernet({ dataset, seed, distill, settings });
  try {
    return { scores: await scoreBlockArchs(trained, archs), trainSeconds: trained.trainSeconds, note: trained.note };
  } finally {
    trained.dispose();
  }
}
