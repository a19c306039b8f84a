import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { buildChannelRouter } from '../adapters/channels/channel-router';
import { newSigningSecret } from '../adapters/channels/webhook-channel';
import { DynamoDbRegistry } from '../adapters/dynamodb/dynamodb-registry';
import { DynamoDbSubscriptionStore } from '../adapters/dynamodb/dynamodb-subscription-store';
import { EventBridgePublisher } from '../adapters/eventbridge/eventbridge-publisher';
import { SqsDeliveryQueue } from '../adapters/sqs/sqs-delivery-queue';
import { ConfigurationError } from '../core/errors';
import { type NotificationDeps, notificationSettingsFor } from '../core/notifications/notification-deps';
import type { DeliveryQueue } from '../ports/delivery-queue';
import {
  createDynamoClient,
  createDynamoLowLevelClient,
  createEventsClient,
  withoutSdkLogging,
} from '../shared/clients';
import { NotificationEnvSchema, parseEnv } from '../shared/env';
import { logger } from '../shared/logger';

/**
 * Composition root of the notification functions. `queue` replaces the SQS queue locally (the in-process
 * queue); everything else is the same adapters as on AWS.
 */
export const buildNotificationDeps = (
  env: NodeJS.ProcessEnv = process.env,
  overrides: { queue?: DeliveryQueue } = {},
): NotificationDeps => {
  const config = parseEnv(NotificationEnvSchema, env);
  const region = env.AWS_REGION ? { region: env.AWS_REGION } : {};
  const dynamo = createDynamoClient(env);
  const queue =
    overrides.queue ??
    (config.DELIVERY_QUEUE_URL
      ? new SqsDeliveryQueue(withoutSdkLogging(new SQSClient(region)), config.DELIVERY_QUEUE_URL)
      : unavailableQueue);
  return {
    registry: new DynamoDbRegistry(dynamo, config.TABLE_NAME),
    subscriptions: new DynamoDbSubscriptionStore(
      { document: dynamo, lowLevel: createDynamoLowLevelClient(env) },
      config.TABLE_NAME,
    ),
    queue,
    channels: buildChannelRouter({
      mode: config.NOTIFY_MODE,
      fromAddress: config.MAIL_FROM,
      ...(config.MAIL_OUTBOX_DIR ? { outboxDir: config.MAIL_OUTBOX_DIR } : { ses: new SESv2Client(region) }),
      // Subscriber queues and buses get a client per region (from their ARN), never the local endpoints.
    }),
    events: new EventBridgePublisher(createEventsClient(env), config.EVENT_BUS_NAME),
    clock: () => new Date(),
    logger,
    newSecret: newSigningSecret,
    settings: notificationSettingsFor(config.NOTIFY_MODE),
  };
};

const unavailable = async () => {
  throw new ConfigurationError('DELIVERY_QUEUE_URL is not set');
};

const unavailableQueue: DeliveryQueue = { enqueue: unavailable, retryLater: unavailable };
