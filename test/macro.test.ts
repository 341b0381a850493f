import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/core/rng';
import { CellNetwork } from '../src/engine/nn/cellNetwork';
import { defaultMacro, nb201Cost } from '../src/engine/nn/macro';
import { cellFromString, sampleCell } from '../src/engine/spaces/nb201';
import { cpu } from './helpers';

describe('macro network and cost model', () => {
  beforeAll(() => cpu());

  it('counts exactly the parameters a standalone network creates', () => {
    const rng = new Rng(2);
    for (const dataset of ['digits', 'fashion'] as const) {
      const macro = defaultMacro(dataset);
      for (let i = 0; i < 6; i++) {
        const cell = sampleCell(rng);
        const net = new CellNetwork(macro, rng.fork(`n${i}`), 'running');
        net.pathVariables(cell);
        expect(net.parameterCount).toBe(nb201Cost(cell, macro).params);
        net.dispose();
      }
    }
  });

  it('orders cells by cost the way their ops say (conv3x3 > conv1x1 > parameter-free)', () => {
    const m = defaultMacro('digits');
    const c3 = nb201Cost(cellFromString('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'), m);
    const c1 = nb201Cost(cellFromString('|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|'), m);
    const c0 = nb201Cost(cellFromString('|skip_connect~0|+|avg_pool_3x3~0|none~1|+|skip_connect~0|none~1|avg_pool_3x3~2|'), m);
    expect(c3.params).toBeGreaterThan(c1.params);
    expect(c1.params).toBeGreaterThan(c0.params);
    expect(c3.flops).toBeGreaterThan(c1.flops);
    expect(c1.flops).toBeGreaterThan(c0.flops);
  });

  it('produces logits of the right shape on both datasets', () => {
    for (const dataset of ['digits', 'fashion'] as const) {
      const macro = defaultMacro(dataset);
      const net = new CellNetwork(macro, new Rng(1), 'batch');
      const cell = sampleCell(new Rng(9));
      const out = tf.tidy(() => net.forward(tf.zeros([3, ...macro.inputShape]) as tf.Tensor4D, cell, 'train'));
      expect(out.shape).toEqual([3, 10]);
      out.dispose();
      net.dispose();
    }
  });
});
