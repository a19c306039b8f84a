#!/usr/bin/env node
// The `mesh` CLI. The platform is TypeScript run as-is through tsx, so there is no build step to forget.
import { register } from 'tsx/esm/api';

// Developers run Node 20; the Lambda functions run on Node 22. The SDK's upgrade reminder is noise locally.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// s3rver (the local S3 server) uses a deprecated Node API; keep every other warning visible.
const [defaultWarningHandler] = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.code !== 'DEP0066') defaultWarningHandler?.(warning);
});
register();
const { main } = await import('../functions/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
