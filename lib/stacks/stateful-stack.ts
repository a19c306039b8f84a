import { RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { CfnArchive, EventBus } from 'aws-cdk-lib/aws-events';
import { AccountPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { S3ObjectCreated } from '../../events/inbound/s3-object-created';
import { REGISTRY_TABLE } from '../../functions/adapters/dynamodb/table-definition';
import { acknowledgeBucketNotificationsHandler } from '../nag';
import { platformNames } from '../producer/platform-reference';

export interface StatefulStackProps extends StackProps {
  /** Deployment stage (`dev`, `prod`, …): part of every physical name. */
  readonly stage: string;
  /**
   * Accounts whose producer buckets forward their S3 events to the platform bus.
   * @default - none (producer buckets in the platform account only)
   */
  readonly producerAccounts?: readonly string[];
}

/**
 * Everything that holds data or history: the platform bus and its archive, the default data bucket and the
 * registry table. All of it is retained on stack deletion; the processing stack can be redeployed freely.
 */
export class StatefulStack extends Stack {
  /** The platform bus `data-mesh-<stage>`. */
  public readonly bus: EventBus;
  /** Name of the bus archive that `aws events start-replay` replays from. */
  public readonly archiveName: string;
  /** The default data bucket; producers upload contracts and data files here. */
  public readonly dataBucket: Bucket;
  /** The registry table `data-mesh-<stage>-registry`. */
  public readonly table: Table;
  /** `data-mesh/<stage>/webhook-secrets`: `{"github": …, "gitlab": …, "gitea": …, "forgejo": …}`. */
  public readonly webhookSecret: Secret;
  /** `data-mesh/<stage>/git-token`: `{"token": …}`, a read-only API token for the data repo's host. */
  public readonly gitTokenSecret: Secret;
  /** `data-mesh/<stage>/datahub-token`: `{"token": …}`, a DataHub personal access token. */
  public readonly dataHubTokenSecret: Secret;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { stage } = props;

    this.bus = new EventBus(this, 'Bus', {
      eventBusName: platformNames(stage).busName,
      description: 'Data mesh platform bus: S3 object events forwarded in, product events published out',
    });
    for (const account of props.producerAccounts ?? []) {
      // What a producer account may put here is only what its forwarding rule sends: its buckets' S3 events.
      this.bus.addToResourcePolicy(
        new PolicyStatement({
          sid: `ProducerAccount${account}`,
          principals: [new AccountPrincipal(account)],
          actions: ['events:PutEvents'],
          resources: [this.bus.eventBusArn],
          conditions: { StringEquals: { 'events:source': S3ObjectCreated.source } },
        }),
      );
    }
    // L1 on purpose: the L2 Archive requires an event pattern, and the archive must keep every event on the bus
    // (including ones forwarded from producer accounts, whose `account` differs), which only "no pattern" does.
    this.archiveName = `data-mesh-${stage}`;
    new CfnArchive(this, 'BusArchive', {
      archiveName: this.archiveName,
      sourceArn: this.bus.eventBusArn,
      retentionDays: 30,
      description: 'Every event on the platform bus, kept 30 days for replay (aws events start-replay)',
    });

    const accessLogs = new Bucket(this, 'AccessLogBucket', {
      // Server access log delivery only supports SSE-S3 on the target bucket.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.dataBucket = new Bucket(this, 'DataBucket', {
      // S3 sends its notifications to the account's default bus; Publishing forwards them to the platform bus.
      eventBridgeEnabled: true,
      versioned: true,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'data-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new Table(this, 'Registry', {
      tableName: `data-mesh-${stage}-registry`,
      partitionKey: { name: REGISTRY_TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: REGISTRY_TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: REGISTRY_TABLE.ttlAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: REGISTRY_TABLE.gsi1.name,
      partitionKey: { name: REGISTRY_TABLE.gsi1.partitionKey, type: AttributeType.STRING },
      sortKey: { name: REGISTRY_TABLE.gsi1.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });

    acknowledgeBucketNotificationsHandler(this);

    // The webhook secret is generated for GitHub-style hosts; set the other hosts' keys when they are used.
    this.webhookSecret = new Secret(this, 'WebhookSecret', {
      secretName: `data-mesh/${stage}/webhook-secrets`,
      description: 'Data repo webhook secrets per git host (JSON); paste the same value in the host webhook',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'github',
        excludePunctuation: true,
        passwordLength: 40,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.gitTokenSecret = new Secret(this, 'GitTokenSecret', {
      secretName: `data-mesh/${stage}/git-token`,
      description: 'Read-only API token of the data repo host (JSON {"token": …}); replace the placeholder',
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'token', passwordLength: 32 },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.dataHubTokenSecret = new Secret(this, 'DataHubTokenSecret', {
      secretName: `data-mesh/${stage}/datahub-token`,
      description:
        'DataHub personal access token for the catalog sync (JSON {"token": …}); replace the placeholder',
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'token', passwordLength: 32 },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const secret of [this.webhookSecret, this.gitTokenSecret, this.dataHubTokenSecret]) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'The value is issued by another system (the git host, DataHub), so rotation is a manual runbook step ' +
          'there, not a rotation Lambda here; the functions re-read secrets every 5 minutes.',
      });
    }
  }
}
