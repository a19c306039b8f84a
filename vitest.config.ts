import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CDK synthesis with bundling and the dynalite/s3rver servers are heavy: two workers fit 2 cores.
    maxWorkers: 2,
    // The dev machines run Node 20; the Lambda runtime is Node 22. The SDK's reminder is noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', LOG_LEVEL: 'ERROR' },
  },
});
