import { describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/core/rng';
import * as tf from '@tensorflow/tfjs';
import { BlockNetwork, mbLayer } from '../src/engine/nn/blockNetwork';
import { ParamStore } from '../src/engine/nn/params';
import { teacherCost, TeacherNetwork, teacherArchOf } from '../src/engine/nn/blocks/teacher';
import {
  blockArchAt,
  blockArchCost,
  blockArchFromJson,
  blockArchFromString,
  blockArchIndex,
  blockArchToJson,
  blockPaths,
  blockSpaceSize,
  type BlockSpace,
  defaultBlockSpace,
  describeBlockSpace,
  fixedCost,
  formatBlockArch,
  layerOpCost,
  layerShapes,
  mutateBlockArch,
  parseBlockArch,
  pathCost,
  sampleBlockArch,
  validateBlockArch,
} from '../src/engine/spaces/blocks';
import { cpu } from './helpers';

const digits = defaultBlockSpace('digits');
const withSkip: BlockSpace = defaultBlockSpace('fashion', ['mb3_k3', 'mb6_k5', 'skip']);

describe('the block search space', () => {
  it('has 3 blocks × 2 layers × 4 ops = 4096 architectures, 16 paths per block, by default', () => {
    expect(blockSpaceSize(digits)).toBe(4096);
    expect(digits.stages.map((_, b) => blockPaths(digits, b).length)).toEqual([16, 16, 16]);
    expect(describeBlockSpace(digits)).toBe('3 blocks × 2 layers, 4 ops: 4096 architectures (16 paths per block)');
    // skip only where the shape is kept: block 1 keeps the stem's 8 channels at stride 1, blocks 2 and 3 change both in their first layer
    expect(withSkip.stages.map((_, b) => blockPaths(withSkip, b).length)).toEqual([9, 6, 6]);
  });

  it('round-trips architectures through the string, the JSON form and the index', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 50; i++) {
      const a = sampleBlockArch(digits, rng);
      const s = formatBlockArch(a);
      expect(parseBlockArch(s, digits)).toEqual({ ok: true, arch: a });
      expect(blockArchAt(digits, blockArchIndex(a, digits))).toEqual(a);
      const json = blockArchToJson(a, digits);
      const back = blockArchFromJson(JSON.parse(JSON.stringify(json)));
      expect(back.arch).toEqual(a);
      expect(back.space.stages).toEqual(digits.stages);
    }
    expect(formatBlockArch(blockArchAt(digits, 0))).toBe('mb3_k3-mb3_k3|mb3_k3-mb3_k3|mb3_k3-mb3_k3');
    expect(formatBlockArch(blockArchAt(digits, 4095))).toBe('mb6_k5-mb6_k5|mb6_k5-mb6_k5|mb6_k5-mb6_k5');
  });

  it('says exactly what is wrong with a malformed architecture', () => {
    const bad = (s: string, space = digits) => {
      const r = parseBlockArch(s, space);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.reason;
    };
    expect(bad('mb3_k3-mb3_k3|mb3_k3-mb3_k3')).toContain('expected 3 blocks');
    // "," between layers is read too (the canonical form uses "-", which needs no quoting in a CSV)
    expect(parseBlockArch('mb3_k3,mb6_k5|mb3_k3,mb3_k3|mb3_k3,mb3_k3', digits)).toEqual({ ok: true, arch: blockArchFromString('mb3_k3-mb6_k5|mb3_k3-mb3_k3|mb3_k3-mb3_k3', digits) });
    expect(bad('mb3_k3|mb3_k3,mb3_k3|mb3_k3,mb3_k3')).toContain('block 1 has 2 layers, got 1');
    expect(bad('mb3_k3,conv|mb3_k3,mb3_k3|mb3_k3,mb3_k3')).toContain('unknown op "conv"');
    expect(bad('mb3_k3,skip|mb3_k3,mb3_k3|mb3_k3,mb3_k3')).toContain('not in this space');
    expect(bad('skip,skip|skip,skip|mb3_k3,mb3_k3', withSkip)).toContain('block 2, layer 1: skip is not allowed where the shape changes (8→16 channels, stride 2)');
    expect(parseBlockArch('skip,skip|mb6_k5,skip|mb3_k3,mb3_k3', withSkip).ok).toBe(true);
    expect(validateBlockArch({ blocks: [['mb3_k3']] }, digits)).toContain('3 blocks');
  });

  it('samples uniformly over the allowed ops and mutates exactly one layer', () => {
    const rng = new Rng(9);
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const a = sampleBlockArch(withSkip, rng);
      expect(validateBlockArch(a, withSkip)).toBeNull();
      const k = `${a.blocks[0][1]}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    for (const op of ['mb3_k3', 'mb6_k5', 'skip']) expect(counts.get(op)! / 4000).toBeGreaterThan(0.3);
    for (let i = 0; i < 100; i++) {
      const a = sampleBlockArch(withSkip, rng);
      const m = mutateBlockArch(a, withSkip, rng);
      expect(validateBlockArch(m, withSkip)).toBeNull();
      const diffs = a.blocks.flatMap((ops, b) => ops.filter((op, l) => m.blocks[b][l] !== op));
      expect(diffs).toHaveLength(1);
    }
  });

  it('counts parameters exactly (checked against the built networks) and FLOPs by hand', async () => {
    await cpu();
    const rng = new Rng(4);
    for (const space of [digits, withSkip]) {
      for (let i = 0; i < 6; i++) {
        const a = sampleBlockArch(space, rng);
        const net = new BlockNetwork(space, rng.fork(`n${i}`), 'running');
        net.archVariables(a);
        expect(net.parameterCount).toBe(blockArchCost(a, space).params);
        net.dispose();
      }
    }
    const t = new TeacherNetwork(teacherArchOf(digits), new Rng(1));
    t.variables();
    expect(t.store.count()).toBe(teacherCost(t.arch).params);
    t.dispose();
    // Block 2, layer 1 on the digits: 8→16 channels, stride 2, 8×8 in, 4×4 out; mb6_k5: hidden 48.
    const s = layerShapes(digits)[1][0];
    expect(s).toEqual({ cin: 8, cout: 16, stride: 2, hin: 8, win: 8, hout: 4, wout: 4 });
    expect(layerOpCost('mb6_k5', s)).toEqual({
      params: 8 * 48 + 2 * 48 + 25 * 48 + 2 * 48 + 48 * 16 + 2 * 16,
      flops: 8 * 48 * 64 + 25 * 48 * 16 + 48 * 16 * 16,
    });
    expect(fixedCost(digits)).toEqual({ params: 9 * 8 + 16 + 24 * 10 + 10, flops: 9 * 8 * 64 + 24 * 10 });
    const a = blockArchFromString('mb3_k3,mb6_k5|mb6_k3,mb3_k5|mb3_k3,mb3_k3', digits);
    const sum = [0, 1, 2].reduce((acc, b) => acc + pathCost(digits, b, a.blocks[b]).flops, fixedCost(digits).flops);
    expect(blockArchCost(a, digits).flops).toBe(sum);
  });
});

describe('the pointwise MBConv ops (issue #17: a block space that varies the receptive field)', () => {
  it('mb3_k1 and mb6_k1 mix no pixels, while a 3×3 MBConv reads its neighbours; their cost counts a 1×1 depthwise', async () => {
    await cpu();
    const x = tf.tensor4d(new Rng(3).fork('x').normalArray(7 * 7 * 4, 1), [1, 7, 7, 4]);
    // Which input pixels the output pixel (3, 3) depends on: the support of its gradient.
    const support = (op: 'mb3_k1' | 'mb6_k1' | 'mb6_k3') => {
      const store = new ParamStore(new Rng(1));
      const mag = tf.tidy(() => tf.grad((inp: tf.Tensor) => mbLayer(store, 'l', inp as tf.Tensor4D, op, 4, 1, 'eval', 'running').slice([0, 3, 3, 0], [1, 1, 1, 4]).sum())(x).abs().sum(3).arraySync() as number[][][]);
      const out = mag[0].flatMap((row, i) => row.flatMap((v, j) => (v > 0 ? [[i, j]] : [])));
      store.dispose();
      return out;
    };
    expect(support('mb3_k1')).toEqual([[3, 3]]);
    expect(support('mb6_k1')).toEqual([[3, 3]]);
    const k3 = support('mb6_k3');
    expect(k3.every(([i, j]) => Math.abs(i - 3) <= 1 && Math.abs(j - 3) <= 1)).toBe(true);
    expect(k3.length).toBeGreaterThan(1);
    x.dispose();
    const s = layerShapes(withSkip)[1][0]; // 8→16, stride 2, 14×14 → 7×7 on Fashion
    expect(layerOpCost('mb6_k1', s)).toEqual({
      params: 8 * 48 + 2 * 48 + 48 + 2 * 48 + 48 * 16 + 2 * 16,
      flops: 8 * 48 * 196 + 48 * 49 + 48 * 16 * 49,
    });
  });
});
