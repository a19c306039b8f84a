import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { EventContract } from '../../events/event-contract';
import { logger } from './logger';
import type * as z from './zod';

/** An event that does not satisfy its contract. Retrying cannot fix it; it belongs in the dead-letter queue. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

/**
 * The one middleware stack of every EventBridge-triggered function: logger context outermost, then the
 * envelope parsed against the event contract. Errors propagate so that retries and dead-lettering work.
 */
export const eventHandler = <D extends z.ZodMiniType, R>(
  contract: EventContract<D>,
  handle: (event: z.infer<EventContract<D>['envelope']>, context: Context) => Promise<R>,
) =>
  middy<unknown, R>()
    .before((request) => logger.startInvocation(request.context))
    .handler(async (event, context) => {
      const parsed = contract.envelope.safeParse(event);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        throw new InvalidEventError(`not a valid "${contract.detailType}" event: ${issues}`);
      }
      return handle(parsed.data, context);
    });
