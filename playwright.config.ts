import { defineConfig } from '@playwright/test';

/**
 * End-to-end specs run against the built app (`vite build` then `vite preview`) in Debian's
 * Chromium: Playwright cannot download its own browsers here. CHROMIUM_PATH overrides the path.
 */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** PW_PORT lets two checkouts (git worktrees) run their specs at once, each against its own build. */
const port = Number(process.env.PW_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  timeout: 240_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    launchOptions: { executablePath, args: ['--no-sandbox'] },
    acceptDownloads: true,
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
