import { Duration, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type EventPattern, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget, LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { S3ObjectCreated } from '../../events/inbound/s3-object-created';
import { QUARANTINE_PREFIX } from '../../events/object-keys';
import { platformRules, type RuleSpec, type EventPattern as SpecPattern } from '../../events/rules';
import { acknowledgeWildcardResources } from '../nag';
import { deadLetterQueue, notEmptyAlarm, READ_DEAD_LETTER } from './dead-letter';
import { HouseFunction } from './house-function';
import { grantProducerStorageRead } from './producer-storage-access';

export interface PublishingProps {
  /** Deployment stage: part of physical names (alarms). */
  readonly stage: string;
  /** The platform bus: the rules live on it and the function publishes to it. */
  readonly bus: IEventBus;
  /** The default data bucket, whose new objects are published. */
  readonly dataBucket: IBucket;
  /** The registry table. */
  readonly table: ITable;
  /**
   * Accounts whose producer buckets the functions read (and quarantine in).
   * @default - none (producer buckets of the platform account only)
   */
  readonly producerAccounts?: readonly string[];
}

/**
 * Maps an EventBridge JSON pattern onto CDK's `EventPattern`. CDK's only renaming on render is the top-level
 * `detailType` → `detail-type` (every other key and value is passed through as is), so renaming the other way,
 * in place, makes the synthesized pattern identical to the spec, key order included.
 */
export const toCdkEventPattern = (pattern: SpecPattern): EventPattern =>
  Object.fromEntries(
    Object.entries(pattern).map(([key, value]) => [key === 'detail-type' ? 'detailType' : key, value]),
  ) as EventPattern;

/**
 * The publishing subsystem: contracts written to the data bucket reach the `contract-uploaded` function, which
 * registers products; every other new object reaches the `data-uploaded` function, which publishes CSV data
 * files or moves bad ones into quarantine.
 *
 * S3 sends EventBridge notifications only to the account's *default* bus, never to a custom one: a rule on the
 * default bus forwards the bucket's `Object Created` events to the platform bus, where the platform rules
 * (built from `events/rules.ts`, the same specs the local bus evaluates) route them to the functions. Both
 * hops have a dead-letter queue with an alarm.
 */
export class Publishing extends Construct {
  /** The `contract-uploaded` function: registers and updates products from their contracts. */
  public readonly contractFunction: HouseFunction;
  /** The `data-uploaded` function: publishes or quarantines data files, refuses what is not one. */
  public readonly dataFunction: HouseFunction;
  /** Platform-bus rules, one per rule spec, by spec id. */
  public readonly rules: Readonly<Record<string, Rule>>;
  /** Default-bus rule forwarding the data bucket's S3 events to the platform bus. */
  public readonly forwardRule: Rule;
  /** Events the platform rules could not deliver to the function. */
  public readonly deadLetterQueue: Queue;
  /** Events the forwarding rule could not deliver to the platform bus. */
  public readonly forwardDeadLetterQueue: Queue;
  /** `data-mesh-<stage>-publishing-dlq-not-empty`. */
  public readonly deadLetterAlarm: Alarm;
  /** `data-mesh-<stage>-publishing-forward-dlq-not-empty`. */
  public readonly forwardDeadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: PublishingProps) {
    super(scope, id);
    const { stage, bus, dataBucket, table } = props;

    const bind = (fn: HouseFunction) =>
      fn.bindTable(table, 'RW', 'TABLE_NAME').bindBus(bus, 'EVENT_BUS_NAME');
    this.contractFunction = new HouseFunction(this, 'ContractUploaded', {
      handler: 'contract-uploaded',
      description: 'Registers or updates data products from the contracts uploaded to data buckets',
      // Contracts are at most 1 MiB of YAML: a small function answers fast and costs little.
      memorySize: 512,
      timeout: Duration.seconds(30),
    });
    this.dataFunction = new HouseFunction(this, 'DataUploaded', {
      handler: 'data-uploaded',
      description: 'Validates data files uploaded to data buckets, then publishes or quarantines them',
      // Streaming validation runs at ~100 MB/s on one vCPU; five minutes cover files of tens of gigabytes.
      memorySize: 1024,
      timeout: Duration.minutes(5),
    });
    bind(this.contractFunction);
    bind(this.dataFunction);
    for (const fn of [this.contractFunction, this.dataFunction])
      fn.addEnvironment('DATA_BUCKET_NAME', dataBucket.bucketName);
    this.grantRead(this.contractFunction, dataBucket);
    this.grantRead(this.dataFunction, dataBucket);
    this.grantQuarantine(this.dataFunction, dataBucket);
    // Producer buckets and contract-declared locations are registered at run time.
    grantProducerStorageRead(this.contractFunction, props.producerAccounts ?? [], { list: true, read: true });
    grantProducerStorageRead(this.dataFunction, props.producerAccounts ?? [], {
      list: true,
      read: true,
      quarantine: true,
    });

    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue');
    const handlers: Partial<Record<RuleSpec['handler'], HouseFunction>> = {
      'contract-uploaded': this.contractFunction,
      'data-uploaded': this.dataFunction,
    };
    for (const fn of [this.contractFunction, this.dataFunction]) {
      // The rule's dead-letter queue only catches events EventBridge could not hand to Lambda. Once Lambda has
      // accepted an event, a failing handler is retried by Lambda's own async invocation and then sent to the
      // function's on-failure destination — the same queue, so no event is ever dropped silently.
      fn.configureAsyncInvoke({
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
        onFailure: new SqsDestination(this.deadLetterQueue),
      });
    }
    const rules: Record<string, Rule> = {};
    for (const spec of platformRules()) {
      const target = handlers[spec.handler];
      // Rules for other subsystems' functions (the data repo's) are theirs to deploy.
      if (!target) continue;
      rules[spec.id] = new Rule(this, spec.id, {
        eventBus: bus,
        description: spec.description,
        eventPattern: toCdkEventPattern(spec.pattern),
        targets: [
          new LambdaFunction(target, {
            retryAttempts: 8,
            maxEventAge: Duration.hours(2),
            deadLetterQueue: this.deadLetterQueue,
          }),
        ],
      });
    }
    this.rules = rules;

    this.forwardDeadLetterQueue = deadLetterQueue(this, 'ForwardDeadLetterQueue');
    // No `eventBus`: the rule lives on the default bus, where S3 delivers. Everything the bucket announces is
    // forwarded (quarantine moves included, so the archive keeps them); the platform rules do the filtering.
    this.forwardRule = new Rule(this, 'ForwardS3Events', {
      description:
        "Forwards the data bucket's S3 Object Created events from the default bus to the platform bus",
      eventPattern: {
        source: [S3ObjectCreated.source],
        detailType: [S3ObjectCreated.detailType],
        detail: { bucket: { name: [dataBucket.bucketName] } },
      },
      targets: [new EventBusTarget(bus, { deadLetterQueue: this.forwardDeadLetterQueue })],
    });

    const readMessage = READ_DEAD_LETTER;
    this.deadLetterAlarm = notEmptyAlarm(this, 'DeadLetterAlarm', this.deadLetterQueue, {
      alarmName: `data-mesh-${stage}-publishing-dlq-not-empty`,
      description: [
        'Object Created events could not be delivered to a publishing function (8 retries or 2 hours),',
        'or the function failed on them three times, and are parked in the publishing dead-letter queue.',
        `Runbook: 1) ${readMessage} (or, for function failures, responsePayload.errorMessage of the Lambda`,
        "destination record), and the function's log group shows handler errors; 2) fix the cause;",
        '3) re-drive by replaying the failure window from the platform bus archive:',
        'aws events start-replay --event-source-arn <archive ARN> --event-start-time <first failure>',
        '--event-end-time <last failure> --destination Arn=<bus ARN> (handlers are idempotent; an SQS redrive',
        'cannot send back to a rule); 4) purge the queue once the replay succeeded.',
      ],
    });
    this.forwardDeadLetterAlarm = notEmptyAlarm(this, 'ForwardDeadLetterAlarm', this.forwardDeadLetterQueue, {
      alarmName: `data-mesh-${stage}-publishing-forward-dlq-not-empty`,
      description: [
        'S3 Object Created events of the data bucket could not be forwarded from the default bus to the',
        'platform bus and are parked in the forwarding dead-letter queue.',
        `Runbook: 1) ${readMessage} (typically the forwarding role or the platform bus); 2) fix the cause;`,
        '3) these events never reached the platform bus, so its archive cannot replay them: re-announce each',
        'object named in a message (detail.object.key) by copying it onto itself',
        '(aws s3 cp s3://<bucket>/<key> s3://<bucket>/<key> --metadata-directive REPLACE), which emits a new',
        'Object Created; 4) purge the queue.',
      ],
    });
  }

  /** Reading any object (and version) of the data bucket; `s3:ListBucket` makes a missing key a 404, not a 403. */
  private grantRead(fn: HouseFunction, bucket: IBucket) {
    const anyObject = bucket.arnForObjects('*');
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject*'], resources: [anyObject] }));
    Validations.of(fn.defaultPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Action::s3:GetObject*]',
      reason:
        's3:GetObject* is the read family of one object (GetObject, GetObjectVersion, their tagging/attributes), ' +
        'needed to read an upload by version and to copy it with its tags into quarantine.',
    });
    acknowledgeWildcardResources(
      fn.defaultPolicy,
      [anyObject],
      'Object keys are chosen by producers, so reading an upload (and deleting the original when it is ' +
        'quarantined) applies to any key of the data bucket.',
    );
  }

  /**
   * Quarantining a file is copy-then-delete: the copy writes under the quarantine prefix only, but the delete
   * removes the *original*, which can be any key, so delete is granted on `bucket/*` while put stays under
   * `_quarantine/*`. The bucket is versioned and events carry a version id, so deleting exactly the bad
   * upload needs `s3:DeleteObjectVersion` too.
   */
  private grantQuarantine(fn: HouseFunction, bucket: IBucket) {
    const quarantined = bucket.arnForObjects(`${QUARANTINE_PREFIX}*`);
    // A copy carries the source's tags over, which is a tagging write on the destination.
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:PutObject', 's3:PutObjectTagging'], resources: [quarantined] }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [bucket.arnForObjects('*')],
      }),
    );
    acknowledgeWildcardResources(
      fn.defaultPolicy,
      [quarantined],
      `Writes are limited to the quarantine prefix (${QUARANTINE_PREFIX}), whose keys mirror the producer's keys.`,
    );
  }
}
