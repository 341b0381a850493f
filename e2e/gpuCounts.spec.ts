import { test } from '@playwright/test';
import { expectCleanGpuSteps } from './util';

/**
 * Issue #16: a training step on a GPU backend reads nothing back inside itself and compiles no
 * shader once the warm-up has run every op. The worker's `bench` command counts both over its
 * timed steps (evaluate/throughput.ts). SwiftShader here runs the same code path as a GPU, so
 * the counts hold for it; its speed says nothing about a GPU's. (WebGPU: e2e/webgpu.spec.ts.)
 */
test('webgl: no shader compiles after the warm-up and no read-back inside a training step', async ({ page }) => {
  await expectCleanGpuSteps(page, 'webgl');
});
