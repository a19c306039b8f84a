import type { OutgoingEvent } from '../../ports/event-publisher';
import { parseContract } from '../contracts/parse-contract';
import { readTextWithin } from '../read-text';
import type { StorageLocation } from '../registry/records';
import { applyContract } from './apply-contract';
import { type InboundObject, objectRef } from './inbound-object';
import type { ProductFolder } from './object-key';
import type { PublishingDeps } from './publishing-deps';
import { type EventFactory, rejection } from './rejection';

/**
 * A product folder's `datacontract.yaml` was written to a bucket: read and parse it, then register or update the
 * product bound to that folder (applyContract). Every write is conditional, so concurrent uploads of two
 * contracts for one product settle on one of them instead of interleaving.
 */
export const registerContract = async (
  deps: PublishingDeps,
  object: InboundObject,
  productId: string,
  folder: ProductFolder,
  ids: EventFactory,
): Promise<OutgoingEvent[]> => {
  const ref = objectRef(object);
  const read = await readContractText(deps, object);
  if (!read.ok) return [rejection(ids, productId, 'invalid-contract', ref, read.problems)];

  const fileName = object.key.slice(folder.prefix.length);
  const parsed = parseContract(read.text, { fileName, productId });
  if (!parsed.ok) return [rejection(ids, productId, 'invalid-contract', ref, parsed.problems)];

  const location: StorageLocation = { kind: 's3', bucket: folder.bucket, prefix: folder.prefix };
  return applyContract(
    {
      registry: deps.registry,
      clock: deps.clock,
      storage: deps.storage,
      ...(deps.settings.defaultBucket ? { defaultBucket: deps.settings.defaultBucket } : {}),
    },
    { productId, contract: parsed.contract, text: read.text, ref, location },
    ids,
  );
};

const readContractText = (deps: PublishingDeps, object: InboundObject) =>
  readTextWithin(() => deps.objects.read(object.bucket, object.key, object.versionId), {
    path: object.key,
    limit: deps.settings.maxContractBytes,
    knownSize: object.size,
    what: 'contract',
  });
