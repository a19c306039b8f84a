import { S3ObjectCreated } from '../../events/inbound/s3-object-created';
import { toInboundObject } from '../core/publishing/inbound-object';
import { type ObjectEventUseCase, processObjectEvent } from '../core/publishing/process-object-event';
import type { PublishingDeps } from '../core/publishing/publishing-deps';
import { eventHandler } from '../shared/event-handler';
import { logger } from '../shared/logger';

/** A Lambda handler for `Object Created` events that runs one publishing use case. */
export const makeObjectEventHandler = (useCase: ObjectEventUseCase) => (deps: () => PublishingDeps) =>
  eventHandler(S3ObjectCreated, async (event) => {
    logger.appendKeys({ bucket: event.detail.bucket.name, key: event.detail.object.key });
    return processObjectEvent(deps(), toInboundObject(event), useCase);
  });
