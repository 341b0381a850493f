import { clip, quote } from '../../core/quote';

/**
 * NAO's settings: every number the method uses, with defaults scaled so a run finishes in a few
 * minutes in a browser. The originals (NAO / NAO-WS, renqianluo/NAO_pytorch) are noted beside
 * each default. They live in `config.methodSettings.nao`; anything missing takes its default.
 */
export type NaoTargets = 'minmax' | 'rank';

export interface NaoSettings {
  /** Random architectures evaluated before the first iteration (original: 600 for NAO-WS, 1000 for NAO). */
  initialPool: number;
  /** Most rounds of train → generate → evaluate; a run also ends when the budget is spent (original: 3 for NAO-WS). */
  iterations: number;
  /** New architectures wanted per iteration — the quota (original: 300). */
  newPerIteration: number;
  /** Seeds: the top-k of the pool by measured score that are moved along the gradient (original: 100 of 600+). */
  topK: number;
  /** η grows 1·step, 2·step, 3·step … (original: step 1). */
  etaStep: number;
  /** η's cap: generation stops once η passes it, quota met or not (original: 50). */
  etaMax: number;
  /** Token embedding width of the encoder (original: 32 for NAO-WS; 6 tokens of 6 symbols need less). */
  embeddingSize: number;
  /** LSTM width of encoder and decoder; the embedding e_x lives in this many dimensions (original: 64–96). */
  hiddenSize: number;
  /** Predictor MLP: ReLU layers (original: 3). */
  mlpLayers: number;
  /** Predictor MLP: units per layer (original: 200). */
  mlpHidden: number;
  /** Predictor MLP: dropout after each ReLU layer (original: 0.1). */
  mlpDropout: number;
  /** λ in L = λ·L_pred + (1−λ)·L_rec (original: 0.8). */
  lambda: number;
  /** Adam learning rate (original: 1e-3). */
  lr: number;
  /** Adam weight decay, added to the gradient as in PyTorch's Adam (original: 1e-4). */
  weightDecay: number;
  /** Global gradient-norm clip (original: 5). */
  gradClip: number;
  /** Minibatch size of the encoder–predictor–decoder (original: 100, on pools of 600+). */
  batchSize: number;
  /** Epochs over the pool in the first round, from freshly initialised weights (original: 1000 every round). */
  epochs: number;
  /** Epochs in every later round, which starts from the previous round's weights (warm start). */
  warmEpochs: number;
  /**
   * How measured scores become the predictor's targets in [0, 1]: 'rank' (each cell's rank in the
   * pool over n − 1, ties averaged) or 'minmax' (the original: (v − min)/(max − min)). Rank is the
   * default because on NAS-Bench-201 it is what lets NAO beat random search (docs/nao.md).
   */
  targets: NaoTargets;
  /** Add each pool cell's equivalent encoding (nodes 1 and 2 swapped when edge 1→2 is "none"). */
  augment: boolean;
  /** NAO-WS: supernet steps per iteration, each on a cell drawn uniformly from the pool. */
  wsStepsPerIteration: number;
  /** NAO-WS: score the whole pool again with the shared weights each iteration (as the original does). */
  wsRescorePool: boolean;
  /** Cells per side of the grid on which the predictor's landscape is drawn. */
  landscapeGrid: number;
}

export const NAO_DEFAULTS: NaoSettings = {
  initialPool: 20,
  iterations: 10,
  newPerIteration: 10,
  topK: 20,
  etaStep: 1,
  etaMax: 50,
  embeddingSize: 16,
  hiddenSize: 32,
  mlpLayers: 3,
  mlpHidden: 64,
  mlpDropout: 0.1,
  lambda: 0.8,
  lr: 1e-3,
  weightDecay: 1e-4,
  gradClip: 5,
  batchSize: 8,
  epochs: 200,
  warmEpochs: 50,
  targets: 'rank',
  augment: true,
  wsStepsPerIteration: 100,
  wsRescorePool: true,
  landscapeGrid: 24,
};

/** One line per setting, for the page. */
export const NAO_SETTING_HELP: Record<keyof NaoSettings, string> = {
  initialPool: 'random cells evaluated first; the predictor starts from these',
  iterations: 'at most this many rounds of train → move seeds along the gradient → decode → evaluate (fewer when the budget runs out)',
  newPerIteration: 'the quota: new cells to find per round',
  topK: 'the best k measured cells are the seeds that get moved',
  etaStep: 'η grows by this much per decoding round (η = step, 2·step, …)',
  etaMax: 'give up on the quota once η passes this',
  embeddingSize: 'width of each token’s embedding',
  hiddenSize: 'LSTM width: the dimension of the continuous space',
  mlpLayers: 'ReLU layers in the predictor',
  mlpHidden: 'units per predictor layer',
  mlpDropout: 'dropout in the predictor while training',
  lambda: 'λ: weight of the prediction loss against reconstruction',
  lr: 'Adam learning rate',
  weightDecay: 'L2 weight decay inside Adam',
  gradClip: 'gradients are rescaled when their global norm exceeds this',
  batchSize: 'cells per training minibatch',
  epochs: 'passes over the pool in round 1, training from scratch',
  warmEpochs: 'passes over the pool in later rounds, which start from the previous weights',
  targets: 'rank: each cell’s rank in the pool becomes its target, so the predictor fits the order, not the outliers; minmax: scores scaled linearly to 0–1 (the original)',
  augment: 'also train on each cell’s equivalent encoding (nodes 1↔2 when edge 1→2 is none)',
  wsStepsPerIteration: 'NAO-WS: supernet steps per round, each on a cell drawn from the pool',
  wsRescorePool: 'NAO-WS: re-score the whole pool with the updated shared weights each round',
  landscapeGrid: 'resolution of the predictor landscape behind the embedding plot',
};

type Check = (v: number) => boolean;
const int = (min: number, max = Infinity): Check => (v) => Number.isInteger(v) && v >= min && v <= max;
const real = (lo: number, hi: number, loOpen = false): Check => (v) => Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && v <= hi;

const NUMERIC: Record<Exclude<keyof NaoSettings, 'augment' | 'wsRescorePool' | 'targets'>, [Check, string]> = {
  initialPool: [int(2, 10000), 'an integer ≥ 2'],
  iterations: [int(0, 1000), 'an integer ≥ 0'],
  newPerIteration: [int(1, 10000), 'an integer ≥ 1'],
  topK: [int(1, 10000), 'an integer ≥ 1'],
  etaStep: [real(0, 1e6, true), 'a number > 0'],
  etaMax: [real(0, 1e6, true), 'a number > 0'],
  embeddingSize: [int(1, 1024), 'an integer in [1, 1024]'],
  hiddenSize: [int(2, 1024), 'an integer in [2, 1024]'],
  mlpLayers: [int(0, 16), 'an integer in [0, 16]'],
  mlpHidden: [int(1, 4096), 'an integer in [1, 4096]'],
  mlpDropout: [real(0, 0.95), 'a number in [0, 0.95]'],
  lambda: [real(0, 1), 'a number in [0, 1]'],
  lr: [real(0, 1, true), 'a number in (0, 1]'],
  weightDecay: [real(0, 1), 'a number in [0, 1]'],
  gradClip: [real(0, 1e6, true), 'a number > 0'],
  batchSize: [int(1, 10000), 'an integer ≥ 1'],
  epochs: [int(0, 100000), 'an integer ≥ 0'],
  warmEpochs: [int(0, 100000), 'an integer ≥ 0'],
  wsStepsPerIteration: [int(0, 1e6), 'an integer ≥ 0'],
  landscapeGrid: [int(2, 200), 'an integer in [2, 200]'],
};

/** Merges `methodSettings.nao` over the defaults; throws one error naming every bad field. */
export function parseNaoSettings(raw: unknown): NaoSettings {
  const src = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const out: NaoSettings = { ...NAO_DEFAULTS };
  const errs: string[] = [];
  for (const [key, value] of Object.entries(src)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(NAO_DEFAULTS, key)) { // not `in`: "constructor" is in every object
      errs.push(`unknown setting ${quote(key)}`);
      continue;
    }
    const k = key as keyof NaoSettings;
    if (k === 'augment' || k === 'wsRescorePool') {
      if (typeof value !== 'boolean') errs.push(`${k} must be true or false (got ${clip(JSON.stringify(value))})`);
      else out[k] = value;
      continue;
    }
    if (k === 'targets') {
      if (value !== 'minmax' && value !== 'rank') errs.push(`targets must be "minmax" or "rank" (got ${clip(JSON.stringify(value))})`);
      else out.targets = value;
      continue;
    }
    const [ok, what] = NUMERIC[k];
    if (typeof value !== 'number' || !ok(value)) errs.push(`${k} must be ${what} (got ${clip(JSON.stringify(value))})`);
    else out[k] = value;
  }
  if (errs.length > 0) throw new Error(`NAO settings: ${errs.join('; ')}`);
  return out;
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
