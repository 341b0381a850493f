import type { z } from '../../core/schema';
import { boolSetting, enumSetting, numberSetting, type NumberRange, parseSettings, settingDefaults, settingHelp, settingsGroup } from '../../core/settings';

/**
 * NAO's settings: every number the method uses, with defaults scaled so a run finishes in a few
 * minutes in a browser. The originals (NAO / NAO-WS, renqianluo/NAO_pytorch) are noted beside
 * each default. They live in `config.methodSettings.nao`; anything missing takes its default.
 * Each field is declared once below: its range, its default and its line of help.
 */
// NAO names its fields by their keys in messages ("topK must be …"): the keys are what a user types.
const int = (name: string, min: number, max: number) => numberSetting(name, { int: true, min, max });
const real = (name: string, r: NumberRange) => numberSetting(name, r);

export const NAO_TARGETS = ['minmax', 'rank'] as const;

export const naoSettingsSchema = settingsGroup({
  // Original: 600 for NAO-WS, 1000 for NAO.
  initialPool: int('initialPool', 2, 10000).default(20).describe('random cells evaluated first; the predictor starts from these'),
  // A run also ends when the budget is spent (original: 3 for NAO-WS).
  iterations: int('iterations', 0, 1000).default(10).describe('at most this many rounds of train → move seeds along the gradient → decode → evaluate (fewer when the budget runs out)'),
  // Original: 300.
  newPerIteration: int('newPerIteration', 1, 10000).default(10).describe('the quota: new cells to find per round'),
  // The top-k of the pool by measured score (original: 100 of 600+).
  topK: int('topK', 1, 10000).default(20).describe('the best k measured cells are the seeds that get moved'),
  // η grows 1·step, 2·step, 3·step … (original: step 1).
  etaStep: real('etaStep', { gt: 0, max: 1e6 }).default(1).describe('η grows by this much per decoding round (η = step, 2·step, …)'),
  // Generation stops once η passes it, quota met or not (original: 50).
  etaMax: real('etaMax', { gt: 0, max: 1e6 }).default(50).describe('give up on the quota once η passes this'),
  // Original: 32 for NAO-WS; 6 tokens of 6 symbols need less.
  embeddingSize: int('embeddingSize', 1, 1024).default(16).describe('width of each token’s embedding'),
  // The embedding e_x lives in this many dimensions (original: 64–96).
  hiddenSize: int('hiddenSize', 2, 1024).default(32).describe('LSTM width: the dimension of the continuous space'),
  // Original: 3.
  mlpLayers: int('mlpLayers', 0, 16).default(3).describe('ReLU layers in the predictor'),
  // Original: 200.
  mlpHidden: int('mlpHidden', 1, 4096).default(64).describe('units per predictor layer'),
  // Original: 0.1.
  mlpDropout: real('mlpDropout', { min: 0, max: 0.95 }).default(0.1).describe('dropout in the predictor while training'),
  // λ in L = λ·L_pred + (1−λ)·L_rec (original: 0.8).
  lambda: real('lambda', { min: 0, max: 1 }).default(0.8).describe('λ: weight of the prediction loss against reconstruction'),
  // Original: 1e-3.
  lr: real('lr', { gt: 0, max: 1 }).default(1e-3).describe('Adam learning rate'),
  // Added to the gradient as in PyTorch's Adam (original: 1e-4).
  weightDecay: real('weightDecay', { min: 0, max: 1 }).default(1e-4).describe('L2 weight decay inside Adam'),
  // Global gradient-norm clip (original: 5).
  gradClip: real('gradClip', { gt: 0, max: 1e6 }).default(5).describe('gradients are rescaled when their global norm exceeds this'),
  // Original: 100, on pools of 600+.
  batchSize: int('batchSize', 1, 10000).default(8).describe('cells per training minibatch'),
  // From freshly initialised weights (original: 1000 every round).
  epochs: int('epochs', 0, 100000).default(200).describe('passes over the pool in round 1, training from scratch'),
  // Every later round starts from the previous round's weights (warm start).
  warmEpochs: int('warmEpochs', 0, 100000).default(50).describe('passes over the pool in later rounds, which start from the previous weights'),
  // 'minmax' is the original's (v − min)/(max − min); rank is the default because on NAS-Bench-201 it is what lets NAO beat random search (docs/nao.md).
  targets: enumSetting('targets', NAO_TARGETS)
    .default('rank')
    .describe('rank: each cell’s rank in the pool becomes its target, so the predictor fits the order, not the outliers; minmax: scores scaled linearly to 0–1 (the original)'),
  augment: boolSetting('augment').default(true).describe('also train on each cell’s equivalent encoding (nodes 1↔2 when edge 1→2 is none)'),
  wsStepsPerIteration: int('wsStepsPerIteration', 0, 1e6).default(100).describe('NAO-WS: supernet steps per round, each on a cell drawn from the pool'),
  // As the original does.
  wsRescorePool: boolSetting('wsRescorePool').default(true).describe('NAO-WS: re-score the whole pool with the updated shared weights each round'),
  landscapeGrid: int('landscapeGrid', 2, 200).default(24).describe('resolution of the predictor landscape behind the embedding plot'),
});

export type NaoSettings = z.output<typeof naoSettingsSchema>;
export type NaoTargets = NaoSettings['targets'];

export const NAO_DEFAULTS: NaoSettings = settingDefaults(naoSettingsSchema);

/** One line per setting, for the page. */
export const NAO_SETTING_HELP = settingHelp(naoSettingsSchema);

/** Merges `methodSettings.nao` over the defaults; throws one error naming every bad field. */
export function parseNaoSettings(raw: unknown): NaoSettings {
  // Absent (or null) is "all defaults", as before; anything else that is not an object is named.
  const r = parseSettings(naoSettingsSchema, raw ?? {});
  if (!r.ok) throw new Error(`NAO settings: ${r.errors.join('; ')}`);
  return r.value;
}

/** Rounds the budget pays for (NAO-WS re-scores the whole pool each round) and the evaluations they use. */
export function planRounds(s: NaoSettings, initial: number, budget: number, rescore: boolean): { rounds: number; evaluations: number } {
  let used = initial;
  let pool = initial;
  let rounds = 0;
  while (rounds < s.iterations) {
    const quota = Math.min(s.newPerIteration, budget - used - (rescore ? pool : 0));
    if (quota <= 0) break;
    used += quota + (rescore ? pool : 0);
    pool += quota;
    rounds++;
  }
  return { rounds, evaluations: used };
}
