import { S3ObjectCreated } from '../../events/inbound/s3-object-created';
import { handleObjectCreated } from '../core/publishing/handle-object-created';
import { toInboundObject } from '../core/publishing/inbound-object';
import type { PublishingDeps } from '../core/publishing/publishing-deps';
import { eventHandler } from '../shared/event-handler';
import { logger } from '../shared/logger';
import { buildPublishingDeps } from './publishing-root';

/** `Object Created` in a data bucket → register a contract or publish/quarantine a CSV. */
export const makeHandler = (deps: () => PublishingDeps) =>
  eventHandler(S3ObjectCreated, async (event) => {
    logger.appendKeys({ bucket: event.detail.bucket.name, key: event.detail.object.key });
    return handleObjectCreated(deps(), toInboundObject(event));
  });

let deps: PublishingDeps | undefined;
export const handler = makeHandler(() => {
  deps ??= buildPublishingDeps();
  return deps;
});
