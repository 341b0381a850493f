import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * npm run bench:browser: the in-browser measurements (throughput per backend, responsiveness),
 * kept out of npm test. WebGPU needs --enable-unsafe-webgpu in headless Chromium.
 */
export default defineConfig({
  ...base,
  testDir: 'scripts',
  testMatch: 'bench-browser.spec.ts',
  timeout: 900_000,
  use: { ...base.use, launchOptions: { ...base.use?.launchOptions, args: ['--no-sandbox', '--enable-unsafe-webgpu'] } },
});
