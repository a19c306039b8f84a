import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { EventPublisher, OutgoingEvent } from '../../ports/event-publisher';

/** PutEvents accepts at most 10 entries per call. */
const BATCH_SIZE = 10;

export class EventPublishError extends Error {
  override readonly name = 'EventPublishError';
}

/** Publishes domain events to the platform bus, validating every detail against its contract first. */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: OutgoingEvent[]): Promise<void> {
    const entries: PutEventsRequestEntry[] = events.map(({ contract, detail }) => ({
      EventBusName: this.busName,
      Source: contract.source,
      DetailType: contract.detailType,
      Detail: JSON.stringify(contract.detail.parse(detail)),
    }));
    for (let i = 0; i < entries.length; i += BATCH_SIZE) {
      const batch = entries.slice(i, i + BATCH_SIZE);
      const out = await this.client.send(new PutEventsCommand({ Entries: batch }));
      if ((out.FailedEntryCount ?? 0) > 0) {
        const failures = (out.Entries ?? [])
          .map((e, j) =>
            e.ErrorCode ? `${batch[j]?.DetailType}: ${e.ErrorCode} ${e.ErrorMessage ?? ''}` : undefined,
          )
          .filter(Boolean);
        // Throwing makes the whole inbound event retry; the event ids are deterministic, so re-sent entries are
        // recognisable duplicates for consumers.
        throw new EventPublishError(
          `${out.FailedEntryCount} of ${batch.length} events were not accepted: ${failures.join('; ')}`,
        );
      }
    }
  }
}
