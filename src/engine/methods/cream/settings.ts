import { type DeepPartial, mergeSettings, type RunConfig } from '../../core/config';
import { z } from '../../core/schema';
import { boolSetting, enumSetting, numberSetting, settingsGroup, settingsProblems } from '../../core/settings';
import type { DatasetId } from '../../data/datasets';
import { BLOCK_OPS, blockSkeletonProblems, DEFAULT_BLOCK_OPS, DEFAULT_STAGES, DEFAULT_STEM_CHANNELS } from '../../spaces/blocks';
import { blockOpsSchema } from '../blockSettings';

/**
 * Cream's settings, read from `config.methodSettings.cream` over the dataset's defaults (below).
 * The original (microsoft/Cream, NeurIPS 2020) trains a MobileNet-like supernet on ImageNet for
 * 120 epochs with a board of 10 paths; every number here is a scaled-down stand-in, named after
 * the original's knob where one exists. Scale the sizes, never the logic. The schema checks the
 * merged settings, so what it names is what the run would use.
 */
const int = (name: string, min: number) => numberSetting(name, { int: true, min });
const rate = (name: string) => numberSetting(name, { gt: 0, lt: 10 });
// The skeleton's sizes are checked by the block space's own limits (blockSkeletonProblems, below),
// as an imported file's are; here only their type, whose message names the field by its path.
const size = () => z.number();

const stageSchema = settingsGroup({
  channels: size().describe('output width of the block'),
  stride: size().describe("stride of the block's first layer"),
  layers: size().describe('layers in the block'),
});

export const creamSettingsSchema = settingsGroup({
  ops: blockOpsSchema('Cream').describe("ops a layer may choose; add 'skip' for variable depth"),
  stemChannels: size().describe("the stem's output width"),
  stages: z.array(stageSchema).describe("the chain's skeleton (widths, strides, layers per block): the block space's defaults unless changed"),
  supernet: settingsGroup({
    steps: int('supernet steps', 1).describe('training steps in all, warm-up included (one sampled path per step)'),
    warmup: int('warm-up steps', 0).describe('steps with cross-entropy only before the board opens (original: 20 of 120 epochs)'),
    batchSize: int('supernet batch size', 2).describe('images per supernet step'),
    lr: rate('supernet lr').describe('SGD with Nesterov momentum, cosine schedule from lr to 0 over the steps'),
    momentum: numberSetting('momentum', { min: 0, lt: 1 }).describe('SGD momentum'),
    weightDecay: numberSetting('weight decay', { min: 0 }).describe('L2 weight decay'),
    // 'prior' is the original's PRE_PROB; 'board' its 'teacher' option.
    sampling: enumSetting('path sampling', ['uniform', 'prior', 'board']).describe(
      "how each step's path is drawn: 'uniform' over each layer's ops; 'prior' from the op weights below; 'board' from the op frequencies of the board's paths, layer by layer, with add-one smoothing",
    ),
    prior: settingsGroup(Object.fromEntries(BLOCK_OPS.map((o) => [o, numberSetting(`prior weight of ${o}`, { min: 0 }).optional()])) as Record<(typeof BLOCK_OPS)[number], z.ZodOptional<z.ZodNumber>>).describe(
      "relative weight of each op under 'prior' (renormalised over the ops a layer allows)",
    ),
    // Step metrics (losses, the path's accuracy) stay on the device and are read back together; the board is updated then, for every path of the chunk in order.
    flushEvery: int('read-back interval', 1).describe('steps between read-backs of the step metrics'),
  }).describe('the weight-sharing supernet and its training'),
  board: settingsGroup({
    size: int('board size', 1).describe('K: paths kept (original POOL_SIZE 10)'),
    gap: numberSetting('board gap', { min: 0 }).describe('accuracy points (%) a path must beat the worst entry by to enter a full board regardless of FLOPs (original acc_gap 5)'),
    metric: enumSetting('board metric', ['val', 'train']).describe("'val': the path's accuracy on a fixed validation batch right after its step; 'train': on its own training batch (the original)"),
    valBatch: int('validation batch', 2).describe('images in the fixed validation batch'),
  }).describe('the board of the best paths, the teachers'),
  distill: settingsGroup({
    enabled: boolSetting('distillation enabled').describe('off: plain one-shot training (SPOS-like), the board still kept for the final pick'),
    matchImages: int('matching images', 2).describe('images stored with each board entry and shown to the meta matching network (original SLICE 4)'),
  }).describe('distillation from the board'),
  meta: settingsGroup({
    every: int('meta update interval', 1).describe('steps between meta matching network updates (original UPDATE_ITER 1300, about once an epoch)'),
    // The original uses the supernet's SGD, gradient norm clipped to 1.
    lr: rate('meta lr').describe("learning rate of the meta network's Adam"),
    trainImages: int('meta training images', 2).describe('training images of the simulated student step'),
    valImages: int('meta validation images', 2).describe('validation images the look-ahead loss is measured on'),
  }).describe('the meta matching network that picks each step’s teacher'),
  final: settingsGroup({
    flopsLimit: numberSetting('FLOPs limit', { gt: 0 }, 'a positive number or null')
      .nullable()
      .describe('FLOPs budget of the final pick; null: `fraction` of the way from the cheapest to the dearest architecture'),
    fraction: numberSetting('budget fraction', { min: 0, max: 1 }).describe('where the budget sits when flopsLimit is null'),
    randomTolerance: numberSetting('random tolerance', { gt: 0 }).describe("the random path is drawn among architectures whose FLOPs are within this relative distance of the pick's"),
    valImages: int('final validation images', 2).describe('validation images the board is re-measured on at the end (the first ones of the split; all 359 of the digits)'),
  }).describe('the final pick and its random baseline'),
}).superRefine(creamRules, {
  // Run even when a field elsewhere has the wrong type (zod skips a refinement then by default), so
  // one check names every problem; the rules read their fields defensively.
  when: (payload) => plain(payload.value),
});

function plain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The rules across fields; each field's own type and range is the schema's. */
function creamRules(settings: CreamSettings, ctx: z.core.$RefinementCtx<CreamSettings>): void {
  const add = (message: string) => ctx.addIssue({ code: 'custom', message });
  const s = settings as unknown as Record<string, unknown>;
  const group = (k: string) => (plain(s[k]) ? s[k] : {});
  const n = group('supernet');
  const int = (v: unknown): v is number => Number.isInteger(v);
  const num = (v: unknown): v is number => typeof v === 'number';
  const stages = s.stages;
  // The skeleton Cream builds its supernet on: the block space's own size limits (BLOCK_LIMITS), once every size is a number.
  if (num(s.stemChannels) && Array.isArray(stages) && stages.every((st) => plain(st) && num(st.channels) && num(st.stride) && num(st.layers))) {
    for (const m of blockSkeletonProblems({ stemChannels: s.stemChannels, stages: stages as { channels: number; stride: number; layers: number }[] })) add(m);
  }
  if (int(n.warmup) && int(n.steps) && n.warmup >= n.steps) add(`warm-up (${n.warmup}) must be shorter than the training (${n.steps} steps)`);
  const ops = Array.isArray(s.ops) ? s.ops.filter((o): o is string => typeof o === 'string') : [];
  const prior = plain(n.prior) ? n.prior : {};
  if (n.sampling === 'prior' && ops.filter((o) => o !== 'skip').every((o) => !(num(prior[o]) && prior[o] > 0))) add('the prior gives no weight to any MBConv op');
  const matchImages = group('distill').matchImages;
  const trainImages = group('meta').trainImages;
  if (int(matchImages) && num(n.batchSize) && matchImages > n.batchSize) add(`matching images (${matchImages}) cannot exceed the batch (${n.batchSize})`);
  if (int(trainImages) && num(n.batchSize) && trainImages > n.batchSize) add(`meta training images (${trainImages}) cannot exceed the batch (${n.batchSize})`);
}

export type CreamSettings = z.output<typeof creamSettingsSchema>;
export type PathSampling = CreamSettings['supernet']['sampling'];
export type BoardMetric = CreamSettings['board']['metric'];

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

/**
 * Reasons the settings cannot run, empty when they can: `s` is the merged settings as given
 * (creamSettingsOf), unknown keys and wrong shapes included, so every problem is named here.
 */
export function checkCreamSettings(s: unknown): string[] {
  return settingsProblems(creamSettingsSchema, s, 'Cream');
}
