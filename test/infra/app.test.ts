import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';
import { SKIP_BUNDLING } from './synth-app';

describe('Function: buildApp', () => {
  it('builds DataMesh-<stage>-Stateful and DataMesh-<stage>-Processing, stage dev by default', () => {
    const { stage, stateful, processing } = buildApp({ context: SKIP_BUNDLING });
    expect(stage).toBe('dev');
    expect(stateful.stackName).toBe('DataMesh-dev-Stateful');
    expect(processing.stackName).toBe('DataMesh-dev-Processing');
  });

  it('takes the stage from the `stage` context', () => {
    const { stateful, processing } = buildApp({ context: { ...SKIP_BUNDLING, stage: 'prod' } });
    expect(stateful.stackName).toBe('DataMesh-prod-Stateful');
    expect(processing.stackName).toBe('DataMesh-prod-Processing');
  });

  it('rejects a stage that cannot be part of resource names', () => {
    expect(() => buildApp({ stage: 'Prod_1', context: SKIP_BUNDLING })).toThrow(/invalid stage "Prod_1"/);
  });

  it('is environment-agnostic unless given an environment', () => {
    const agnostic = buildApp({ context: SKIP_BUNDLING });
    expect(agnostic.stateful.environment).toBe('aws://unknown-account/unknown-region');
    const pinned = buildApp({
      env: { account: '123456789012', region: 'eu-west-1' },
      context: SKIP_BUNDLING,
    });
    expect(pinned.stateful.environment).toBe('aws://123456789012/eu-west-1');
    expect(pinned.processing.environment).toBe('aws://123456789012/eu-west-1');
  });

  it('deploys the processing stack after the stateful stack it references', () => {
    const { app, stateful, processing } = buildApp({ context: SKIP_BUNDLING });
    const assembly = app.synth();
    expect(assembly.getStackArtifact(processing.artifactId).dependencies.map((d) => d.id)).toContain(
      stateful.artifactId,
    );
  });

  it('applies the cdk.json feature flags, as `cdk synth` does', () => {
    const { app } = buildApp({ context: SKIP_BUNDLING });
    expect(app.node.tryGetContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy')).toBe(true);
  });
});
