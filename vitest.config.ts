import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    // Two cores on CI: keep workers bounded so SQLite/Redis tests don't starve each other.
    maxWorkers: 2,
    testTimeout: 20_000,
    reporters: ['default', './test/summary-reporter.ts'],
    hookTimeout: 30_000,
  },
});
