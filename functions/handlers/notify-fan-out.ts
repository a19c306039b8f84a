import { NOTIFICATION_EVENTS } from '../../events/rules';
import { fanOut } from '../core/notifications/fan-out';
import type { NotificationDeps } from '../core/notifications/notification-deps';
import { eventsHandler } from '../shared/event-handler';
import { logger } from '../shared/logger';
import { buildNotificationDeps } from './notifications-root';

/** Product events and new subscriptions → one queued delivery per subscription to tell. */
export const makeHandler = (deps: () => NotificationDeps) =>
  eventsHandler(NOTIFICATION_EVENTS, async (event) => {
    const { metadata } = event.detail;
    logger.appendKeys({ productId: metadata.productId, eventId: metadata.eventId });
    return fanOut(deps(), {
      id: metadata.eventId,
      detailType: event['detail-type'],
      detail: event.detail,
      occurredAt: metadata.occurredAt,
      productId: metadata.productId,
    });
  });

let deps: NotificationDeps | undefined;
export const handler = makeHandler(() => {
  deps ??= buildNotificationDeps();
  return deps;
});
