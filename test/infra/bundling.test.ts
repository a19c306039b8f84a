import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';

describe('Bundling: every function', () => {
  it('bundles each handler with the local esbuild into a loadable ESM asset with a source map', () => {
    // Prepare: the real app, bundling on (no bundling-stacks context).
    const { app, processing } = buildApp({
      stage: 'test',
      outdir: mkdtempSync(join(tmpdir(), 'data-mesh-bundle-')),
    });

    // Act
    const assembly = app.synth();

    // Assess: the function's code is the staged asset `asset.<hash>/` holding index.mjs and its map.
    const functions = Object.values(
      Template.fromStack(processing).findResources('AWS::Lambda::Function'),
    ) as {
      Properties: { Code: { S3Key: string } };
    }[];
    // contract-uploaded, data-uploaded, git-webhook, git-push-received, catalog-sync, notify-fan-out,
    // notify-deliver, subscriptions-api, storage-registration, query-sync.
    expect(functions).toHaveLength(10);
    for (const fn of functions) {
      const assetDir = join(assembly.directory, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
      const bundle = join(assetDir, 'index.mjs');
      expect(existsSync(bundle)).toBe(true);
      expect(existsSync(`${bundle}.map`)).toBe(true);
      const code = readFileSync(bundle, 'utf8');
      expect(code.startsWith("import { createRequire } from 'module';")).toBe(true);
      // The SDK v3 is inside the bundle, not expected from the runtime.
      expect(code).toContain('@aws-sdk/client-dynamodb');
      // The ESM bundle loads in Node (no missing `require`, no unresolved import) and exports the handler.
      const exported = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(bundle)}); console.log(typeof m.handler);`,
        ],
        { encoding: 'utf8' },
      );
      expect(exported.trim()).toBe('function');
    }
  }, 120_000); // Every function bundled by esbuild: ~20 s alone, more beside the rest of the suite on two cores.
});
