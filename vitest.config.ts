import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores here and in CI: forks keep DuckDB and dynalite native handles isolated per file.
    pool: 'forks',
    coverage: {
      provider: 'v8',
      include: ['shared/**', 'functions/**'],
    },
  },
});
