import { expect, test } from '@playwright/test';
import { benchCounts } from './util';

/**
 * Issue #16: a training step on a GPU backend reads nothing back inside itself and compiles no
 * shader once the warm-up has run every op. The worker's `bench` command counts both over its
 * timed steps (evaluate/throughput.ts). SwiftShader here runs the same code path as a GPU, so
 * the counts hold for it; its speed says nothing about a GPU's. (WebGPU: e2e/webgpu.spec.ts.)
 */
test('webgl: no shader compiles after the warm-up and no read-back inside a training step', async ({ page }) => {
  // 12 random paths after the per-op warm-up: paths differ in how many kernels the L2 term sums,
  // which compiled a program per count while that sum was one addN (2 in the bench's 10 steps).
  const r = await benchCounts(page, 'webgl', { steps: 12, warmup: 0, batchSize: 16 });
  expect(r.backend).toBe('webgl');
  expect(r.shaderCompiles).toBe(0);
  // The loss every k steps as in a run (the first step's at once, the 10th row, the rest at the end) and the final sync.
  expect(r.readBacksScheduled).toBe(4);
  expect(r.readBacks).toBeLessThanOrEqual(r.readBacksScheduled);
  expect(r.tensorsAfter).toBe(r.tensorsBefore);
});
