import { type DeepPartial, mergeSettings, type RunConfig } from '../../core/config';
import type { DatasetId } from '../../data/datasets';
import { BLOCK_OPS, type BlockOp, DEFAULT_BLOCK_OPS } from '../../spaces/blocks';
import type { BudgetMetric } from './events';

/**
 * DNA's settings, read from `config.methodSettings.dna` over these defaults. Every number here is
 * a scaled-down stand-in for the paper's (EfficientNet-B7 teacher, 6 blocks, 20+ epochs per block
 * on ImageNet): scale the sizes, never the logic.
 */
export interface DnaSettings {
  /** Ops a layer may choose: MBConv k{3,5} × e{3,6} by default; add 'skip' for variable depth. */
  ops: BlockOp[];
  teacher: {
    /** 'pretrained': the weights shipped in public/teachers/<dataset>/; 'train': train one live first. */
    source: 'pretrained' | 'train';
    epochs: number;
    batchSize: number;
    lr: number;
    momentum: number;
    weightDecay: number;
  };
  students: {
    /**
     * Training steps of each block's student supernet (one uniformly sampled path per step).
     * At equal compute, 400 steps of 16 images beat 200 of 32 on the digits (block 2: MSE/var
     * 0.47 vs 0.56; a single path trained alone for 400 steps of 32 reaches 0.21).
     */
    stepsPerBlock: number;
    batchSize: number;
    /**
     * Adam's learning rate (Adam, as the official DNA runs; they used 0.002 for 20+ epochs per
     * block). Measured on the digits: after 200 steps, lr 0.005 left the students worse than
     * predicting the mean (MSE/var > 1); 0.05 reached MSE/var 0.3–0.6; 0.1 was no better.
     */
    lr: number;
    /** 'sequential': block 1 to the end, then block 2 …; 'interleaved': one step of each block in turn. */
    schedule: 'sequential' | 'interleaved';
    /** Emit teacher-vs-student feature maps every this many steps of a block (0: never while training). */
    featureEvery: number;
  };
  rating: {
    /** Training images BatchNorm statistics are recalibrated on before each path is scored. */
    calibration: number;
    /** Held-out (validation) images each path is scored on. */
    heldOut: number;
  };
  search: {
    metric: BudgetMetric;
    /** Total budget (stem and head included); null: take `fraction` of the way from the cheapest to the dearest architecture. */
    limit: number | null;
    fraction: number;
  };
  final: {
    /** Random architectures within the same budget, retrained with the same recipe as the chosen one. */
    randomBaselines: number;
  };
}

export function defaultDnaSettings(dataset: DatasetId = 'digits'): DnaSettings {
  const fashion = dataset === 'fashion';
  return {
    ops: [...DEFAULT_BLOCK_OPS],
    teacher: { source: 'pretrained', epochs: fashion ? 4 : 15, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
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

/** Reasons the settings cannot run, empty when they can. */
export function checkDnaSettings(s: DnaSettings): string[] {
  const errs: string[] = [];
  const int = (v: number, name: string, min: number) => {
    if (!Number.isInteger(v) || v < min) errs.push(`${name} must be an integer ≥ ${min} (got ${v})`);
  };
  const rate = (v: number, name: string) => {
    if (!(v > 0 && v < 10)) errs.push(`${name} must be in (0, 10) (got ${v})`);
  };
  if (!Array.isArray(s.ops) || s.ops.length === 0) errs.push('DNA needs at least one op');
  else {
    const bad = s.ops.filter((o) => !(BLOCK_OPS as readonly string[]).includes(o));
    if (bad.length) errs.push(`unknown block op(s): ${bad.join(', ')} (ops: ${BLOCK_OPS.join(', ')})`);
    if (s.ops.filter((o) => o !== 'skip').length === 0) errs.push('the first layer of a block changes shape, so at least one MBConv op is needed');
  }
  if (s.teacher.source !== 'pretrained' && s.teacher.source !== 'train') errs.push(`teacher source must be "pretrained" or "train" (got ${s.teacher.source})`);
  int(s.teacher.epochs, 'teacher epochs', 1);
  int(s.teacher.batchSize, 'teacher batch size', 2);
  rate(s.teacher.lr, 'teacher lr');
  int(s.students.stepsPerBlock, 'student steps per block', 1);
  int(s.students.batchSize, 'student batch size', 2);
  rate(s.students.lr, 'student lr');
  if (s.students.schedule !== 'sequential' && s.students.schedule !== 'interleaved') errs.push(`schedule must be "sequential" or "interleaved" (got ${s.students.schedule})`);
  int(s.students.featureEvery, 'feature-map interval', 0);
  int(s.rating.calibration, 'calibration images', 2);
  int(s.rating.heldOut, 'held-out images', 2);
  if (s.search.metric !== 'params' && s.search.metric !== 'flops') errs.push(`budget metric must be "params" or "flops" (got ${s.search.metric})`);
  if (s.search.limit !== null && !(s.search.limit > 0)) errs.push(`budget limit must be a positive number or null (got ${s.search.limit})`);
  if (!(s.search.fraction >= 0 && s.search.fraction <= 1)) errs.push(`budget fraction must be in [0, 1] (got ${s.search.fraction})`);
  int(s.final.randomBaselines, 'random baselines', 0);
  return errs;
}
