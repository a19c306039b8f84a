import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProducerExampleApp } from '../../examples/producer-app/producer-app';
import { buildProducerApp } from '../../lib/app';
import { ProducerBucket } from '../../lib/index';
import { onlyResource, SKIP_BUNDLING, synthApp } from './synth-app';

const tmp = () => mkdtempSync(join(tmpdir(), 'producer-cdk-'));

describe('Construct: ProducerBucket (the example producer app, as `npm run synth` builds it)', () => {
  let template: Template;
  let stack: Stack;
  let outdir: string;

  beforeAll(() => {
    outdir = tmp();
    const built = buildProducerExampleApp({ outdir });
    built.app.synth();
    stack = built.stack;
    template = Template.fromStack(stack);
  });

  it('is an encrypted, versioned, TLS-only, private bucket that sends its events to EventBridge, and is kept', () => {
    const [bucketId, bucket] = Object.entries(
      template.findResources('AWS::S3::Bucket', {
        Properties: { VersioningConfiguration: { Status: 'Enabled' } },
      }),
    )[0] as [string, { Properties: Record<string, unknown>; DeletionPolicy: string }];
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: bucketId },
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  it("forwards the bucket's Object Created events to the platform bus, with a dead-letter queue and alarm", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [{ Ref: Match.stringLikeRegexp('^OrdersBucket') }] } },
      },
      Targets: [
        Match.objectLike({
          Arn: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:111111111111:event-bus/data-mesh-dev'],
            ],
          },
          RoleArn: Match.anyValue(),
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersForwardDeadLetterQueue'), 'Arn'] },
          },
        }),
      ],
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
  });

  it("lets only the platform's tagged principals read the product prefix and quarantine in it", () => {
    const policy = onlyResource(template, 'AWS::S3::BucketPolicy', {
      Properties: { Bucket: { Ref: Match.stringLikeRegexp('^OrdersBucket(?!AccessLogs)') } },
    });
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    const platform = statements.filter((s) => String(s.Sid ?? '').startsWith('Platform'));
    expect(platform.map((s) => [s.Sid, s.Action])).toEqual([
      ['PlatformListsTheProductPrefix', 's3:ListBucket'],
      [
        'PlatformReadsTheProductFiles',
        ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging'],
      ],
      ['PlatformQuarantinesBadFiles', ['s3:PutObject', 's3:PutObjectTagging']],
      ['PlatformRemovesQuarantinedOriginals', ['s3:DeleteObject', 's3:DeleteObjectVersion']],
      ['PlatformAthenaQueriesReadTheProductFiles', ['s3:GetObject', 's3:ListBucket']],
    ]);
    expect(platform[4]?.Condition).toEqual({
      'ForAnyValue:StringEquals': { 'aws:CalledVia': ['athena.amazonaws.com'] },
    });
    for (const statement of platform.slice(0, 4)) {
      expect(statement.Principal).toEqual({
        AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] },
      });
      expect(statement.Condition).toMatchObject({
        StringEquals: { 'aws:PrincipalTag/data-mesh-platform': 'dev' },
      });
    }
    expect(platform[0]?.Condition).toMatchObject({ StringLike: { 's3:prefix': ['orders/*'] } });
    expect(JSON.stringify(platform[2]?.Resource)).toContain('/_quarantine/orders/*');
    expect(JSON.stringify(platform[1]?.Resource)).toContain('/orders/*');
    // TLS only.
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('registers bucket + prefix → product with the platform through its storage registration function', () => {
    const [, registration] = Object.entries(
      template.findResources('Custom::DataMeshStorageRegistration'),
    )[0] as [string, { Properties: Record<string, unknown>; DependsOn: string[]; DeletionPolicy: string }];
    expect(registration.Properties).toEqual({
      ServiceToken: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':lambda:eu-west-1:111111111111:function:data-mesh-dev-storage-registration',
          ],
        ],
      },
      ProductId: 'sales.orders',
      BucketName: { Ref: expect.stringMatching(/^OrdersBucket/) },
      Prefix: 'orders/',
    });
    expect(registration.DeletionPolicy).toBe('Delete');
    // Registered only once the platform can read the prefix.
    expect(registration.DependsOn).toEqual(
      expect.arrayContaining([expect.stringMatching(/^OrdersBucketPolicy/)]),
    );
  });

  it('passes cdk-nag AwsSolutions with per-resource, reasoned acknowledgements only', () => {
    const report = JSON.parse(readFileSync(join(outdir, VALIDATION_REPORT_FILE), 'utf8')) as {
      pluginReports: { violations: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  it('refuses an invalid product id or prefix at synth time, with the rule', () => {
    const scope = new Stack(new App(), 'Bad');
    const platform = { account: '111111111111', stage: 'dev' };
    expect(() => new ProducerBucket(scope, 'A', { productId: 'Sales Orders', platform })).toThrow(
      /not a product id/,
    );
    expect(() => new ProducerBucket(scope, 'B', { productId: 'orders', prefix: 'orders', platform })).toThrow(
      /must end with "\/"/,
    );
    expect(
      () => new ProducerBucket(scope, 'C', { productId: 'orders', prefix: '_quarantine/x/', platform }),
    ).toThrow(/_quarantine/);
  });
});

describe('The standalone producer stack (cdk deploy -c productId=… -c platform=…)', () => {
  it('builds one ProducerStack for the product, pointed at the platform of the context', () => {
    const { app, stack } = buildProducerApp({
      outdir: tmp(),
      env: { account: '333333333333', region: 'eu-west-1' },
      context: { productId: 'finance.ledger', platform: '{"account":"111111111111","stage":"prod"}' },
    });
    app.synth();
    expect(stack.stackName).toBe('DataMeshProducer-finance-ledger');
    Template.fromStack(stack).hasResourceProperties('Custom::DataMeshStorageRegistration', {
      ProductId: 'finance.ledger',
      Prefix: 'finance.ledger/',
    });
  });

  it('says what is missing in the context', () => {
    expect(() => buildProducerApp({ outdir: tmp(), context: { productId: 'x' } })).toThrow(
      /invalid platform context/,
    );
  });
});

describe('The platform side of producer storage (context producerAccounts)', () => {
  it("lets producer accounts put S3 events on the bus and invoke the registration function, and tags the platform's roles", () => {
    const built = synthApp({
      stage: 'test',
      context: { ...SKIP_BUNDLING, producerAccounts: ['222222222222'] },
    });
    built.statefulTemplate.hasResourceProperties('AWS::Events::EventBusPolicy', {
      StatementId: 'cdk-ProducerAccount222222222222',
      Statement: Match.objectLike({
        Action: 'events:PutEvents',
        Principal: { AWS: Match.anyValue() },
        Condition: { StringEquals: { 'events:source': 'aws.s3' } },
      }),
    });
    built.processingTemplate.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'data-mesh-test-storage-registration',
      Environment: {
        Variables: Match.objectLike({
          ALLOWED_ACCOUNTS: '222222222222',
        }),
      },
    });
    built.processingTemplate.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: '222222222222',
    });
    built.processingTemplate.hasResourceProperties('AWS::IAM::Role', {
      Tags: Match.arrayWith([{ Key: 'data-mesh-platform', Value: 'test' }]),
    });
    built.processingTemplate.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:ListBucket',
            // Producer accounts only: the platform's own buckets are not reachable through these grants.
            Condition: { StringEquals: { 's3:ResourceAccount': ['222222222222'] } },
          }),
        ]),
      },
    });
  });
});
