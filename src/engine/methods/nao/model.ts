import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../core/rng';
import { SOS } from './encoding';

export interface EpdShape {
  vocab: number;
  seqLen: number;
  embeddingSize: number;
  hiddenSize: number;
  mlpLayers: number;
  mlpHidden: number;
  mlpDropout: number;
  /** Additive mask over the vocabulary applied while decoding greedily (−1e9 on forbidden tokens). */
  decodeMask: number[];
}

/** Initialisation of the original's PyTorch modules, drawn from the run's Rng. */
const ATTN_INIT = 0.04;

let uid = 0;

/** Trainable tensors in a fixed order — the order tf.train.adam keys its state by. */
class Params {
  readonly list: tf.Variable[] = [];
  constructor(private readonly rng: Rng) {}

  uniform(name: string, shape: number[], lim: number): tf.Variable {
    const r = this.rng.fork(name);
    const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < v.length; i++) v[i] = r.uniform(-lim, lim);
    return this.add(name, tf.tensor(v, shape));
  }

  normal(name: string, shape: number[], std: number): tf.Variable {
    return this.add(name, tf.tensor(this.rng.fork(name).normalArray(shape.reduce((a, b) => a * b, 1), std), shape));
  }

  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.zeros(shape));
  }

  private add(name: string, t: tf.Tensor): tf.Variable {
    // tfjs variable names are global: a unique suffix lets several models coexist (tests, benches).
    const v = tf.variable(t, true, `nao.${name}_${uid++}`);
    t.dispose();
    this.list.push(v);
    return v;
  }
}

interface Lstm {
  wx: tf.Variable;
  wh: tf.Variable;
  b: tf.Variable;
}

/** F.normalize(x, 2, dim=-1): x / max(‖x‖, 1e-12). */
export function l2Normalize<T extends tf.Tensor>(x: T): T {
  return tf.div(x, tf.maximum(tf.norm(x, 'euclidean', -1, true), 1e-12)) as T;
}

function lstmCell(p: Lstm, xw: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  // Gates laid out [i | f | o | g]: one sigmoid over the first three, tanh over the last.
  const H = h.shape[1];
  const [ifo, g] = tf.split(tf.add(xw, tf.matMul(h, p.wh)), [3 * H, H], 1);
  const [i, f, o] = tf.split(tf.sigmoid(ifo), 3, 1);
  const c2 = tf.add(tf.mul(f, c), tf.mul(i, tf.tanh(g))) as tf.Tensor2D;
  const h2 = tf.mul(o, tf.tanh(c2)) as tf.Tensor2D;
  return [h2, c2];
}

/**
 * NAO's encoder–predictor–decoder. Encoder: token embedding → 1-layer LSTM, every step's output
 * L2-normalised (h_t), e_x = normalise(mean_t h_t). Predictor: ReLU MLP with dropout → Linear(1)
 * → sigmoid. Decoder: 1-layer LSTM started from h0 = c0 = e_x, Luong "general" attention over
 * the h_t (score = dec_out·W·h_t; tanh(Linear([context, dec_out]))), Linear → log-softmax.
 */
export class EncoderPredictorDecoder {
  readonly params: Params;
  private readonly encEmb: tf.Variable;
  private readonly encLstm: Lstm;
  private readonly mlp: { w: tf.Variable; b: tf.Variable }[] = [];
  private readonly reg: { w: tf.Variable; b: tf.Variable };
  private readonly decEmb: tf.Variable;
  private readonly decLstm: Lstm;
  private readonly attnW: tf.Variable;
  private readonly attnOut: { w: tf.Variable; b: tf.Variable };
  private readonly out: { w: tf.Variable; b: tf.Variable };
  private readonly mask: tf.Tensor1D;

  constructor(
    readonly shape: EpdShape,
    rng: Rng,
  ) {
    const { vocab: V, embeddingSize: E, hiddenSize: H, mlpLayers, mlpHidden: M } = shape;
    const p = (this.params = new Params(rng));
    const k = 1 / Math.sqrt(H);
    const lstm = (name: string, nin: number): Lstm => ({
      wx: p.uniform(`${name}.wx`, [nin, 4 * H], k),
      wh: p.uniform(`${name}.wh`, [H, 4 * H], k),
      b: p.uniform(`${name}.b`, [4 * H], k),
    });
    const linear = (name: string, nin: number, nout: number) => ({
      w: p.uniform(`${name}.w`, [nin, nout], 1 / Math.sqrt(nin)),
      b: p.uniform(`${name}.b`, [nout], 1 / Math.sqrt(nin)),
    });
    this.encEmb = p.normal('encoder.embedding', [V, E], 1);
    this.encLstm = lstm('encoder.lstm', E);
    for (let l = 0; l < mlpLayers; l++) this.mlp.push(linear(`predictor.mlp${l}`, l === 0 ? H : M, M));
    this.reg = linear('predictor.out', mlpLayers === 0 ? H : M, 1);
    this.decEmb = p.normal('decoder.embedding', [V, H], 1);
    this.decLstm = lstm('decoder.lstm', H);
    this.attnW = p.uniform('decoder.attention.w', [H, H], ATTN_INIT);
    this.attnOut = { w: p.uniform('decoder.attention.out.w', [2 * H, H], ATTN_INIT), b: p.zeros('decoder.attention.out.b', [H]) };
    this.out = linear('decoder.out', H, V);
    this.mask = tf.tensor1d(shape.decodeMask);
  }

  get variables(): tf.Variable[] {
    return this.params.list;
  }

  /**
   * Embedding lookup as one-hot × table: the same numbers as a gather, but its gradient is a
   * matMul instead of tfjs-cpu's slow UnsortedSegmentSum. [B, T] tokens → [B·T, width].
   */
  private embed(table: tf.Variable, tokens: tf.Tensor): tf.Tensor2D {
    return tf.matMul(tf.oneHot(tf.reshape(tokens, [-1]) as tf.Tensor1D, this.shape.vocab), table as tf.Tensor2D);
  }

  /** Per-step encoder outputs h_t, each L2-normalised: [B, T, H]. */
  encodeSteps(tokens: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => {
      const [B, T] = tokens.shape;
      const H = this.shape.hiddenSize;
      const xw = tf.reshape(tf.add(tf.matMul(this.embed(this.encEmb, tokens), this.encLstm.wx), this.encLstm.b), [B, T, 4 * H]);
      const xs = tf.unstack(xw, 1) as tf.Tensor2D[];
      let h = tf.zeros([B, H]) as tf.Tensor2D;
      let c = tf.zeros([B, H]) as tf.Tensor2D;
      const outs: tf.Tensor2D[] = [];
      for (let t = 0; t < T; t++) {
        [h, c] = lstmCell(this.encLstm, xs[t], h, c);
        outs.push(h);
      }
      return l2Normalize(tf.stack(outs, 1) as tf.Tensor3D);
    });
  }

  /** e_x: the mean of the normalised steps, normalised again: [B, H]. */
  pool(steps: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => l2Normalize(tf.mean(steps, 1) as tf.Tensor2D));
  }

  /** f(e) in (0, 1): [B]. `dropoutSeed` switches training-mode dropout on. */
  predict(e: tf.Tensor2D, dropoutSeed?: () => number): tf.Tensor1D {
    return tf.tidy(() => {
      let x: tf.Tensor2D = e;
      for (const layer of this.mlp) {
        x = tf.relu(tf.add(tf.matMul(x, layer.w), layer.b)) as tf.Tensor2D;
        if (dropoutSeed && this.shape.mlpDropout > 0) x = tf.dropout(x, this.shape.mlpDropout, undefined, dropoutSeed()) as tf.Tensor2D;
      }
      return tf.reshape(tf.sigmoid(tf.add(tf.matMul(x, this.reg.w), this.reg.b)), [-1]) as tf.Tensor1D;
    });
  }

  /** Luong "general" attention for queries q [B, S, H] over the encoder steps [B, T, H], then the output layer. */
  private attendAndEmit(q: tf.Tensor3D, steps: tf.Tensor3D): tf.Tensor3D {
    const [B, S, H] = q.shape;
    const scores = tf.matMul(tf.reshape(tf.matMul(tf.reshape(q, [B * S, H]), this.attnW), [B, S, H]) as tf.Tensor3D, steps, false, true);
    const context = tf.matMul(tf.softmax(scores), steps);
    const mixed = tf.reshape(tf.concat([context, q], 2), [B * S, 2 * H]) as tf.Tensor2D;
    const attended = tf.tanh(tf.add(tf.matMul(mixed, this.attnOut.w), this.attnOut.b)) as tf.Tensor2D;
    return tf.reshape(tf.logSoftmax(tf.add(tf.matMul(attended, this.out.w), this.out.b)), [B, S, -1]) as tf.Tensor3D;
  }

  /** The decoder LSTM over known inputs [B, S] from state (e, e): its outputs [B, S, H]. */
  private decoderLstm(inputs: tf.Tensor2D, e: tf.Tensor2D): tf.Tensor3D {
    const [B, S] = inputs.shape;
    const H = this.shape.hiddenSize;
    const xw = tf.reshape(tf.add(tf.matMul(this.embed(this.decEmb, inputs), this.decLstm.wx), this.decLstm.b), [B, S, 4 * H]);
    const xs = tf.unstack(xw, 1) as tf.Tensor2D[];
    let h = e;
    let c = e;
    const outs: tf.Tensor2D[] = [];
    for (let t = 0; t < S; t++) {
      [h, c] = lstmCell(this.decLstm, xs[t], h, c);
      outs.push(h);
    }
    return tf.stack(outs, 1) as tf.Tensor3D;
  }

  /**
   * Teacher-forced reconstruction loss: input [SOS] + seq[:-1], target seq; mean NLL per token.
   * The decoder does not feed its attention output back (as in the original), so the LSTM runs
   * over the known inputs first and attention + output layer run on all steps at once.
   */
  reconstructionLoss(e: tf.Tensor2D, steps: tf.Tensor3D, tokens: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => {
      const [B, T] = tokens.shape;
      const inputs = tf.concat([tf.fill([B, 1], SOS, 'int32'), tf.slice(tokens, [0, 0], [B, T - 1])], 1) as tf.Tensor2D;
      const logp = this.attendAndEmit(this.decoderLstm(inputs, e), steps);
      const picked = tf.mul(logp, tf.oneHot(tokens, this.shape.vocab));
      return tf.div(tf.neg(tf.sum(picked)), B * T) as tf.Scalar;
    });
  }

  /** Greedy decoding constrained by the mask, from state e attending over `steps`: int32 [B, T]. */
  greedyDecode(e: tf.Tensor2D, steps: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => {
      const B = e.shape[0];
      const H = this.shape.hiddenSize;
      let h = e;
      let c = e;
      let input = tf.fill([B], SOS, 'int32') as tf.Tensor1D;
      const out: tf.Tensor1D[] = [];
      for (let t = 0; t < this.shape.seqLen; t++) {
        const xw = tf.add(tf.matMul(this.embed(this.decEmb, input), this.decLstm.wx), this.decLstm.b) as tf.Tensor2D;
        [h, c] = lstmCell(this.decLstm, xw, h, c);
        const logp = tf.reshape(this.attendAndEmit(tf.reshape(h, [B, 1, H]) as tf.Tensor3D, steps), [B, -1]);
        input = tf.argMax(tf.add(logp, this.mask), 1) as tf.Tensor1D;
        out.push(input);
      }
      return tf.stack(out, 1) as tf.Tensor2D;
    });
  }

  /** The three losses of one minibatch; `total` = λ·MSE + (1−λ)·NLL. */
  losses(tokens: tf.Tensor2D, targets: tf.Tensor1D, lambda: number, dropoutSeed: () => number): { total: tf.Scalar; mse: tf.Scalar; nll: tf.Scalar } {
    const steps = this.encodeSteps(tokens);
    const e = this.pool(steps);
    const pred = this.predict(e, dropoutSeed);
    const mse = tf.mean(tf.square(tf.sub(pred, targets))) as tf.Scalar;
    const nll = this.reconstructionLoss(e, steps, tokens);
    const total = tf.add(tf.mul(mse, lambda), tf.mul(nll, 1 - lambda)) as tf.Scalar;
    return { total, mse, nll };
  }

  dispose(): void {
    for (const v of this.params.list) v.dispose();
    this.params.list.length = 0;
    this.mask.dispose();
  }
}
