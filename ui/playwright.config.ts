import { defineConfig } from '@playwright/test';

/**
 * Browser tests against a real cd4mm-server serving the built UI (see
 * e2e/global-setup.ts). Chromium is Debian's: no browser download.
 */
export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/output',
  globalSetup: './e2e/global-setup.ts',
  timeout: 120_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    screenshot: 'on',
    trace: 'retain-on-failure',
    viewport: { width: 1366, height: 768 },
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
