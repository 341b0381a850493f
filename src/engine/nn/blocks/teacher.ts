import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../core/rng';
import type { BlockSpace, BlockStage } from '../../spaces/blocks';
import { convBnRelu, linearHead } from '../blockNetwork';
import type { Cost } from '../../core/cost';
import { type BnRecorder, type Mode, ParamStore } from '../params';

/**
 * DNA's teacher: a plain CNN cut into the same blocks as the student space — the same stem, the
 * same widths and strides at every cut — so each teacher block's output is the target of one
 * student block and needs no adaptor. Each teacher layer is 3×3 conv → BN → ReLU (the first of
 * a block with the block's stride). The original used EfficientNet-B7 cut at its stages.
 */
export interface TeacherArch {
  inputShape: [number, number, number];
  stemChannels: number;
  stages: BlockStage[];
  numClasses: number;
}

export const TEACHER_LAYER = '3×3 conv → BN → ReLU (first layer of a block strided)';

export function teacherArchOf(space: BlockSpace): TeacherArch {
  return { inputShape: [...space.inputShape], stemChannels: space.stemChannels, stages: space.stages.map((s) => ({ ...s })), numClasses: space.numClasses };
}

export class TeacherNetwork {
  readonly store: ParamStore;

  constructor(
    readonly arch: TeacherArch,
    rng: Rng,
  ) {
    this.store = new ParamStore(rng);
  }

  stem(x: tf.Tensor4D, mode: Mode, rec?: BnRecorder): tf.Tensor4D {
    return convBnRelu(this.store, 'stem', x, 3, this.arch.stemChannels, 1, mode, 'running', rec);
  }

  block(b: number, x: tf.Tensor4D, mode: Mode, rec?: BnRecorder): tf.Tensor4D {
    const st = this.arch.stages[b];
    let h = x;
    for (let l = 0; l < st.layers; l++) h = convBnRelu(this.store, `t${b}.l${l}`, h, 3, st.channels, l === 0 ? st.stride : 1, mode, 'running', rec);
    return h;
  }

  forward(x: tf.Tensor4D, mode: Mode, rec?: BnRecorder): tf.Tensor2D {
    let h = this.stem(x, mode, rec);
    for (let b = 0; b < this.arch.stages.length; b++) h = this.block(b, h, mode, rec);
    return linearHead(this.store, h, this.arch.numClasses);
  }

  /**
   * The teacher's features at the cuts, in evaluation mode (running BatchNorm statistics):
   * [input of block 1 = the image (a clone, so it is disposed independently), output of block 1,
   * …, output of block `upTo`].
   */
  features(x: tf.Tensor4D, upTo = this.arch.stages.length - 1): tf.Tensor4D[] {
    const out: tf.Tensor4D[] = [tf.clone(x)];
    let h = this.stem(x, 'eval');
    for (let b = 0; b <= upTo; b++) {
      h = this.block(b, h, 'eval');
      out.push(h);
    }
    return out;
  }

  variables(): tf.Variable[] {
    if (this.store.vars.size === 0) {
      tf.tidy(() => {
        this.forward(tf.zeros([2, ...this.arch.inputShape]) as tf.Tensor4D, 'train');
      });
    }
    return [...this.store.vars.values()];
  }

  dispose(): void {
    this.store.dispose();
  }
}

export function teacherCost(arch: TeacherArch): Cost {
  let [h, w] = arch.inputShape;
  let c = arch.inputShape[2];
  let params = 0;
  let flops = 0;
  const conv = (co: number, stride: number) => {
    const ho = Math.ceil(h / stride);
    const wo = Math.ceil(w / stride);
    params += 9 * c * co + 2 * co;
    flops += 9 * c * co * ho * wo;
    c = co;
    h = ho;
    w = wo;
  };
  conv(arch.stemChannels, 1);
  for (const st of arch.stages) for (let l = 0; l < st.layers; l++) conv(st.channels, l === 0 ? st.stride : 1);
  params += c * arch.numClasses + arch.numClasses;
  flops += c * arch.numClasses;
  return { params, flops };
}
