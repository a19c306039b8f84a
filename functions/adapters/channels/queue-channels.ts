import { createHash } from 'node:crypto';
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
} from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Channel, Notification } from '../../core/notifications/subscription';
import { type ChannelSender, type DeliveryContext, DeliveryError } from '../../ports/channel-sender';
import { deliveryErrorFromAws } from './aws-delivery-error';
import { cloudEventFor } from './webhook-channel';

/** One client for every target, or one per region (the target's region is in its ARN). */
export type ClientSource<C> = C | ((region: string) => C);

export const NOTIFICATION_EVENT_SOURCE = 'datamesh.notifications';
export const NOTIFICATION_DETAIL_TYPE = 'Data Product Notification';

interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

const parseArn = (arn: string): ParsedArn | undefined => {
  const [prefix, partition, service, region, account, ...rest] = arn.split(':');
  if (prefix !== 'arn' || !partition || !service || !region || !account || rest.length === 0)
    return undefined;
  return { partition, service, region, account, resource: rest.join(':') };
};

const DNS_SUFFIX: Record<string, string> = { 'aws-cn': 'amazonaws.com.cn' };

/** `arn:aws:sqs:eu-west-1:123456789012:orders` → `https://sqs.eu-west-1.amazonaws.com/123456789012/orders`. */
export const queueUrlFromArn = (queueArn: string): string => {
  const arn = parseArn(queueArn);
  if (arn?.service !== 'sqs') throw new DeliveryError(`${queueArn} is not an SQS queue ARN`, 'permanent');
  const suffix = DNS_SUFFIX[arn.partition] ?? 'amazonaws.com';
  return `https://sqs.${arn.region}.${suffix}/${arn.account}/${arn.resource}`;
};

const regionOf = (arn: string): string => parseArn(arn)?.region ?? '';

const clientFor = <C>(source: ClientSource<C>, arn: string): C =>
  typeof source === 'function' ? (source as (region: string) => C)(regionOf(arn)) : source;

/**
 * FIFO group and deduplication ids: at most 128 characters of printable ASCII. Ids that do not fit are
 * replaced by their SHA-256 (still deterministic, so deduplication still works).
 */
export const fifoId = (value: string): string =>
  /^[\x21-\x7e]{1,128}$/.test(value) ? value : createHash('sha256').update(value).digest('hex');

/**
 * An SQS queue of the subscriber's: the message body is the notification's CloudEvent. FIFO queues get the
 * product as message group (a product's notifications stay in order) and the notification id as
 * deduplication id (a redelivery within SQS's five minutes is dropped by the queue).
 */
export class SqsChannel implements ChannelSender {
  constructor(private readonly clients: ClientSource<SQSClient>) {}

  async send(channel: Channel, notification: Notification, _context: DeliveryContext): Promise<void> {
    if (channel.kind !== 'sqs') {
      throw new DeliveryError(`the SQS channel cannot deliver to a ${channel.kind} channel`, 'permanent');
    }
    const queueUrl = queueUrlFromArn(channel.queueArn);
    const fifo = channel.queueArn.endsWith('.fifo');
    try {
      await clientFor(this.clients, channel.queueArn).send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(cloudEventFor(notification)),
          MessageAttributes: {
            notificationType: { DataType: 'String', StringValue: notification.type },
            productId: { DataType: 'String', StringValue: notification.productId },
          },
          ...(fifo
            ? {
                MessageGroupId: fifoId(notification.productId),
                MessageDeduplicationId: fifoId(notification.id),
              }
            : {}),
        }),
      );
    } catch (error) {
      throw deliveryErrorFromAws(error, `SQS SendMessage to ${channel.queueArn}`);
    }
  }
}

/**
 * An EventBridge bus of the subscriber's (usually in their account: the bus policy must allow ours). The
 * detail is the notification's CloudEvent, so rules can match on `detail.type`, `detail.subject`, ….
 */
export class EventBridgeChannel implements ChannelSender {
  constructor(private readonly clients: ClientSource<EventBridgeClient>) {}

  async send(channel: Channel, notification: Notification, _context: DeliveryContext): Promise<void> {
    if (channel.kind !== 'eventbridge') {
      throw new DeliveryError(
        `the EventBridge channel cannot deliver to a ${channel.kind} channel`,
        'permanent',
      );
    }
    const what = `EventBridge PutEvents to ${channel.busArn}`;
    const occurredAt = new Date(notification.occurredAt);
    let out: PutEventsCommandOutput;
    try {
      out = await clientFor(this.clients, channel.busArn).send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: channel.busArn,
              Source: NOTIFICATION_EVENT_SOURCE,
              DetailType: NOTIFICATION_DETAIL_TYPE,
              Detail: JSON.stringify(cloudEventFor(notification)),
              ...(Number.isNaN(occurredAt.getTime()) ? {} : { Time: occurredAt }),
            },
          ],
        }),
      );
    } catch (error) {
      throw deliveryErrorFromAws(error, what);
    }
    if ((out.FailedEntryCount ?? 0) > 0) {
      const entry = out.Entries?.[0];
      const reason = entry?.ErrorCode
        ? `${entry.ErrorCode}${entry.ErrorMessage ? `: ${entry.ErrorMessage}` : ''}`
        : 'no reason given';
      throw new DeliveryError(`${what}: the event was not accepted (${reason})`, 'retryable');
    }
  }
}
