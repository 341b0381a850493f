import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * npm run bench:browser: the in-browser measurements (throughput per backend, responsiveness),
 * kept out of npm test. WebGPU needs --enable-unsafe-webgpu in headless Chromium, and
 * --enable-features=Vulkan as e2e/webgpu.spec.ts has it: without it SwiftShader's WebGPU refused a
 * 91,904-byte mappedAtCreation upload once the warm-up had built every op's weights.
 */
export default defineConfig({
  ...base,
  testDir: 'scripts',
  testMatch: 'bench-browser.spec.ts',
  timeout: 900_000,
  use: { ...base.use, launchOptions: { ...base.use?.launchOptions, args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan'] } },
});
