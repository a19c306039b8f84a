import { createHash } from 'node:crypto';
import { DataProductRegistered, DataProductUpdated } from '../../../events/domain/product-events';
import { type OutgoingEvent, outgoing } from '../../ports/event-publisher';
import { parseContract } from '../contracts/parse-contract';
import { ConcurrentUpdateError } from '../errors';
import type { Problem } from '../problem';
import type { ProductRecord, StorageLocation } from '../registry/records';
import { type InboundObject, objectRef } from './inbound-object';
import type { PublishingDeps } from './publishing-deps';
import { type EventFactory, rejection } from './rejection';

const MAX_WRITE_ATTEMPTS = 5;

/**
 * `<product-id>/datacontract.yaml` was written: parse it, bind the product to its folder, and register or
 * update the product. Every write is conditional, so concurrent uploads of two contracts for one product
 * settle on one of them instead of interleaving.
 */
export const registerContract = async (
  deps: PublishingDeps,
  object: InboundObject,
  productId: string,
  ids: EventFactory,
): Promise<OutgoingEvent[]> => {
  const ref = objectRef(object);
  const read = await readContractText(deps, object);
  if (!read.ok) return [rejection(ids, productId, 'invalid-contract', ref, read.problems)];

  const fileName = object.key.slice(productId.length + 1);
  const parsed = parseContract(read.text, { fileName, productId });
  if (!parsed.ok) return [rejection(ids, productId, 'invalid-contract', ref, parsed.problems)];

  const location: StorageLocation = { kind: 's3', bucket: object.bucket, prefix: `${productId}/` };
  const claim = await deps.registry.claimLocation(location, productId);
  if (claim.status === 'owned-by-other') {
    return [
      rejection(ids, productId, 'location-conflict', ref, [
        {
          path: `s3://${location.bucket}/${location.prefix}`,
          message: `already registered to product "${claim.productId}"`,
        },
      ]),
    ];
  }

  const contract = parsed.contract;
  const sha256 = createHash('sha256').update(read.text).digest('hex');
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const existing = await deps.registry.getProduct(productId);
    // A redelivered or re-uploaded identical contract changes nothing and announces nothing.
    if (existing?.contractSha256 === sha256) return [];
    const now = deps.clock().toISOString();
    const record: ProductRecord = {
      id: productId,
      name: contract.name,
      domain: contract.domain,
      ownerTeam: contract.ownerTeam,
      status: contract.status,
      contract,
      contractVersion: contract.version,
      contractSha256: sha256,
      contractObject: ref,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      revision: (existing?.revision ?? 0) + 1,
    };
    if (!(await deps.registry.putProduct(record, existing?.revision))) continue;

    const summary = {
      id: productId,
      name: record.name,
      domain: record.domain,
      ownerTeam: record.ownerTeam,
      status: record.status,
      contractVersion: record.contractVersion,
    };
    if (!existing) {
      return [
        outgoing(DataProductRegistered, {
          metadata: ids.metadata(DataProductRegistered.detailType, productId),
          product: summary,
          location,
          contract: ref,
        }),
      ];
    }
    return [
      outgoing(DataProductUpdated, {
        metadata: ids.metadata(DataProductUpdated.detailType, productId),
        product: summary,
        previousContractVersion: existing.contractVersion,
        location,
        contract: ref,
      }),
    ];
  }
  throw new ConcurrentUpdateError(`product ${productId} kept changing while registering ${object.key}`);
};

type ContractText = { ok: true; text: string } | { ok: false; problems: Problem[] };

const readContractText = async (deps: PublishingDeps, object: InboundObject): Promise<ContractText> => {
  const limit = deps.settings.maxContractBytes;
  const tooBig = (size: number): ContractText => ({
    ok: false,
    problems: [{ path: object.key, message: `contract is ${size} bytes; the limit is ${limit} bytes` }],
  });
  if (object.size > limit) return tooBig(object.size);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of await deps.objects.read(object.bucket, object.key, object.versionId)) {
    size += chunk.byteLength;
    if (size > limit) return tooBig(size);
    chunks.push(chunk);
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)) };
  } catch {
    return { ok: false, problems: [{ path: object.key, message: 'contract is not valid UTF-8 text' }] };
  }
};
