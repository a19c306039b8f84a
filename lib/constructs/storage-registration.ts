import { CfnOutput, Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { AccountPrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { platformNames } from '../producer/platform-reference';
import { deadLetterQueue, notEmptyAlarm } from './dead-letter';
import { HouseFunction } from './house-function';
import { grantProducerStorageRead } from './producer-storage-access';

export interface StorageRegistrationProps {
  readonly stage: string;
  readonly bus: IEventBus;
  readonly table: ITable;
  /** Accounts whose `ProducerBucket` stacks may register (CDK context `producerAccounts`). */
  readonly producerAccounts: readonly string[];
  /** The platform's default bucket, which no producer may register in. */
  readonly dataBucket: IBucket;
}

/**
 * The service token of `ProducerBucket`'s custom resource: a function with a fixed name (so producers derive
 * its ARN from the stage) that producer accounts may invoke, which checks it can read the prefix and
 * registers it. Requests it cannot even answer (no response URL) end in its dead-letter queue.
 */
export class StorageRegistration extends Construct {
  public readonly function: HouseFunction;
  public readonly deadLetterQueue: Queue;
  public readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: StorageRegistrationProps) {
    super(scope, id);
    const { stage, bus, table, producerAccounts } = props;
    this.function = new HouseFunction(this, 'Function', {
      handler: 'storage-registration',
      functionName: platformNames(stage).registrationFunctionName,
      description: 'Registers producer buckets (ProducerBucket custom resource): bucket + prefix → product',
      memorySize: 256,
      timeout: Duration.seconds(30),
      environment: {
        // None listed: every request is refused (an empty list allows no account).
        ALLOWED_ACCOUNTS: producerAccounts.join(',') || 'none',
        DATA_BUCKET_NAME: props.dataBucket.bucketName,
      },
    });
    this.function.bindTable(table, 'RW', 'TABLE_NAME').bindBus(bus, 'EVENT_BUS_NAME');
    grantProducerStorageRead(this.function, producerAccounts, { list: true });
    for (const account of producerAccounts) {
      this.function.addPermission(`Invoke${account}`, {
        principal: new AccountPrincipal(account),
        action: 'lambda:InvokeFunction',
      });
    }

    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue');
    // CloudFormation invokes asynchronously: a request that could not be answered at all is kept here.
    this.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    this.deadLetterAlarm = notEmptyAlarm(this, 'DeadLetterAlarm', this.deadLetterQueue, {
      alarmName: `data-mesh-${stage}-storage-registration-dlq-not-empty`,
      description: [
        'A storage registration request could not be answered (malformed request, or the response URL was',
        'unreachable three times); the producer stack waits for CloudFormation’s timeout.',
        'Runbook: 1) read the message (requestPayload is the CloudFormation request, responsePayload the error);',
        '2) tell the producer team (StackId names their account and stack) to retry their deployment; 3) purge.',
      ],
    });

    new CfnOutput(this, 'ServiceToken', {
      description: 'ProducerBucket custom resources call this function (derived from the stage by producers)',
      value: this.function.functionArn,
    });
  }
}
