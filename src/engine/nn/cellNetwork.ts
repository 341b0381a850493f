import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../core/rng';
import { NB201_EDGES, NB201_NODES, type Nb201Cell } from '../spaces/nb201';
import type { MacroConfig } from './macro';
import { avgPool3x3 } from './pool';
import { batchNorm, type BnMode, type BnRecorder, type Mode, ParamStore, reluConvBn } from './params';

/**
 * The NB-201 network over a cell. With `shared` weights every edge keeps one weight set per op
 * and any cell can run through it (the weight-sharing supernet); a standalone network is the same
 * code with weights created only for the ops its cell uses.
 */
export class CellNetwork {
  readonly store: ParamStore;
  /** Op tags ('.e01.nor_conv_3x3.') whose weights exist already. */
  private built = new Set<string>();

  constructor(
    readonly macro: MacroConfig,
    rng: Rng,
    readonly bnMode: BnMode,
  ) {
    this.store = new ParamStore(rng);
  }

  forward(x: tf.Tensor4D, cell: Nb201Cell, mode: Mode, recorder?: BnRecorder): tf.Tensor2D {
    const { store, bnMode } = this;
    const C = this.macro.channels;
    const stem = store.conv('stem.conv', 3, x.shape[3], C);
    let h = batchNorm(store, 'stem.bn', tf.conv2d(x, stem as tf.Tensor4D, 1, 'same'), mode, bnMode, recorder);
    let c = C;
    for (let stage = 0; stage < 3; stage++) {
      if (stage > 0) {
        const co = c * 2;
        const a = reluConvBn(store, `red${stage}.a`, h, 3, co, 2, mode, bnMode, recorder);
        const b = reluConvBn(store, `red${stage}.b`, a, 3, co, 1, mode, bnMode, recorder);
        const sw = store.conv(`red${stage}.short`, 1, c, co);
        const short = tf.conv2d(tf.avgPool(h, 2, 2, 'same'), sw as tf.Tensor4D, 1, 'same');
        h = tf.add(short, b);
        c = co;
      }
      for (let n = 0; n < this.macro.cellsPerStage; n++) h = this.cell(`s${stage}.c${n}`, h, cell, mode, recorder);
    }
    h = tf.relu(batchNorm(store, 'head.bn', h, mode, bnMode, recorder));
    const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
    const wOut = store.dense('head.fc.w', c, this.macro.numClasses);
    const bOut = store.constant('head.fc.b', [this.macro.numClasses], 0);
    return tf.add(tf.matMul(pooled, wOut), bOut);
  }

  private cell(prefix: string, x: tf.Tensor4D, cell: Nb201Cell, mode: Mode, recorder?: BnRecorder): tf.Tensor4D {
    const nodes: tf.Tensor4D[] = [x];
    for (let j = 1; j < NB201_NODES; j++) {
      const parts: tf.Tensor4D[] = [];
      NB201_EDGES.forEach(([from, to], e) => {
        if (to !== j) return;
        const op = cell.ops[e];
        const inp = nodes[from];
        const name = `${prefix}.e${from}${to}.${op}`;
        if (op === 'skip_connect') parts.push(inp);
        else if (op === 'avg_pool_3x3') parts.push(avgPool3x3(inp));
        else if (op === 'nor_conv_1x1') parts.push(reluConvBn(this.store, name, inp, 1, inp.shape[3], 1, mode, this.bnMode, recorder));
        else if (op === 'nor_conv_3x3') parts.push(reluConvBn(this.store, name, inp, 3, inp.shape[3], 1, mode, this.bnMode, recorder));
        // 'none' contributes nothing
      });
      nodes.push(parts.length === 0 ? tf.zerosLike(x) : parts.length === 1 ? parts[0] : (tf.addN(parts) as tf.Tensor4D));
    }
    return nodes[NB201_NODES - 1];
  }

  /** Trainable variables a cell's path uses (built on first use). */
  pathVariables(cell: Nb201Cell): tf.Variable[] {
    const names = this.pathVariableNames(cell);
    return names.map((n) => this.store.vars.get(n)!);
  }

  pathVariableNames(cell: Nb201Cell): string[] {
    const opTag = (e: number) => `.e${NB201_EDGES[e][0]}${NB201_EDGES[e][1]}.${cell.ops[e]}.`;
    const used = new Set(cell.ops.map((_, e) => opTag(e)));
    if ([...used].some((t) => !this.built.has(t)) || this.store.vars.size === 0) {
      // Weights are created lazily by forward; one tiny pass builds whatever this path lacks.
      tf.tidy(() => {
        this.forward(tf.zeros([2, ...this.macro.inputShape]) as tf.Tensor4D, cell, 'train');
      });
      for (const t of used) this.built.add(t);
    }
    const wanted: string[] = [];
    for (const name of this.store.vars.keys()) {
      const m = /\.e\d\d\.[a-z0-9_]+\./.exec(name);
      if (!m || used.has(m[0])) wanted.push(name);
    }
    return wanted;
  }

  get parameterCount(): number {
    return this.store.count();
  }

  dispose(): void {
    this.store.dispose();
  }
}
