import {
  DataProductDeprecated,
  DataProductRegistered,
  DataProductSchemaChanged,
  DataProductUpdated,
} from '../../../events/domain/product-events';
import type { OutgoingEvent } from '../../ports/event-publisher';
import type { DataContract } from '../contracts/data-contract';
import type { LastChange, ProductRecord } from '../registry/records';
import type { EventFactory } from './rejection';

/**
 * The events a product write announces (storage changes are settled again instead). Named here rather than
 * found in the whole catalogue, which would bundle every event schema into the publishing functions.
 */
const KEPT = [DataProductRegistered, DataProductUpdated, DataProductSchemaChanged, DataProductDeprecated];

/** The outbox entry a product write carries: the events it will announce, by their cause. */
export const lastChange = (
  ids: EventFactory,
  events: OutgoingEvent[],
  previousServers?: DataContract['servers'],
): LastChange => ({
  origin: ids.origin,
  events: events.map((event) => ({ detailType: event.contract.detailType, detail: event.detail })),
  ...(previousServers ? { previousServers } : {}),
});

/**
 * The change this cause already made, when the record says so: its events, parsed again with their
 * contracts (the stored record is a boundary like any other). Undefined for any other cause.
 */
export const replayLastChange = (
  record: ProductRecord | undefined,
  ids: EventFactory,
): { events: OutgoingEvent[]; previousServers?: DataContract['servers'] } | undefined => {
  const change = record?.lastChange;
  if (!change || change.origin !== ids.origin) return undefined;
  const events = change.events.map(({ detailType, detail }): OutgoingEvent => {
    const contract = KEPT.find((c) => c.detailType === detailType);
    if (!contract) throw new Error(`product ${record.id} keeps an event of unknown type ${detailType}`);
    return { contract, detail: contract.detail.parse(detail) };
  });
  return { events, ...(change.previousServers ? { previousServers: change.previousServers } : {}) };
};
