import { type DeepPartial, mergeSettings, type RunConfig } from '../../core/config';
import type { z } from '../../core/schema';
import { enumSetting, numberSetting, settingsGroup, settingsProblems } from '../../core/settings';
import { isShippedDataset, type DatasetId } from '../../data/datasets';
import { DEFAULT_BLOCK_OPS } from '../../spaces/blocks';
import { blockOpsSchema } from '../blockSettings';

/**
 * DNA's settings, read from `config.methodSettings.dna` over the dataset's defaults (below). Every
 * number here is a scaled-down stand-in for the paper's (EfficientNet-B7 teacher, 6 blocks, 20+
 * epochs per block on ImageNet): scale the sizes, never the logic. The schema checks the merged
 * settings, so what it names is what the run would use: a misspelt key at any depth, a group of
 * the wrong shape, a value out of range.
 */
const int = (name: string, min: number) => numberSetting(name, { int: true, min });
const rate = (name: string) => numberSetting(name, { gt: 0, lt: 10 });

export const dnaSettingsSchema = settingsGroup({
  ops: blockOpsSchema('DNA').describe("ops a layer may choose: MBConv k{3,5} × e{3,6} by default; add 'skip' for variable depth, 'mb3_k1' / 'mb6_k1' (1×1 depthwise: no spatial mixing) for a varying receptive field"),
  teacher: settingsGroup({
    source: enumSetting('teacher source', ['pretrained', 'train']).describe("'pretrained': the weights shipped in public/teachers/<dataset>/; 'train': train one live first"),
    epochs: int('teacher epochs', 1).describe('epochs of the live teacher training'),
    batchSize: int('teacher batch size', 2).describe('images per teacher training step'),
    lr: rate('teacher lr').describe('SGD learning rate of the teacher'),
    momentum: numberSetting('teacher momentum', { min: 0, lt: 1 }).describe('SGD momentum of the teacher'),
    weightDecay: numberSetting('teacher weight decay', { min: 0 }).describe('L2 weight decay of the teacher'),
  }).describe('the teacher whose block outputs the students learn to reproduce'),
  students: settingsGroup({
    // One uniformly sampled path per step. At equal compute, 400 steps of 16 images beat 200 of 32
    // on the digits (block 2: MSE/var 0.47 vs 0.56; a single path trained alone for 400 steps of
    // 32 reaches 0.21).
    stepsPerBlock: int('student steps per block', 1).describe("training steps of each block's student supernet"),
    batchSize: int('student batch size', 2).describe('images per student step'),
    // Adam, as the official DNA runs (they used 0.002 for 20+ epochs per block). Measured on the
    // digits: after 200 steps, lr 0.005 left the students worse than predicting the mean
    // (MSE/var > 1); 0.05 reached MSE/var 0.3–0.6; 0.1 was no better.
    lr: rate('student lr').describe("Adam's learning rate for the students"),
    schedule: enumSetting('schedule', ['sequential', 'interleaved']).describe("'sequential': block 1 to the end, then block 2 …; 'interleaved': one step of each block in turn"),
    featureEvery: int('feature-map interval', 0).describe("emit teacher-vs-student feature maps every this many steps of a block (0: never while training)"),
  }).describe("the blocks' student supernets"),
  rating: settingsGroup({
    calibration: int('calibration images', 2).describe('training images BatchNorm statistics are recalibrated on before each path is scored'),
    heldOut: int('held-out images', 2).describe('held-out (validation) images each path is scored on'),
  }).describe('how every path is scored against the teacher'),
  search: settingsGroup({
    metric: enumSetting('budget metric', ['params', 'flops']).describe('what the budget limits'),
    limit: numberSetting('budget limit', { gt: 0 }, 'a positive number or null')
      .nullable()
      .describe('total budget (stem and head included); null: take `fraction` of the way from the cheapest to the dearest architecture'),
    fraction: numberSetting('budget fraction', { min: 0, max: 1 }).describe('where the budget sits between the cheapest and the dearest architecture when limit is null'),
  }).describe('the search for the best path within the budget'),
  final: settingsGroup({
    randomBaselines: int('random baselines', 0).describe('random architectures within the same budget, retrained with the same recipe as the chosen one'),
  }).describe('the final retraining'),
});

export type DnaSettings = z.output<typeof dnaSettingsSchema>;

export function defaultDnaSettings(dataset: DatasetId = 'digits'): DnaSettings {
  const fashion = dataset === 'fashion';
  return {
    ops: [...DEFAULT_BLOCK_OPS],
    // Only the shipped datasets have a shipped teacher: on a learner's own images it trains live.
    teacher: { source: isShippedDataset(dataset) ? 'pretrained' : 'train', epochs: fashion ? 4 : 15, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
    students: { stepsPerBlock: 400, batchSize: 16, lr: 0.05, schedule: 'sequential', featureEvery: 50 },
    rating: { calibration: 64, heldOut: 256 },
    search: { metric: 'params', limit: null, fraction: 0.5 },
    final: { randomBaselines: 2 },
  };
}

export type DnaSettingsInput = DeepPartial<DnaSettings>;

/** The run's DNA settings: `methodSettings.dna` merged (two levels deep) over the dataset's defaults. */
export function dnaSettingsOf(config: RunConfig): DnaSettings {
  const given = (config.methodSettings?.dna ?? {}) as DnaSettingsInput;
  return mergeDnaSettings(defaultDnaSettings(config.dataset), given);
}

export function mergeDnaSettings(base: DnaSettings, given: DnaSettingsInput): DnaSettings {
  return mergeSettings(base, given);
}

/**
 * Reasons the settings cannot run, empty when they can: `s` is the merged settings as given
 * (dnaSettingsOf), unknown keys and wrong shapes included, so every problem is named here.
 */
export function checkDnaSettings(s: unknown): string[] {
  return settingsProblems(dnaSettingsSchema, s, 'DNA');
}
