import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CDK synthesis with bundling and the dynalite/s3rver servers are heavy: two workers fit 2 cores.
    maxWorkers: 2,
  },
});
