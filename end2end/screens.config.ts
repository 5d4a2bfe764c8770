import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// Screenshots of the main pages at 360 × 740 for docs/screens/ (scripts/screens.sh), not tests.
export default defineConfig({
  ...base,
  testDir: './screens',
  projects: [{ name: 'phone', use: { javaScriptEnabled: true } }],
});
