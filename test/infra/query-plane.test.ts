import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { platformRules } from '../../events/rules';
import { QueryPlane } from '../../lib/constructs/query-plane';
import { flattenCfnReference } from '../../lib/nag';
import { onlyResource, SKIP_BUNDLING } from './synth-app';

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

const build = (databasePrefix?: string) => {
  const app = new App({ context: SKIP_BUNDLING, outdir: mkdtempSync(join(tmpdir(), 'query-plane-cdk-')) });
  const stack = new Stack(app, 'QueryPlaneTest', { env: { account: '123456789012', region: 'eu-west-1' } });
  const bus = new EventBus(stack, 'Bus');
  const table = new Table(stack, 'Registry', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  const plane = new QueryPlane(stack, 'QueryPlane', {
    stage: 'test',
    bus,
    table,
    ...(databasePrefix ? { databasePrefix } : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack, plane };
};

describe('Construct: QueryPlane', () => {
  let built: ReturnType<typeof build>;
  let template: Template;

  beforeAll(() => {
    built = build();
    built.app.synth();
    template = Template.fromStack(built.stack);
  });

  const statements = () => {
    const policies = template.findResources('AWS::IAM::Policy');
    return Object.values(policies).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
    );
  };
  const resourcesOf = (action: string) =>
    statements()
      .filter((s) => [s.Action].flat().includes(action))
      .flatMap((s) => [s.Resource].flat())
      .map(flattenCfnReference);

  it('keeps manifests and results in an encrypted, TLS-only, private bucket; results expire after 30 days', () => {
    const bucket = onlyResource(template, 'AWS::S3::Bucket');
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: expect.arrayContaining([
          { Id: 'expire-query-results', Prefix: 'results/', ExpirationInDays: 30, Status: 'Enabled' },
        ]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('runs an Athena workgroup that enforces its encrypted result location', () => {
    const workGroup = onlyResource(template, 'AWS::Athena::WorkGroup');
    expect(workGroup.Properties).toMatchObject({
      Name: 'data-mesh-test',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } },
      },
    });
    const location = flattenCfnReference(
      (
        workGroup.Properties as {
          WorkGroupConfiguration: { ResultConfiguration: { OutputLocation: unknown } };
        }
      ).WorkGroupConfiguration.ResultConfiguration.OutputLocation,
    );
    expect(location).toMatch(/^s3:\/\/<QueryPlaneBucket[A-F0-9]+>\/results\/$/);
    template.hasOutput('*', { Value: { Ref: Match.stringLikeRegexp('QueryPlaneWorkGroup') } });
  });

  it('routes the query events to the query-sync function with the rule of events/rules.ts', () => {
    const spec = platformRules().find((r) => r.handler === 'query-sync');
    const rule = onlyResource(template, 'AWS::Events::Rule');
    expect(rule.Properties.EventPattern).toEqual(spec?.pattern);
    expect(rule.Properties.EventPattern).toEqual({
      source: ['datamesh.platform'],
      'detail-type': ['Data Product Version Published', 'Data Product Updated', 'Data Product Deprecated'],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      // One sync at a time, so an older manifest is never written last.
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: Match.objectLike({
          GLUE_DATABASE_PREFIX: 'data_mesh',
          QUERY_BUCKET_NAME: Match.anyValue(),
          TABLE_NAME: Match.anyValue(),
        }),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'data-mesh-test-query-plane-dlq-not-empty',
      AlarmDescription: Match.stringLikeRegexp('Runbook: 1\\)'),
    });
  });

  it('lets the function touch only the prefixed Glue databases, their tables and the manifests', () => {
    const glue = 'arn:<AWS::Partition>:glue:eu-west-1:123456789012';
    for (const action of ['glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable']) {
      expect(resourcesOf(action).sort()).toEqual(
        [`${glue}:catalog`, `${glue}:database/data_mesh_*`, `${glue}:table/data_mesh_*/*`].sort(),
      );
    }
    for (const action of ['glue:GetDatabase', 'glue:CreateDatabase']) {
      expect(resourcesOf(action).sort()).toEqual([`${glue}:catalog`, `${glue}:database/data_mesh_*`].sort());
    }
    expect(resourcesOf('s3:PutObject')).toEqual([
      expect.stringMatching(/^<QueryPlaneBucket[A-F0-9]+\.Arn>\/manifests\/\*$/),
    ]);
    expect(statements().some((s) => [s.Action].flat().some((a) => /^glue:(Delete|\*)/.test(a)))).toBe(false);
    expect(resourcesOf('dynamodb:PutItem')).toEqual([]);
    expect(resourcesOf('dynamodb:GetItem').length).toBeGreaterThan(0);
  });

  it('scopes Glue access to another prefix when given one', () => {
    const other = build('analytics');
    const policy = JSON.stringify(Template.fromStack(other.stack).findResources('AWS::IAM::Policy'));
    expect(policy).toContain('database/analytics_*');
    expect(policy).not.toContain('data_mesh_*');
  });

  it('refuses a database prefix Glue could not name databases with', () => {
    expect(() => build('Data-Mesh')).toThrow(/databasePrefix "Data-Mesh"/);
  });

  it('passes cdk-nag AwsSolutions with per-resource acknowledgements that give reasons', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(built.app);
    expect(report.violations).toEqual([]);
    const acknowledged = built.app.node
      .findAll()
      .flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((m) =>
            Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ c, id, reason })),
          ),
      );
    const ids = acknowledged.map((a) => a.id.replace(/^Annotation::/, ''));
    expect(ids).toContain('AwsSolutions-S1');
    // Wildcards are acknowledged one resource at a time: the prefixed databases, their tables, the manifests.
    expect(ids).toEqual(
      expect.arrayContaining([
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:eu-west-1:123456789012:database/data_mesh_*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:eu-west-1:123456789012:table/data_mesh_*/*]',
      ]),
    );
    expect(ids.filter((id) => id === 'AwsSolutions-IAM5[Resource::*]')).toHaveLength(1);
    for (const { c, id, reason } of acknowledged) {
      expect(c instanceof App || Stack.isStack(c), `${c.node.path}: ${id}`).toBe(false);
      expect(reason.length, id).toBeGreaterThanOrEqual(20);
    }
  });
});
