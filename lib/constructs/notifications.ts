import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../nag';
import { deadLetterQueue, notEmptyAlarm, READ_DEAD_LETTER } from './dead-letter';
import { HouseFunction } from './house-function';
import { platformRuleFor } from './platform-rule';

export interface NotificationsProps {
  readonly stage: string;
  readonly bus: IEventBus;
  readonly table: ITable;
  /** The SES identity notifications are sent from. @default 'data-mesh@example.com' */
  readonly mailFrom?: string;
}

/**
 * Product-change notifications: the fan-out function (product events → one SQS message per subscription to
 * tell), the delivery queue with its dead-letter queue, the delivery function (one channel call per message,
 * exactly once through the ledger in the registry table), the IAM-authorised subscriptions API, and alarms.
 */
export class Notifications extends Construct {
  public readonly fanOut: HouseFunction;
  public readonly deliver: HouseFunction;
  public readonly api: HouseFunction;
  public readonly httpApi: HttpApi;
  public readonly rule: Rule;
  public readonly queue: Queue;
  public readonly queueDeadLetters: Queue;
  public readonly fanOutDeadLetters: Queue;
  public readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const { stage, bus, table } = props;
    const environment = { MAIL_FROM: props.mailFrom ?? 'data-mesh@example.com' };

    const deliveryTimeout = Duration.seconds(30);
    this.queueDeadLetters = new Queue(this, 'DeliveryDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'DeliveryQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Lambda's advice: at least six times the function timeout, so retries wait and do not overlap.
      visibilityTimeout: deliveryTimeout.plus(Duration.minutes(2)).plus(Duration.seconds(30)),
      deadLetterQueue: { queue: this.queueDeadLetters, maxReceiveCount: 5 },
    });

    this.fanOut = new HouseFunction(this, 'FanOut', {
      handler: 'notify-fan-out',
      description: 'Turns product events into one queued delivery per subscription to tell',
      memorySize: 256,
      timeout: Duration.minutes(1),
      environment: { ...environment, DELIVERY_QUEUE_URL: this.queue.queueUrl },
    });
    this.fanOut.bindTable(table, 'RO', 'TABLE_NAME').bindBus(bus, 'EVENT_BUS_NAME');
    this.queue.grantSendMessages(this.fanOut);
    this.fanOutDeadLetters = deadLetterQueue(this, 'FanOutDeadLetterQueue');
    this.rule = platformRuleFor(this, 'notify-fan-out', bus, this.fanOut, this.fanOutDeadLetters);

    this.deliver = new HouseFunction(this, 'Deliver', {
      handler: 'notify-deliver',
      description: 'Delivers one notification per queued message to its channel, exactly once (ledger)',
      memorySize: 256,
      timeout: deliveryTimeout,
      // A failed message's back-off is its visibility timeout, changed through this URL (the event source
      // grants sqs:ChangeMessageVisibility).
      environment: { ...environment, DELIVERY_QUEUE_URL: this.queue.queueUrl },
    });
    this.deliver.bindTable(table, 'RW', 'TABLE_NAME').bindBus(bus, 'EVENT_BUS_NAME');
    this.deliver.addEventSource(
      // The local queue's batches are as large (DELIVERY_BATCH_SIZE; a test holds the two together).
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: 20,
      }),
    );
    const { region, account } = Stack.of(this);
    const identity = `arn:aws:ses:${region}:${account}:identity/*`;
    const queues = 'arn:aws:sqs:*:*:*';
    const buses = 'arn:aws:events:*:*:event-bus/*';
    this.deliver.addToRolePolicy(new PolicyStatement({ actions: ['ses:SendEmail'], resources: [identity] }));
    this.deliver.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queues] }));
    this.deliver.addToRolePolicy(new PolicyStatement({ actions: ['events:PutEvents'], resources: [buses] }));
    acknowledgeWildcardResources(
      this.deliver.defaultPolicy,
      [identity, queues, buses],
      'Subscribers choose their own queue or bus, often in their own account: which ARNs are reachable is decided ' +
        "by each target's resource policy, not by this role. E-mail goes through the account's verified SES identities.",
    );

    this.api = new HouseFunction(this, 'Api', {
      handler: 'subscriptions-api',
      description: 'The subscriptions API: create, list and delete subscriptions, read the delivery ledger',
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment,
    });
    this.api.bindTable(table, 'RW', 'TABLE_NAME').bindBus(bus, 'EVENT_BUS_NAME');
    const authorizer: IHttpRouteAuthorizer = new HttpIamAuthorizer();
    this.httpApi = new HttpApi(this, 'SubscriptionsApi', {
      description: `Data mesh (${stage}) subscriptions API (IAM authorisation)`,
      defaultAuthorizer: authorizer,
    });
    const integration = new HttpLambdaIntegration('ApiIntegration', this.api);
    for (const [path, methods] of [
      ['/subscriptions', [HttpMethod.GET, HttpMethod.POST]],
      ['/subscriptions/{id}', [HttpMethod.DELETE]],
      ['/subscriptions/{id}/secret', [HttpMethod.POST]],
      ['/deliveries', [HttpMethod.GET]],
    ] as const) {
      this.httpApi.addRoutes({ path, methods: [...methods], integration });
    }
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    const stageResource = this.httpApi.defaultStage?.node.defaultChild as CfnStage;
    stageResource.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        caller: '$context.identity.userArn',
        route: '$context.routeKey',
        status: '$context.status',
        latency: '$context.responseLatency',
      }),
    };
    new CfnOutput(this, 'SubscriptionsApiUrl', { value: this.httpApi.apiEndpoint });

    this.alarms = [
      notEmptyAlarm(this, 'DeliveryDeadLetterAlarm', this.queueDeadLetters, {
        alarmName: `data-mesh-${stage}-notifications-delivery-dlq-not-empty`,
        description: [
          'Notifications could not be delivered after 5 attempts (the target timed out or answered 5xx/429) and',
          'are parked in the delivery dead-letter queue; each was also announced as Notification Failed.',
          'Runbook: 1) read a message (subscription and notification); 2) check the target (mesh deliveries',
          '--failed shows the last error); 3) redrive the queue to the delivery queue (aws sqs',
          'start-message-move-task): the ledger delivers each notification once; 4) or delete the subscription.',
        ],
      }),
      notEmptyAlarm(this, 'FanOutDeadLetterAlarm', this.fanOutDeadLetters, {
        alarmName: `data-mesh-${stage}-notifications-fan-out-dlq-not-empty`,
        description: [
          'Product events could not be fanned out to subscriptions (registry or queue failures).',
          `Runbook: 1) ${READ_DEAD_LETTER}; 2) fix the cause; 3) replay the window from the bus archive.`,
        ],
      }),
    ];
  }
}
