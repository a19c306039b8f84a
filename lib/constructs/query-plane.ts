import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../nag';
import { deadLetterQueue, notEmptyAlarm, READ_DEAD_LETTER } from './dead-letter';
import { HouseFunction } from './house-function';
import { platformRuleFor } from './platform-rule';

/** Glue database names are lowercase letters, digits and `_`; the prefix must start with a letter. */
const DATABASE_PREFIX_PATTERN = /^[a-z][a-z0-9_]{0,199}$/;

export interface QueryPlaneProps {
  readonly stage: string;
  readonly bus: IEventBus;
  readonly table: ITable;
  /**
   * Glue databases are `<databasePrefix>_<domain>`; the function may only touch databases with this prefix.
   * @default 'data_mesh'
   */
  readonly databasePrefix?: string;
}

/**
 * The query plane on AWS: every product's published files as Glue tables (one per major contract version, over
 * symlink manifests) and a stable Athena view, kept in step by the query-sync function through the rule for the
 * product events, with retries, a dead-letter queue and an alarm; plus the bucket for manifests and query
 * results and an Athena workgroup that enforces where results go and that they are encrypted.
 */
export class QueryPlane extends Construct {
  public readonly bucket: Bucket;
  public readonly workGroup: CfnWorkGroup;
  public readonly function: HouseFunction;
  public readonly rule: Rule;
  public readonly deadLetterQueue: Queue;
  public readonly deadLetterAlarm: Alarm;
  public readonly databasePrefix: string;

  constructor(scope: Construct, id: string, props: QueryPlaneProps) {
    super(scope, id);
    const { stage, bus, table } = props;
    const prefix = props.databasePrefix ?? 'data_mesh';
    if (!DATABASE_PREFIX_PATTERN.test(prefix)) {
      throw new Error(
        `databasePrefix "${prefix}" must be lowercase letters, digits and _, starting with a letter`,
      );
    }
    this.databasePrefix = prefix;

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Not versioned: manifests are rewritten on every sync and derived from the registry; results are transient.
      lifecycleRules: [
        { id: 'expire-query-results', prefix: 'results/', expiration: Duration.days(30) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // Kept when this stateless stack is replaced: the catalog's tables point at its manifests until next sync.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket.node.defaultChild ?? this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Holds only manifests derived from the registry and Athena results; who queried what is recorded by ' +
        'CloudTrail and the workgroup query history, and the data files themselves are in the logged data buckets.',
    });

    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: `data-mesh-${stage}`,
      description: 'Queries over the data products (Glue databases of the query plane)',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: this.bucket.s3UrlForObject('results/'),
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });

    this.function = new HouseFunction(this, 'Function', {
      handler: 'query-sync',
      description:
        'Keeps each product’s Glue tables, symlink manifests and Athena view in step with the registry',
      memorySize: 256,
      timeout: Duration.minutes(1),
      // One sync at a time: two of one product could write an older manifest last. Throttled events wait in
      // Lambda's async queue (retried up to 6 hours), and each sync is a few Glue calls.
      reservedConcurrentExecutions: 1,
      environment: { QUERY_BUCKET_NAME: this.bucket.bucketName, GLUE_DATABASE_PREFIX: prefix },
    });
    this.function.bindTable(table, 'RO', 'TABLE_NAME');

    const { partition, region, account } = Stack.of(this);
    const glue = `arn:${partition}:glue:${region}:${account}`;
    const databases = `${glue}:database/${prefix}_*`;
    const tables = `${glue}:table/${prefix}_*/*`;
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:CreateDatabase'],
        resources: [`${glue}:catalog`, databases],
      }),
    );
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable'],
        resources: [`${glue}:catalog`, databases, tables],
      }),
    );
    const manifests = this.bucket.arnForObjects('manifests/*');
    this.function.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [manifests] }));
    acknowledgeWildcardResources(
      this.function.defaultPolicy,
      [databases, tables, manifests],
      `Databases are created per data domain at run time, so they are named by prefix (${prefix}_*), their ` +
        'tables by product; manifests are written per table under manifests/ only.',
    );

    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue');
    this.rule = platformRuleFor(this, 'query-sync', bus, this.function, this.deadLetterQueue);
    this.deadLetterAlarm = notEmptyAlarm(this, 'DeadLetterAlarm', this.deadLetterQueue, {
      alarmName: `data-mesh-${stage}-query-plane-dlq-not-empty`,
      description: [
        'Product events could not be applied to the Glue tables and Athena views (Glue throttling or access',
        'denied after retries, or a contract with a column type Athena has no type for) and are parked in the',
        `query-plane dead-letter queue. Runbook: 1) ${READ_DEAD_LETTER}, or responsePayload.errorMessage of the`,
        'Lambda destination record (UnmappableContractError names the column paths); 2) fix the cause (the',
        `contract, Lake Formation grants on ${prefix}_* databases, the function role); 3) replay the window from`,
        'the bus archive (aws events start-replay …): tables are rebuilt from the registry, so replays are harmless;',
        '4) purge the queue.',
      ],
    });

    new CfnOutput(this, 'WorkGroupName', {
      description: 'Athena workgroup for querying data products (results encrypted, kept 30 days)',
      value: this.workGroup.ref,
    });
    new CfnOutput(this, 'BucketName', {
      description: 'Bucket of the query plane: symlink manifests (manifests/) and Athena results (results/)',
      value: this.bucket.bucketName,
    });
  }
}
