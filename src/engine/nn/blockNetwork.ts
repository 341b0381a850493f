import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../core/rng';
import { BLOCK_OP_SPEC, type BlockArch, type BlockOp, type BlockSpace, blockInputShapes, layerShapes } from '../spaces/blocks';
import { batchNormPlain } from './blocks/bn';
import { type BnMode, type BnRecorder, type Mode, ParamStore } from './params';

/**
 * Networks over the block space. One class serves three uses:
 *  - a standalone network for one architecture (weights only for the ops it uses),
 *  - DNA's per-block student supernets (block b run alone on the teacher's features),
 *  - a weight-sharing supernet over whole architectures (one-shot; Cream's starting point).
 * Every layer keeps one weight set per op, named `b{block}.l{layer}.{op}.…`, so "which weights
 * does this path use" is a list of names, as in CellNetwork.
 */
export class BlockNetwork {
  readonly store: ParamStore;
  private readonly shapes: ReturnType<typeof layerShapes>;

  constructor(
    readonly space: BlockSpace,
    rng: Rng,
    readonly bnMode: BnMode,
  ) {
    this.store = new ParamStore(rng);
    this.shapes = layerShapes(space);
  }

  /** 3×3 conv → BN → ReLU on the image. */
  stem(x: tf.Tensor4D, mode: Mode, rec?: BnRecorder): tf.Tensor4D {
    return convBnRelu(this.store, 'stem', x, 3, this.space.stemChannels, 1, mode, this.bnMode, rec);
  }

  /** Block b's layers along one path (its input: the stem's or the previous block's output). */
  block(b: number, x: tf.Tensor4D, ops: readonly BlockOp[], mode: Mode, rec?: BnRecorder): tf.Tensor4D {
    let h = x;
    ops.forEach((op, l) => {
      const s = this.shapes[b][l];
      h = mbLayer(this.store, `b${b}.l${l}.${op}`, h, op, s.cout, s.stride, mode, this.bnMode, rec);
    });
    return h;
  }

  /** Global average pool → linear. */
  head(h: tf.Tensor4D): tf.Tensor2D {
    return linearHead(this.store, h, this.space.numClasses);
  }

  forward(x: tf.Tensor4D, arch: BlockArch, mode: Mode, rec?: BnRecorder): tf.Tensor2D {
    let h = this.stem(x, mode, rec);
    arch.blocks.forEach((ops, b) => {
      h = this.block(b, h, ops, mode, rec);
    });
    return this.head(h);
  }

  /**
   * DNA's student for block b: the block alone, fed the teacher's previous feature — except
   * block 1, which starts from the image and so includes the (fixed) stem.
   */
  student(b: number, x: tf.Tensor4D, ops: readonly BlockOp[], mode: Mode, rec?: BnRecorder): tf.Tensor4D {
    return this.block(b, b === 0 ? this.stem(x, mode, rec) : x, ops, mode, rec);
  }

  /** Trainable variables of a whole architecture (created on first use). */
  archVariables(arch: BlockArch): tf.Variable[] {
    this.ensure(() => this.forward(tf.zeros([2, ...this.space.inputShape]) as tf.Tensor4D, arch, 'train'), arch.blocks.flatMap((ops, b) => ops.map((op, l) => layerTag(b, l, op))), true, true);
    return this.select(arch.blocks.map((ops, b) => [b, ops] as const), true, true);
  }

  /** Trainable variables of DNA's student path for block b (the stem's too for block 1). */
  studentVariables(b: number, ops: readonly BlockOp[]): tf.Variable[] {
    const inShape = b === 0 ? this.space.inputShape : blockInputShapes(this.space)[b];
    this.ensure(() => this.student(b, tf.zeros([2, ...inShape]) as tf.Tensor4D, ops, 'train'), ops.map((op, l) => layerTag(b, l, op)), b === 0, false);
    return this.select([[b, ops]], b === 0, false);
  }

  get parameterCount(): number {
    return this.store.count();
  }

  dispose(): void {
    this.store.dispose();
  }

  private built = new Set<string>();

  /** Weights are created lazily by forward; one tiny pass builds whatever is missing. */
  private ensure(build: () => tf.Tensor, tags: string[], stem: boolean, head: boolean): void {
    const want = [...tags, ...(stem ? ['stem'] : []), ...(head ? ['head'] : [])];
    if (want.every((t) => this.built.has(t))) return;
    tf.tidy(() => {
      build();
    });
    for (const t of want) this.built.add(t);
  }

  private select(blocks: ReadonlyArray<readonly [number, readonly BlockOp[]]>, stem: boolean, head: boolean): tf.Variable[] {
    const prefixes = blocks.flatMap(([b, ops]) => ops.map((op, l) => `${layerTag(b, l, op)}.`));
    if (stem) prefixes.push('stem.');
    if (head) prefixes.push('head.');
    const out: tf.Variable[] = [];
    for (const [name, v] of this.store.vars) if (prefixes.some((p) => name.startsWith(p))) out.push(v);
    return out;
  }
}

const layerTag = (b: number, l: number, op: BlockOp) => `b${b}.l${l}.${op}`;

/** k×k conv → BN → ReLU. */
export function convBnRelu(store: ParamStore, name: string, x: tf.Tensor4D, k: number, cout: number, stride: number, mode: Mode, bnMode: BnMode, rec?: BnRecorder): tf.Tensor4D {
  const w = store.conv(`${name}.conv`, k, x.shape[3], cout);
  return tf.relu(batchNormPlain(store, `${name}.bn`, tf.conv2d(x, w as tf.Tensor4D, stride, 'same'), mode, bnMode, rec));
}

/**
 * One layer of the block space. MBConv (MobileNetV2's inverted residual): 1×1 expand → BN →
 * ReLU → k×k depthwise (stride) → BN → ReLU → 1×1 project → BN, plus the input when the shape
 * is kept. DNA's original ops add squeeze-excitation and swish, MobileNetV2 uses ReLU6; the
 * playground uses plain ReLU (half ReLU6's cost on the CPU backend) and no SE.
 */
export function mbLayer(store: ParamStore, name: string, x: tf.Tensor4D, op: BlockOp, cout: number, stride: number, mode: Mode, bnMode: BnMode, rec?: BnRecorder): tf.Tensor4D {
  const spec = BLOCK_OP_SPEC[op];
  if (!spec) return x; // skip (validated to keep the shape)
  const cin = x.shape[3];
  const hidden = cin * spec.expansion;
  const h = convBnRelu(store, `${name}.expand`, x, 1, hidden, 1, mode, bnMode, rec);
  // He-normal over the k·k taps each depthwise channel sees: created as [k,k,1,hidden] (fan-in k²), used as [k,k,hidden,1].
  const dw = store.conv(`${name}.dw.conv`, spec.kernel, 1, hidden).reshape([spec.kernel, spec.kernel, hidden, 1]) as tf.Tensor4D;
  const d = tf.relu(batchNormPlain(store, `${name}.dw.bn`, tf.depthwiseConv2d(h, dw, stride, 'same'), mode, bnMode, rec));
  const pw = store.conv(`${name}.project.conv`, 1, hidden, cout);
  const y = batchNormPlain(store, `${name}.project.bn`, tf.conv2d(d, pw as tf.Tensor4D, 1, 'same'), mode, bnMode, rec);
  return stride === 1 && cin === cout ? tf.add(x, y) : y;
}

export function linearHead(store: ParamStore, h: tf.Tensor4D, numClasses: number): tf.Tensor2D {
  const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
  const w = store.dense('head.fc.w', h.shape[3], numClasses);
  const bias = store.constant('head.fc.b', [numClasses], 0);
  return tf.add(tf.matMul(pooled, w), bias);
}
