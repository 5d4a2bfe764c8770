import { defineConfig } from '@playwright/test';

// The server is started by scripts/test.sh (a fresh SQLite database with the demo network)
// and its address handed over in TIMEWEAVE_E2E_URL.
export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: process.env.TIMEWEAVE_E2E_URL ?? 'http://127.0.0.1:3100',
    viewport: { width: 360, height: 740 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'javascript-on', use: { javaScriptEnabled: true } },
    { name: 'javascript-off', use: { javaScriptEnabled: false } },
  ],
});
