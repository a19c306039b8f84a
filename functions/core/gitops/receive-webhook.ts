import { GitPushReceived } from '../../../events/inbound/git-push-received';
import type { Clock } from '../../ports/clock';
import { type EventPublisher, outgoing } from '../../ports/event-publisher';
import type { Logger } from '../../ports/logger';
import type { Registry } from '../../ports/registry';
import { interpretWebhook, type WebhookConfig, type WebhookRequest } from '../webhooks/interpret-webhook';

export interface ReceiverDeps {
  registry: Registry;
  events: EventPublisher;
  clock: Clock;
  logger: Logger;
}

export interface WebhookResponse {
  statusCode: number;
  body: { status: string; message: string; host?: string; deliveryId?: string };
}

/** How long a delivery being put on the bus holds its id against a concurrent redelivery. */
const DELIVERY_LEASE_MS = 60_000;

/**
 * The webhook receiver: verify the signature on the raw bytes, normalise the push, de-duplicate by delivery
 * id and put one `Git Push Received` event on the bus. It reads no repository content, so it answers well
 * within the hosts' timeouts (GitHub's is 10 s); the push processor does the heavy work.
 */
export const receiveWebhook = async (
  deps: ReceiverDeps,
  request: WebhookRequest,
  config: WebhookConfig,
): Promise<WebhookResponse> => {
  const outcome = interpretWebhook(request, config);
  if (outcome.status === 401 || outcome.status === 400) {
    deps.logger.warn('webhook refused', {
      status: outcome.status,
      host: outcome.host,
      reason: outcome.reason,
    });
    return {
      statusCode: outcome.status,
      body: { status: 'refused', message: outcome.reason, host: outcome.host },
    };
  }
  if (outcome.kind === 'ping') {
    return { statusCode: 200, body: { status: 'pong', message: 'webhook configured', host: outcome.host } };
  }
  const { host, deliveryId } = outcome;
  if (outcome.kind === 'ignored') {
    deps.logger.info('webhook ignored', { host, deliveryId, reason: outcome.reason });
    return { statusCode: 202, body: { status: 'ignored', message: outcome.reason, host, deliveryId } };
  }

  const key = ['webhook', host, deliveryId].join('|');
  const claim = await deps.registry.beginEvent(key, DELIVERY_LEASE_MS);
  if (claim === 'completed') {
    // The host redelivered a delivery that is already on the bus: acknowledge, it is processed once.
    return {
      statusCode: 202,
      body: { status: 'duplicate', message: `delivery ${deliveryId} was already received`, host, deliveryId },
    };
  }
  if (claim === 'in-progress') {
    // Another attempt holds it and may still fail: acknowledging now could lose it, so ask for a retry.
    return {
      statusCode: 409,
      body: {
        status: 'in-progress',
        message: `delivery ${deliveryId} is being received; retry`,
        host,
        deliveryId,
      },
    };
  }
  try {
    const event = outgoing(GitPushReceived, { ...outcome.push, receivedAt: deps.clock().toISOString() });
    await deps.events.publish([event]);
  } catch (error) {
    await deps.registry.releaseEvent(key).catch(() => undefined);
    throw error;
  }
  await deps.registry.completeEvent(key, []);
  const { push } = outcome;
  deps.logger.info('push received', {
    host,
    deliveryId,
    repository: push.repository.fullName,
    after: push.after,
  });
  return {
    statusCode: 202,
    body: {
      status: 'accepted',
      message: `push ${push.before.slice(0, 7)}..${push.after.slice(0, 7)} to ${push.branch} accepted`,
      host,
      deliveryId,
    },
  };
};
