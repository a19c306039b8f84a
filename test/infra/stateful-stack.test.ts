import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { onlyResource, type SynthesizedApp, synthApp } from './synth-app';

describe('Stack: StatefulStack', () => {
  let built: SynthesizedApp;
  beforeAll(() => {
    built = synthApp({ stage: 'test' });
  });

  describe('platform bus', () => {
    it('is named data-mesh-<stage>', () => {
      built.statefulTemplate.resourceCountIs('AWS::Events::EventBus', 1);
      built.statefulTemplate.hasResourceProperties('AWS::Events::EventBus', { Name: 'data-mesh-test' });
    });

    it('archives every event of the bus for 30 days (no pattern)', () => {
      const bus = onlyResource(built.statefulTemplate, 'AWS::Events::EventBus');
      const archive = onlyResource(built.statefulTemplate, 'AWS::Events::Archive');
      expect(archive.Properties).toEqual({
        ArchiveName: 'data-mesh-test',
        SourceArn: { 'Fn::GetAtt': [bus.logicalId, 'Arn'] },
        RetentionDays: 30,
        Description: expect.stringContaining('replay'),
      });
      expect(built.stateful.archiveName).toBe('data-mesh-test');
    });
  });

  describe('data bucket', () => {
    const dataBucket = () =>
      onlyResource(built.statefulTemplate, 'AWS::S3::Bucket', {
        Properties: { VersioningConfiguration: Match.anyValue() },
      });

    it('is versioned, encrypted, private and retained', () => {
      const bucket = dataBucket();
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
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.UpdateReplacePolicy).toBe('Retain');
    });

    it('sends its events to EventBridge', () => {
      const bucket = dataBucket();
      built.statefulTemplate.hasResourceProperties('Custom::S3BucketNotifications', {
        BucketName: { Ref: bucket.logicalId },
        NotificationConfiguration: { EventBridgeConfiguration: {} },
      });
    });

    it('writes server access logs to a separate, private, TLS-only bucket', () => {
      const bucket = dataBucket();
      const logging = bucket.Properties.LoggingConfiguration as { DestinationBucketName: { Ref: string } };
      const logBucketId = logging.DestinationBucketName.Ref;
      expect(logBucketId).not.toBe(bucket.logicalId);
      const logBucket = built.statefulTemplate.toJSON().Resources[logBucketId];
      expect(logBucket.Properties.PublicAccessBlockConfiguration.BlockPublicPolicy).toBe(true);
      expect(logBucket.DeletionPolicy).toBe('Retain');
      built.statefulTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logBucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' }),
          ]),
        },
      });
    });

    it('denies every request without TLS', () => {
      const bucket = dataBucket();
      built.statefulTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucket.logicalId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });
  });

  describe('registry table', () => {
    it('has the registry keys, one GSI, TTL and point-in-time recovery, on demand', () => {
      built.statefulTemplate.resourceCountIs('AWS::DynamoDB::Table', 1);
      const table = onlyResource(built.statefulTemplate, 'AWS::DynamoDB::Table');
      expect(table.Properties).toMatchObject({
        TableName: 'data-mesh-test-registry',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      });
      expect(table.Properties.AttributeDefinitions).toEqual(
        expect.arrayContaining(
          ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        ),
      );
      expect(table.DeletionPolicy).toBe('Retain');
    });
  });
});
