import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

/**
 * The measurement harnesses (scripts/harness/): hours of CPU that print and write figures rather
 * than assert, so they stay out of `npm test`. Run them through `npm run bench:…`, which sets the
 * environment variable each one is gated on.
 */
export default mergeConfig(base, defineConfig({ test: { include: ['scripts/harness/**/*.harness.ts'], testTimeout: 0, hookTimeout: 0 } }));
