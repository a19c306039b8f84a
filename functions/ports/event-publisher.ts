import type { EventContract } from '../../events/event-contract';
import type * as z from '../shared/zod';

/** A domain event ready to publish: its contract and a detail that satisfies it. */
export interface OutgoingEvent<D extends z.ZodMiniType = z.ZodMiniType> {
  contract: EventContract<D>;
  detail: z.infer<D>;
}

export const outgoing = <D extends z.ZodMiniType>(
  contract: EventContract<D>,
  detail: z.infer<D>,
): OutgoingEvent => ({
  contract,
  detail,
});

/** Puts domain events on the platform bus. Validates each detail against its contract before sending. */
export interface EventPublisher {
  publish(events: OutgoingEvent[]): Promise<void>;
}
