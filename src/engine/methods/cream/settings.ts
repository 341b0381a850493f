import { type DeepPartial, mergeSettings, type RunConfig } from '../../core/config';
import type { DatasetId } from '../../data/datasets';
import { BLOCK_OPS, type BlockOp, blockSkeletonProblems, type BlockStage, DEFAULT_BLOCK_OPS, DEFAULT_STAGES, DEFAULT_STEM_CHANNELS } from '../../spaces/blocks';

/**
 * Cream's settings, read from `config.methodSettings.cream` over these defaults. The original
 * (microsoft/Cream, NeurIPS 2020) trains a MobileNet-like supernet on ImageNet for 120 epochs with
 * a board of 10 paths; every number here is a scaled-down stand-in, named after the original's
 * knob where one exists. Scale the sizes, never the logic.
 */
export type PathSampling = 'uniform' | 'prior' | 'board';
export type BoardMetric = 'val' | 'train';

export interface CreamSettings {
  /** Ops a layer may choose; add 'skip' for variable depth. */
  ops: BlockOp[];
  /** The chain's skeleton (widths, strides, layers per block): the block space's defaults unless changed. */
  stemChannels: number;
  stages: BlockStage[];
  supernet: {
    /** Training steps in all, warm-up included (one sampled path per step). */
    steps: number;
    /** Steps with cross-entropy only before the board opens (original: 20 of 120 epochs). */
    warmup: number;
    batchSize: number;
    /** SGD with Nesterov momentum, cosine schedule from lr to 0 over `steps`. */
    lr: number;
    momentum: number;
    weightDecay: number;
    /**
     * How each step's path is drawn: 'uniform' over each layer's ops; 'prior' from the fixed op
     * weights below (the original's PRE_PROB); 'board' from the op frequencies of the board's
     * paths, layer by layer, with add-one smoothing (the original's 'teacher' option).
     */
    sampling: PathSampling;
    /** Relative weight of each op under 'prior' (renormalised over the ops a layer allows). */
    prior: Partial<Record<BlockOp, number>>;
    /**
     * Steps between read-backs. Step metrics (losses, the path's accuracy) stay on the device and
     * are read back together; the board is updated then, for every path of the chunk in order.
     */
    flushEvery: number;
  };
  board: {
    /** K: paths kept (original POOL_SIZE 10). */
    size: number;
    /** Accuracy points (%) a path must beat the worst entry by to enter a full board regardless of FLOPs (original acc_gap 5). */
    gap: number;
    /** 'val': the path's accuracy on a fixed validation batch right after its step; 'train': on its own training batch (the original). */
    metric: BoardMetric;
    /** Images in the fixed validation batch. */
    valBatch: number;
  };
  distill: {
    /** Off: plain one-shot training (SPOS-like), the board still kept for the final pick. */
    enabled: boolean;
    /** Images stored with each board entry and shown to the meta matching network (original SLICE 4). */
    matchImages: number;
  };
  meta: {
    /** Steps between meta matching network updates (original UPDATE_ITER 1300, about once an epoch). */
    every: number;
    /** Learning rate of the meta network's Adam (the original: the supernet's SGD, gradient norm clipped to 1). */
    lr: number;
    /** Training images of the simulated student step, and validation images the look-ahead loss is measured on. */
    trainImages: number;
    valImages: number;
  };
  final: {
    /** FLOPs budget of the final pick; null: `fraction` of the way from the cheapest to the dearest architecture. */
    flopsLimit: number | null;
    fraction: number;
    /** The random path is drawn among architectures whose FLOPs are within this relative distance of the pick's. */
    randomTolerance: number;
    /** Validation images the board is re-measured on at the end (the first ones of the split; all 359 of the digits). */
    valImages: number;
  };
}

export function defaultCreamSettings(dataset: DatasetId = 'digits'): CreamSettings {
  const fashion = dataset === 'fashion';
  return {
    ops: [...DEFAULT_BLOCK_OPS],
    stemChannels: DEFAULT_STEM_CHANNELS,
    stages: DEFAULT_STAGES.map((s) => ({ ...s })),
    supernet: {
      steps: fashion ? 1200 : 1000,
      // The original warms up for 1/6 of its epochs. Here a uniformly sampled 6-layer supernet sits
      // on a plateau near chance for its first ~200 steps (measured on the digits), and a board
      // filled there would rank noise: the warm-up ends after that plateau.
      warmup: fashion ? 300 : 250,
      batchSize: 32,
      lr: 0.05,
      momentum: 0.9,
      weightDecay: 5e-4,
      sampling: 'uniform',
      prior: { mb3_k3: 0.1, mb3_k5: 0.2, mb6_k3: 0.2, mb6_k5: 0.5, skip: 0.1 },
      flushEvery: 10,
    },
    board: { size: 5, gap: 5, metric: 'val', valBatch: 64 },
    distill: { enabled: true, matchImages: 4 },
    meta: { every: 5, lr: 0.02, trainImages: 8, valImages: 16 },
    final: { flopsLimit: null, fraction: 0.5, randomTolerance: 0.1, valImages: 512 },
  };
}

export type CreamSettingsInput = DeepPartial<CreamSettings>;

/** The run's Cream settings: `methodSettings.cream` merged (two levels deep) over the dataset's defaults. */
export function creamSettingsOf(config: RunConfig): CreamSettings {
  return mergeCreamSettings(defaultCreamSettings(config.dataset), (config.methodSettings?.cream ?? {}) as CreamSettingsInput);
}

export function mergeCreamSettings(base: CreamSettings, given: CreamSettingsInput): CreamSettings {
  return mergeSettings(base, given);
}

/** Reasons the settings cannot run, empty when they can. */
export function checkCreamSettings(s: CreamSettings): string[] {
  const errs: string[] = [];
  const int = (v: number, name: string, min: number) => {
    if (!Number.isInteger(v) || v < min) errs.push(`${name} must be an integer ≥ ${min} (got ${v})`);
  };
  const rate = (v: number, name: string) => {
    if (!(v > 0 && v < 10)) errs.push(`${name} must be in (0, 10) (got ${v})`);
  };
  if (!Array.isArray(s.ops) || s.ops.length === 0) errs.push('Cream needs at least one op');
  else {
    const bad = s.ops.filter((o) => !(BLOCK_OPS as readonly string[]).includes(o));
    if (bad.length) errs.push(`unknown block op(s): ${bad.join(', ')} (ops: ${BLOCK_OPS.join(', ')})`);
    if (s.ops.filter((o) => o !== 'skip').length === 0) errs.push('the first layer of a block changes shape, so at least one MBConv op is needed');
  }
  // The skeleton Cream builds its supernet on: the block space's own size limits (BLOCK_LIMITS).
  errs.push(...blockSkeletonProblems({ stemChannels: s.stemChannels, stages: Array.isArray(s.stages) ? s.stages.map((st) => st ?? ({} as BlockStage)) : (s.stages as never) }));
  const n = s.supernet;
  int(n.steps, 'supernet steps', 1);
  int(n.warmup, 'warm-up steps', 0);
  if (Number.isInteger(n.warmup) && Number.isInteger(n.steps) && n.warmup >= n.steps) errs.push(`warm-up (${n.warmup}) must be shorter than the training (${n.steps} steps)`);
  int(n.batchSize, 'supernet batch size', 2);
  rate(n.lr, 'supernet lr');
  if (!(n.momentum >= 0 && n.momentum < 1)) errs.push(`momentum must be in [0, 1) (got ${n.momentum})`);
  if (!(n.weightDecay >= 0)) errs.push(`weight decay must be ≥ 0 (got ${n.weightDecay})`);
  if (!['uniform', 'prior', 'board'].includes(n.sampling)) errs.push(`path sampling must be "uniform", "prior" or "board" (got ${n.sampling})`);
  if (n.sampling === 'prior') {
    const w = s.ops.map((o) => n.prior[o] ?? 0);
    if (w.some((v) => !(v >= 0))) errs.push('prior weights must be ≥ 0');
    if (s.ops.filter((o) => o !== 'skip').every((o) => !((n.prior[o] ?? 0) > 0))) errs.push('the prior gives no weight to any MBConv op');
  }
  int(n.flushEvery, 'read-back interval', 1);
  int(s.board.size, 'board size', 1);
  if (!(s.board.gap >= 0)) errs.push(`board gap must be ≥ 0 (got ${s.board.gap})`);
  if (s.board.metric !== 'val' && s.board.metric !== 'train') errs.push(`board metric must be "val" or "train" (got ${s.board.metric})`);
  int(s.board.valBatch, 'validation batch', 2);
  int(s.distill.matchImages, 'matching images', 2);
  if (Number.isInteger(s.distill.matchImages) && s.distill.matchImages > n.batchSize) errs.push(`matching images (${s.distill.matchImages}) cannot exceed the batch (${n.batchSize})`);
  int(s.meta.every, 'meta update interval', 1);
  rate(s.meta.lr, 'meta lr');
  int(s.meta.trainImages, 'meta training images', 2);
  int(s.meta.valImages, 'meta validation images', 2);
  if (Number.isInteger(s.meta.trainImages) && s.meta.trainImages > n.batchSize) errs.push(`meta training images (${s.meta.trainImages}) cannot exceed the batch (${n.batchSize})`);
  if (s.final.flopsLimit !== null && !(s.final.flopsLimit > 0)) errs.push(`FLOPs limit must be a positive number or null (got ${s.final.flopsLimit})`);
  if (!(s.final.fraction >= 0 && s.final.fraction <= 1)) errs.push(`budget fraction must be in [0, 1] (got ${s.final.fraction})`);
  if (!(s.final.randomTolerance > 0)) errs.push(`random tolerance must be > 0 (got ${s.final.randomTolerance})`);
  int(s.final.valImages, 'final validation images', 2);
  return errs;
}
