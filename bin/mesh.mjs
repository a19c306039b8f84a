#!/usr/bin/env node
// The `mesh` CLI. The platform is TypeScript run as-is through tsx, so there is no build step to forget.
//
// `npm start` runs this with `--max-semi-space-size=64` (V8 fixes it when the process starts): `mesh start`
// runs every handler in one process, and under a burst (a version fanned out to 1,000 webhooks, hundreds of
// deliveries in flight) the default 16 MB semi-spaces fill every few tens of milliseconds while most young
// objects are still live, so each scavenge copies them (8-13 ms each, about a sixth of the process's CPU). With
// 64 MB the bench's fan-out scavenged 121 times instead of 391, in 1.2 s of CPU instead of 2.8 s, and the
// process peaked at 431 MiB instead of 357 MiB. The other commands keep V8's default: a validation's young
// objects die young, and its memory is a target.
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
