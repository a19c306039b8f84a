import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { EventBridgeEnvelopeSchema, type EventContract } from '../../events/event-contract';
import { logger } from './logger';
import type * as z from './zod';

/** An event that does not satisfy its contract. Retrying cannot fix it; it belongs in the dead-letter queue. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  readonly retryable = false;
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

/**
 * The same stack for a function that consumes several event types: the envelope is parsed against the
 * contract its source and detail-type name, which must be one of `contracts`.
 */
export const eventsHandler = <C extends EventContract<z.ZodMiniType>, R>(
  contracts: readonly C[],
  handle: (event: z.infer<C['envelope']>, contract: C, context: Context) => Promise<R>,
) =>
  middy<unknown, R>()
    .before((request) => logger.startInvocation(request.context))
    .handler(async (event, context) => {
      const header = EventBridgeEnvelopeSchema.safeParse(event);
      const contract = header.success
        ? contracts.find(
            (c) => c.source === header.data.source && c.detailType === header.data['detail-type'],
          )
        : undefined;
      if (!contract) {
        throw new InvalidEventError(
          `not one of the events this function consumes (${contracts.map((c) => c.detailType).join(', ')})`,
        );
      }
      const parsed = contract.envelope.safeParse(event);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        throw new InvalidEventError(`not a valid "${contract.detailType}" event: ${issues}`);
      }
      return handle(parsed.data as z.infer<C['envelope']>, contract, context);
    });
