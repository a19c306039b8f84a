import { CustomResource, Duration, FeatureFlags, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { AccountPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { S3_CREATE_DEFAULT_LOGGING_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { QUARANTINE_PREFIX } from '../../events/object-keys';
import { acknowledgeBucketNotificationsHandler } from '../nag';
import { PLATFORM_TAG, type PlatformReference, platformArns } from './platform-reference';

const PRODUCT_ID = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/;

export interface ProducerBucketProps {
  /** The data product whose files this bucket holds (its folder in the data mesh). */
  readonly productId: string;
  /** The data mesh platform to register with and forward events to. */
  readonly platform: PlatformReference;
  /**
   * The product's folder in the bucket: contract at `<prefix>datacontract.yaml`, CSVs anywhere below.
   * @default - `<productId>/`
   */
  readonly prefix?: string;
  /**
   * What happens to the bucket (and its files) when the stack is deleted. The platform keeps the product's
   * history either way; retained files stay readable by the producer.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A producer team's own bucket for one data product, wired to the data mesh platform:
 * - encrypted, versioned, TLS-only, public access blocked, EventBridge notifications on;
 * - a rule on this account's default bus forwarding the bucket's `Object Created` events to the platform bus
 *   (cross-account: the platform's bus policy lists this account), with a dead-letter queue and an alarm;
 * - a bucket policy letting the platform's processing functions (principals of the platform account tagged
 *   `data-mesh-platform=<stage>`), and only them, read the product's prefix and move bad files under
 *   `_quarantine/` (copy there, delete the original); and Athena queries run in the platform account read it too;
 * - a registration of `bucket + prefix → product` with the platform (a custom resource): it fails the
 *   deployment with the platform's reason when the prefix is taken or unreadable, is idempotent on update,
 *   and is given back on delete (files and history stay).
 */
export class ProducerBucket extends Construct {
  public readonly bucket: Bucket;
  /** The product's folder in the bucket, ending with `/`. */
  public readonly prefix: string;
  public readonly forwardRule: Rule;
  public readonly forwardDeadLetterQueue: Queue;
  public readonly registration: CustomResource;

  constructor(scope: Construct, id: string, props: ProducerBucketProps) {
    super(scope, id);
    if (!PRODUCT_ID.test(props.productId)) {
      throw new Error(
        `ProducerBucket: "${props.productId}" is not a product id (lowercase letters, digits and dashes, optionally dotted by domain)`,
      );
    }
    this.prefix = props.prefix ?? `${props.productId}/`;
    if (
      !this.prefix.endsWith('/') ||
      this.prefix.startsWith('/') ||
      this.prefix.startsWith(QUARANTINE_PREFIX)
    ) {
      throw new Error(
        `ProducerBucket: prefix "${this.prefix}" must end with "/", not start with "/" nor with ${QUARANTINE_PREFIX}`,
      );
    }
    const arns = platformArns(this, props.platform);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    const accessLogs = new Bucket(this, 'AccessLogs', {
      // Server access log delivery only supports SSE-S3 on the target bucket.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // Without the feature flag CDK grants log delivery by ACL, which needs ObjectWriter ownership; with it, by
      // bucket policy. Producer apps may run either way.
      objectOwnership: FeatureFlags.of(this).isEnabled(S3_CREATE_DEFAULT_LOGGING_POLICY)
        ? ObjectOwnership.BUCKET_OWNER_ENFORCED
        : ObjectOwnership.OBJECT_WRITER,
      removalPolicy,
    });
    this.bucket = new Bucket(this, 'Bucket', {
      // SSE-S3, not KMS: the platform reads across accounts, which a customer key would also have to allow.
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // Quarantine copies written by the platform's account belong to the bucket owner.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      eventBridgeEnabled: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'bucket/',
      removalPolicy,
    });

    const platformRoles = {
      principal: new AccountPrincipal(props.platform.account),
      conditions: { StringEquals: { [`aws:PrincipalTag/${PLATFORM_TAG}`]: props.platform.stage } },
    };
    const readPolicy = [
      new PolicyStatement({
        sid: 'PlatformListsTheProductPrefix',
        principals: [platformRoles.principal],
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { ...platformRoles.conditions, StringLike: { 's3:prefix': [`${this.prefix}*`] } },
      }),
      new PolicyStatement({
        sid: 'PlatformReadsTheProductFiles',
        principals: [platformRoles.principal],
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging'],
        resources: [this.bucket.arnForObjects(`${this.prefix}*`)],
        conditions: platformRoles.conditions,
      }),
      new PolicyStatement({
        sid: 'PlatformQuarantinesBadFiles',
        principals: [platformRoles.principal],
        actions: ['s3:PutObject', 's3:PutObjectTagging'],
        resources: [this.bucket.arnForObjects(`${QUARANTINE_PREFIX}${this.prefix}*`)],
        conditions: platformRoles.conditions,
      }),
      new PolicyStatement({
        sid: 'PlatformRemovesQuarantinedOriginals',
        principals: [platformRoles.principal],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [this.bucket.arnForObjects(`${this.prefix}*`)],
        conditions: platformRoles.conditions,
      }),
    ];
    // The SQL access point: Athena reads a query's files with the querying principal's own credentials.
    readPolicy.push(
      new PolicyStatement({
        sid: 'PlatformAthenaQueriesReadTheProductFiles',
        principals: [platformRoles.principal],
        actions: ['s3:GetObject', 's3:ListBucket'],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects(`${this.prefix}*`)],
        conditions: { 'ForAnyValue:StringEquals': { 'aws:CalledVia': ['athena.amazonaws.com'] } },
      }),
    );
    for (const statement of readPolicy) this.bucket.addToResourcePolicy(statement);

    this.forwardDeadLetterQueue = new Queue(this, 'ForwardDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.forwardDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the forwarding rule; it has no dead-letter queue of its own.',
    });
    this.forwardRule = new Rule(this, 'ForwardToPlatform', {
      description: `Forwards ${props.productId}'s bucket Object Created events to the data mesh platform bus`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [this.bucket.bucketName] } },
      },
      targets: [
        new EventBusTarget(EventBus.fromEventBusArn(this, 'PlatformBus', arns.busArn), {
          deadLetterQueue: this.forwardDeadLetterQueue,
        }),
      ],
    });
    new Alarm(this, 'ForwardDeadLetterAlarm', {
      alarmDescription: [
        `Object Created events of ${props.productId}'s bucket could not be forwarded to the data mesh platform bus.`,
        'Runbook: read a message of the queue (aws sqs receive-message); the usual cause is the platform bus',
        'policy not listing this account (ask the platform team to add it to producerAccounts). Then re-announce',
        'each object (aws s3 cp s3://<bucket>/<key> s3://<bucket>/<key> --metadata-directive REPLACE) and purge.',
      ].join(' '),
      metric: this.forwardDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.registration = new CustomResource(this, 'Registration', {
      serviceToken: arns.registrationFunctionArn,
      resourceType: 'Custom::DataMeshStorageRegistration',
      properties: { ProductId: props.productId, BucketName: this.bucket.bucketName, Prefix: this.prefix },
      // Registration would fail while nothing exists to read; deletion gives the prefix back, not the bucket.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.registration.node.addDependency(this.bucket.policy ?? this.bucket);
    acknowledgeBucketNotificationsHandler(Stack.of(this));
  }
}
