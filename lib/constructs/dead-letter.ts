import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** An encrypted, TLS-only queue that parks events a target could not take, kept 14 days. */
export const deadLetterQueue = (scope: Construct, id: string): Queue => {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue.node.defaultChild ?? queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is itself the dead-letter queue of an EventBridge target; its messages are re-driven by ' +
      'replaying the bus archive, so it has no consumer whose failures would need another DLQ.',
  });
  return queue;
};

/** Alarms as soon as `queue` holds a message; `description` (joined with spaces) is the runbook. */
export const notEmptyAlarm = (
  scope: Construct,
  id: string,
  queue: Queue,
  options: { alarmName: string; description: string[] },
): Alarm =>
  new Alarm(scope, id, {
    alarmName: options.alarmName,
    alarmDescription: options.description.join(' '),
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: Stats.MAXIMUM,
    }),
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    // An empty, idle queue stops reporting; no data means nothing is parked.
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });

/** The read-a-message step every dead-letter runbook starts with. */
export const READ_DEAD_LETTER =
  'read a message: its ERROR_CODE and ERROR_MESSAGE attributes say why EventBridge gave up';
