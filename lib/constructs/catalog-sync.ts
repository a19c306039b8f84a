import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue, notEmptyAlarm, READ_DEAD_LETTER } from './dead-letter';
import { HouseFunction } from './house-function';
import { platformRuleFor } from './platform-rule';

/** Where DataHub is (CDK context `datahub`). */
export interface DataHubSettings {
  /** GMS base URL, e.g. `https://datahub.example.com/api/gms`; without it proposals are only logged. */
  readonly gmsUrl?: string;
  /** DataHub's fabric in dataset URNs. @default 'PROD' */
  readonly env?: string;
}

export interface CatalogSyncProps {
  readonly stage: string;
  readonly bus: IEventBus;
  readonly table: ITable;
  /** JSON `{"token": "…"}`: a DataHub personal access token. */
  readonly tokenSecret: ISecret;
  readonly settings: DataHubSettings;
}

/**
 * The catalog plane: every product change reaches DataHub as a batch of proposals built from the product's
 * current state, through the rule for the product events, with retries, a dead-letter queue and an alarm.
 */
export class CatalogSync extends Construct {
  public readonly function: HouseFunction;
  public readonly rule: Rule;
  public readonly deadLetterQueue: Queue;
  public readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: CatalogSyncProps) {
    super(scope, id);
    const { stage, bus, table, settings } = props;
    this.function = new HouseFunction(this, 'Function', {
      handler: 'catalog-sync',
      description: 'Sends each product change to DataHub as metadata change proposals (REST, batched)',
      memorySize: 256,
      // The emitter retries 429/5xx with back-off (up to ~30 s) within one invocation.
      timeout: Duration.minutes(2),
      environment: {
        DATAHUB_TOKEN_SECRET_ARN: props.tokenSecret.secretArn,
        DATAHUB_ENV: settings.env ?? 'PROD',
        ...(settings.gmsUrl ? { DATAHUB_GMS_URL: settings.gmsUrl } : {}),
      },
    });
    this.function.bindTable(table, 'RO', 'TABLE_NAME');
    props.tokenSecret.grantRead(this.function);

    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue');
    this.rule = platformRuleFor(this, 'catalog-sync', bus, this.function, this.deadLetterQueue);
    this.deadLetterAlarm = notEmptyAlarm(this, 'DeadLetterAlarm', this.deadLetterQueue, {
      alarmName: `data-mesh-${stage}-catalog-dlq-not-empty`,
      description: [
        'Product events could not be sent to DataHub (GMS down or throttling after retries, a rejected token,',
        'or a proposal GMS refused with 422) and are parked in the catalog dead-letter queue.',
        `Runbook: 1) ${READ_DEAD_LETTER}, or responsePayload.errorMessage of the Lambda destination record`,
        '(CatalogRejectedError carries the GMS message, the entity and the aspect); 2) fix the cause (token in',
        `data-mesh/${stage}/datahub-token, GMS health, the aspect); 3) replay the window from the bus archive`,
        '(aws events start-replay …): proposals carry the current state, so replays are harmless; 4) purge.',
      ],
    });
  }
}
