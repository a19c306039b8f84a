import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectCreated } from '../../events/inbound/s3-object-created';
import { platformRules } from '../../events/rules';
import { DELIVERY_BATCH_SIZE } from '../../functions/ports/delivery-queue';
import { onlyResource, rendered, type SynthesizedApp, synthApp, type TemplateResource } from './synth-app';

type Resource = TemplateResource;
type Target = Record<string, unknown> & { Arn: unknown };

describe('Stack: ProcessingStack', () => {
  let built: SynthesizedApp;
  /** How the processing template refers to stateful resources (cross-stack references). */
  let ref: { bucketName: unknown; bucketArn: unknown; busName: unknown; busArn: unknown; tableName: unknown };
  let fns: Record<'contract' | 'data', { logicalId: string } & Resource>;

  beforeAll(() => {
    built = synthApp({ stage: 'test' });
    const { processing, stateful } = built;
    ref = {
      bucketName: rendered(processing, stateful.dataBucket.bucketName),
      bucketArn: rendered(processing, stateful.dataBucket.bucketArn),
      busName: rendered(processing, stateful.bus.eventBusName),
      busArn: rendered(processing, stateful.bus.eventBusArn),
      tableName: rendered(processing, stateful.table.tableName),
    };
    const byPrefix = (prefix: string) => {
      const found = Object.entries(built.processingTemplate.findResources('AWS::Lambda::Function')).filter(
        ([id]) => id.startsWith(prefix),
      ) as [string, Resource][];
      expect(found).toHaveLength(1);
      const [[logicalId, resource]] = found as [[string, Resource]];
      return { logicalId, ...resource };
    };
    fns = { contract: byPrefix('PublishingContractUploaded'), data: byPrefix('PublishingDataUploaded') };
  });

  const rulesOnPlatformBus = () =>
    Object.entries(
      built.processingTemplate.findResources('AWS::Events::Rule', {
        Properties: { EventBusName: Match.anyValue() },
      }),
    ) as [string, Resource][];

  it('references the stateful resources across stacks, without Fn::ImportValue', () => {
    expect(JSON.stringify(ref.bucketName)).toContain('DataMesh-test-Stateful');
    expect(JSON.stringify(built.processingTemplate.toJSON())).not.toContain('Fn::ImportValue');
  });

  describe.each([
    { name: 'contract' as const, handler: 'contract-uploaded', memory: 512, timeout: 30 },
    { name: 'data' as const, handler: 'data-uploaded', memory: 1024, timeout: 300 },
  ])('$handler function', ({ name, handler, memory, timeout }) => {
    it('runs the house defaults: Node.js 22 on arm64, tracing, sized for its work', () => {
      expect(fns[name].Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: memory,
        Timeout: timeout,
        TracingConfig: { Mode: 'Active' },
      });
    });

    it('gets its configuration from the environment', () => {
      expect((fns[name].Properties.Environment as { Variables: unknown }).Variables).toEqual({
        NODE_OPTIONS: '--enable-source-maps',
        SERVICE_NAME: handler,
        LOG_LEVEL: 'INFO',
        TABLE_NAME: ref.tableName,
        EVENT_BUS_NAME: ref.busName,
        DATA_BUCKET_NAME: ref.bucketName,
      });
    });

    it('logs to its own log group, kept one month and deleted with the stack', () => {
      const { LogGroup } = fns[name].Properties.LoggingConfig as { LogGroup: { Ref: string } };
      const logGroup = built.processingTemplate.toJSON().Resources[LogGroup.Ref];
      expect(logGroup).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        DeletionPolicy: 'Delete',
        Properties: { RetentionInDays: 30 },
      });
    });

    it('is the target of its rule, retried 8 times for up to 2 hours, then parked in the encrypted DLQ', () => {
      const targets = rulesOnPlatformBus().flatMap(([, rule]) => rule.Properties.Targets as Target[]);
      expect(targets).toContainEqual(
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [fns[name].logicalId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [expect.stringMatching(/^PublishingDeadLetterQueue/), 'Arn'] },
          },
        }),
      );
    });

    it('sends events it keeps failing on (after 2 Lambda retries) to the same DLQ', () => {
      built.processingTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fns[name].logicalId },
        MaximumRetryAttempts: 2,
        DestinationConfig: {
          OnFailure: {
            Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PublishingDeadLetterQueue'), 'Arn'] },
          },
        },
      });
    });
  });

  const s3StatementsOf = (name: 'contract' | 'data') => {
    const policy = onlyResource(built.processingTemplate, 'AWS::IAM::Policy', {
      Properties: {
        Roles: [{ Ref: (fns[name].Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0] }],
      },
    });
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    const s3 = statements.filter((s) => JSON.stringify(s.Action).includes('s3:'));
    // Producer buckets are registered at run time: those grants are bounded by account, not by bucket name.
    return { statements, s3: s3.filter((s) => !s.Condition), producer: s3.filter((s) => s.Condition) };
  };
  const objects = (suffix: string) => ({ 'Fn::Join': ['', [ref.bucketArn, suffix]] });

  it('lets the contract function only read objects of the data bucket (no producer accounts listed)', () => {
    const { s3, producer } = s3StatementsOf('contract');
    expect(s3).toEqual([
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: ref.bucketArn },
      { Effect: 'Allow', Action: 's3:GetObject*', Resource: objects('/*') },
    ]);
    // No producer accounts in this app: no access beyond the data bucket.
    expect(producer).toEqual([]);
  });

  it('lets the data function read any object, write only under the quarantine prefix, delete originals', () => {
    const { s3, statements, producer } = s3StatementsOf('data');
    expect(s3).toEqual(
      expect.arrayContaining([
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: ref.bucketArn },
        {
          Effect: 'Allow',
          Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObject*'],
          Resource: objects('/*'),
        },
        {
          Effect: 'Allow',
          Action: ['s3:PutObject', 's3:PutObjectTagging'],
          Resource: objects('/_quarantine/*'),
        },
      ]),
    );
    expect(s3).toHaveLength(3);
    expect(producer).toEqual([]);
    // Table read/write and PutEvents on the platform bus come from bindTable/bindBus.
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:Query']) }),
        { Effect: 'Allow', Action: 'events:PutEvents', Resource: ref.busArn },
      ]),
    );
  });

  describe('platform rules', () => {
    it('deploys one rule per spec of events/rules.ts, on the platform bus', () => {
      const specs = platformRules();
      const rules = rulesOnPlatformBus();
      expect(rules).toHaveLength(specs.length);
      for (const [, rule] of rules) expect(rule.Properties.EventBusName).toEqual(ref.busName);
      const deployed = [
        ...Object.keys(built.processing.publishing.rules),
        built.processing.dataRepo.rule.node.id,
        built.processing.catalogSync.rule.node.id,
        built.processing.notifications.rule.node.id,
        built.processing.queryPlane.rule.node.id,
      ];
      expect(deployed.sort()).toEqual(specs.map((s) => s.id).sort());
    });

    it('uses each spec pattern unchanged (same JSON, same key order), for any forwarded bucket', () => {
      for (const spec of platformRules()) {
        const expected = rendered(built.processing, spec.pattern);
        const [, rule] =
          rulesOnPlatformBus().find(([, r]) => r.Properties.Description === spec.description) ?? [];
        expect(rule?.Properties.EventPattern).toEqual(expected);
        expect(JSON.stringify(rule?.Properties.EventPattern)).toBe(JSON.stringify(expected));
      }
      built.processingTemplate.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          'detail-type': ['Object Created'],
          detail: {
            object: { key: [{ 'anything-but': { prefix: '_quarantine/' } }] },
          },
        },
      });
    });
  });

  describe('dead-letter queues', () => {
    const queues = () =>
      Object.entries(built.processingTemplate.findResources('AWS::SQS::Queue')) as [string, Resource][];

    it('are encrypted, keep messages 14 days and refuse plain HTTP', () => {
      // Publishing's rule and forwarding queues, the data repo's, the catalog sync's, and the notifications'
      // fan-out DLQ, delivery queue and delivery DLQ, the storage registration's DLQ, the query plane's DLQ.
      expect(queues()).toHaveLength(9);
      for (const [logicalId, queue] of queues()) {
        expect(queue.Properties).toMatchObject({
          SqsManagedSseEnabled: true,
          MessageRetentionPeriod: 1209600,
        });
        built.processingTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: logicalId }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    });

    it('accept messages only from their rule', () => {
      const rules = built.processingTemplate.findResources('AWS::Events::Rule');
      for (const [ruleId, rule] of Object.entries(rules) as [string, Resource][]) {
        const [target] = rule.Properties.Targets as [
          { DeadLetterConfig: { Arn: { 'Fn::GetAtt': [string] } } },
        ];
        const queueId = target.DeadLetterConfig.Arn['Fn::GetAtt'][0];
        built.processingTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: queueId }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Allow',
                Action: 'sqs:SendMessage',
                Principal: { Service: 'events.amazonaws.com' },
                Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
              }),
            ]),
          },
        });
      }
    });
  });

  describe('alarms', () => {
    it('alarm as soon as a publishing DLQ holds a message, with a runbook in the description', () => {
      const alarm = onlyResource(built.processingTemplate, 'AWS::CloudWatch::Alarm', {
        Properties: { AlarmName: 'data-mesh-test-publishing-dlq-not-empty' },
      });
      expect(alarm.Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Statistic: 'Maximum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [expect.stringMatching(/^PublishingDeadLetterQueue/), 'QueueName'] },
          },
        ],
      });
      expect(alarm.Properties.AlarmDescription).toMatch(/aws events start-replay/);
      expect(alarm.Properties.AlarmDescription).toMatch(/re-drive/);
    });

    it('watch the forwarding DLQ too', () => {
      built.processingTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'data-mesh-test-publishing-forward-dlq-not-empty',
        AlarmDescription: Match.stringLikeRegexp('copying it onto itself'),
        Dimensions: [
          {
            Name: 'QueueName',
            Value: {
              'Fn::GetAtt': [Match.stringLikeRegexp('^PublishingForwardDeadLetterQueue'), 'QueueName'],
            },
          },
        ],
      });
    });
  });

  describe('default-bus forwarding', () => {
    it("forwards the data bucket's S3 Object Created events from the default bus to the platform bus", () => {
      const forward = onlyResource(built.processingTemplate, 'AWS::Events::Rule', {
        Properties: { EventBusName: Match.absent() },
      });
      expect(forward.Properties.EventPattern).toEqual({
        source: [S3ObjectCreated.source],
        'detail-type': [S3ObjectCreated.detailType],
        detail: { bucket: { name: [ref.bucketName] } },
      });
      const [target] = forward.Properties.Targets as [Target & { RoleArn: { 'Fn::GetAtt': [string] } }];
      expect(target.Arn).toEqual(ref.busArn);
      expect(target.DeadLetterConfig).toEqual({
        Arn: { 'Fn::GetAtt': [expect.stringMatching(/^PublishingForwardDeadLetterQueue/), 'Arn'] },
      });
      built.processingTemplate.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: target.RoleArn['Fn::GetAtt'][0] }],
        PolicyDocument: {
          Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: ref.busArn }],
        },
      });
    });
  });

  describe('data repo', () => {
    const fn = (prefix: string) => {
      const found = Object.entries(built.processingTemplate.findResources('AWS::Lambda::Function')).filter(
        ([id]) => id.startsWith(prefix),
      ) as [string, Resource][];
      expect(found).toHaveLength(1);
      const [[logicalId, resource]] = found as [[string, Resource]];
      return { logicalId, ...resource };
    };

    it('exposes the webhook receiver through a public function URL (deliveries are verified in code)', () => {
      const receiver = fn('DataRepoReceiver');
      expect(receiver.Properties).toMatchObject({ MemorySize: 256, Timeout: 10 });
      built.processingTemplate.hasResourceProperties('AWS::Lambda::Url', {
        AuthType: 'NONE',
        TargetFunctionArn: { 'Fn::GetAtt': [receiver.logicalId, 'Arn'] },
      });
      const env = (receiver.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env).toMatchObject({ GIT_PROVIDER: 'github', DATA_REPO_BRANCH: 'main' });
      expect(env.WEBHOOK_SECRET_ARN).toBeDefined();
      expect(env.GIT_TOKEN_SECRET_ARN).toBeUndefined();
    });

    it('lets the receiver read only the webhook secret, and the processor only the git token', () => {
      const policies = built.processingTemplate.findResources('AWS::IAM::Policy');
      const secretReads = Object.entries(policies).flatMap(([id, policy]) =>
        (
          (policy as Resource).Properties.PolicyDocument as {
            Statement: { Action: unknown; Resource: unknown }[];
          }
        ).Statement.filter((statement) =>
          JSON.stringify(statement.Action).includes('secretsmanager:GetSecretValue'),
        ).map((statement) => [id.replace(/[0-9A-F]{8}$/, ''), JSON.stringify(statement.Resource)]),
      );
      // The data repo's two functions (the catalog sync reads its own DataHub token).
      expect(secretReads.filter(([id]) => id?.startsWith('DataRepo'))).toHaveLength(2);
      const [receiverRead] = secretReads.filter(([id]) => id?.startsWith('DataRepoReceiver'));
      const [processorRead] = secretReads.filter(([id]) => id?.startsWith('DataRepoPushProcessor'));
      expect(receiverRead?.[1]).toContain('WebhookSecret');
      expect(processorRead?.[1]).toContain('GitTokenSecret');
    });

    it('routes Git Push Received to the push processor, with retries and its own DLQ and alarm', () => {
      const processor = fn('DataRepoPushProcessor');
      expect(processor.Properties).toMatchObject({ MemorySize: 1024, Timeout: 900 });
      built.processingTemplate.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { source: ['datamesh.webhooks'], 'detail-type': ['Git Push Received'] },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [processor.logicalId, 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
            DeadLetterConfig: {
              Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataRepoDeadLetterQueue'), 'Arn'] },
            },
          }),
        ],
      });
      built.processingTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'data-mesh-test-data-repo-dlq-not-empty',
        AlarmDescription: Match.stringLikeRegexp('GitProviderUnavailableError'),
      });
    });
  });

  describe('catalog sync', () => {
    it('routes the product events to the catalog-sync function, with retries, its DLQ and an alarm', () => {
      const [[logicalId]] = Object.entries(
        built.processingTemplate.findResources('AWS::Lambda::Function'),
      ).filter(([id]) => id.startsWith('CatalogSyncFunction')) as [[string, Resource]];
      built.processingTemplate.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['datamesh.platform'],
          'detail-type': [
            'Data Product Registered',
            'Data Product Updated',
            'Data Product Schema Changed',
            'Data Product Deprecated',
            'Data Product Version Published',
            'Data Product Storage Changed',
          ],
        },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [logicalId, 'Arn'] },
            DeadLetterConfig: {
              Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CatalogSyncDeadLetterQueue'), 'Arn'] },
            },
          }),
        ],
      });
      built.processingTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'data-mesh-test-catalog-dlq-not-empty',
      });
    });

    it('reads the DataHub token from its secret and only reads the registry', () => {
      const fn = Object.entries(built.processingTemplate.findResources('AWS::Lambda::Function')).find(
        ([id]) => id.startsWith('CatalogSyncFunction'),
      )?.[1] as Resource;
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(JSON.stringify(env.DATAHUB_TOKEN_SECRET_ARN)).toContain('DataHubTokenSecret');
      expect(env.DATAHUB_ENV).toBe('PROD');
      const policies = Object.entries(built.processingTemplate.findResources('AWS::IAM::Policy')).filter(
        ([id]) => id.startsWith('CatalogSyncFunction'),
      );
      const actions = JSON.stringify(policies.map(([, p]) => (p as Resource).Properties.PolicyDocument));
      expect(actions).toContain('secretsmanager:GetSecretValue');
      expect(actions).not.toContain('dynamodb:PutItem');
    });
  });

  describe('notifications', () => {
    const fn = (prefix: string) =>
      Object.entries(built.processingTemplate.findResources('AWS::Lambda::Function')).find(([id]) =>
        id.startsWith(prefix),
      ) as [string, Resource];

    it('fans out through an encrypted queue whose failed deliveries go to a DLQ after 5 receives, with an alarm', () => {
      const [deliverId] = fn('NotificationsDeliver');
      built.processingTemplate.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        RedrivePolicy: {
          deadLetterTargetArn: {
            'Fn::GetAtt': [Match.stringLikeRegexp('^NotificationsDeliveryDeadLetterQueue'), 'Arn'],
          },
          maxReceiveCount: 5,
        },
      });
      built.processingTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: deliverId },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        // Batches as large as the local queue's, so both read and record a batch in one request each.
        BatchSize: DELIVERY_BATCH_SIZE,
      });
      built.processingTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'data-mesh-test-notifications-delivery-dlq-not-empty',
      });
    });

    it('lets the delivery function set a failed message’s back-off: it knows the queue and may change visibility', () => {
      const [deliverId, deliver] = fn('NotificationsDeliver');
      const env = (deliver.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(JSON.stringify(env.DELIVERY_QUEUE_URL)).toContain('NotificationsDeliveryQueue');
      const policies = Object.values(built.processingTemplate.findResources('AWS::IAM::Policy')).filter((p) =>
        JSON.stringify((p as Resource).Properties.Roles).includes(deliverId.replace(/[0-9A-F]{8}$/, '')),
      );
      expect(JSON.stringify(policies.map((p) => (p as Resource).Properties.PolicyDocument))).toContain(
        'sqs:ChangeMessageVisibility',
      );
    });

    it('serves the subscriptions API behind IAM authorisation on every route, with access logs', () => {
      const routes = Object.values(
        built.processingTemplate.findResources('AWS::ApiGatewayV2::Route'),
      ) as Resource[];
      expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual([
        'DELETE /subscriptions/{id}',
        'GET /deliveries',
        'GET /subscriptions',
        'POST /subscriptions',
        'POST /subscriptions/{id}/secret',
      ]);
      for (const route of routes) expect(route.Properties.AuthorizationType).toBe('AWS_IAM');
      built.processingTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      });
    });

    it('routes the product events and new subscriptions to the fan-out', () => {
      const [fanOutId] = fn('NotificationsFanOut');
      built.processingTemplate.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({
          'detail-type': Match.arrayWith(['Data Product Version Published', 'Subscription Created']),
        }),
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fanOutId, 'Arn'] } })],
      });
    });
  });
});
