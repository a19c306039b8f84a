import { createHash } from 'node:crypto';
import {
  DataProductDeprecated,
  DataProductRegistered,
  DataProductSchemaChanged,
  DataProductStorageChanged,
  DataProductUpdated,
} from '../../../events/domain/product-events';
import type { GitPusher } from '../../../events/inbound/git-push-received';
import { type OutgoingEvent, outgoing } from '../../ports/event-publisher';
import type { DataContract } from '../contracts/data-contract';
import { assessContractChange } from '../contracts/schema-diff';
import { ConcurrentUpdateError } from '../errors';
import { type FileRef, fileLabel, type StorageLocation } from '../file-ref';
import type { Problem } from '../problem';
import type { ProductRecord } from '../registry/records';
import {
  claimDeclaredLocations,
  type StorageDeps,
  settleDeclaredLocations,
} from '../storage/declared-location-claims';
import { claimProblem } from './claim-problem';
import { lastChange, replayLastChange } from './last-change';
import { type EventFactory, rejection } from './rejection';

const MAX_WRITE_ATTEMPTS = 5;

/** A contract accepted by the parser, arriving from an upload or a push. */
export interface ContractSubmission {
  productId: string;
  contract: DataContract;
  /** The contract file's bytes as text: its hash tells a re-submission from a change. */
  text: string;
  ref: FileRef;
  location: StorageLocation;
  actor?: GitPusher;
  /** True for a product registered from a `data_catalog.csv` row, with an inferred schema. */
  uncontracted?: boolean;
  /**
   * Ownership: a problem when the actor may not make this change to the product as registered (or create it).
   * Checked before anything is written, and again on every write attempt.
   */
  authorize?: (existing: ProductRecord | undefined, contract: DataContract) => Problem | undefined;
  /** The product as the caller just read it (saves a read); re-read on every retry. */
  current?: { product: ProductRecord | undefined };
}

const actorOf = (actor: GitPusher | undefined) =>
  actor ? { username: actor.username, ...(actor.email ? { email: actor.email } : {}) } : undefined;

export const productSummary = (
  record: Pick<ProductRecord, 'id' | 'name' | 'domain' | 'ownerTeam' | 'status' | 'contractVersion'>,
) => ({
  id: record.id,
  name: record.name,
  domain: record.domain,
  ownerTeam: record.ownerTeam,
  status: record.status,
  contractVersion: record.contractVersion,
});

/**
 * Registers or updates a product from a parsed contract, the same way for both publishing paths:
 * ownership first, then the location claim, then a conditional write. A changed schema is compared with the
 * registered one; a breaking change without a new major version is rejected and nothing changes.
 */
export const applyContract = async (
  deps: StorageDeps & { clock: () => Date },
  submission: ContractSubmission,
  ids: EventFactory,
): Promise<OutgoingEvent[]> => {
  const { productId, contract, ref, location } = submission;
  const actor = actorOf(submission.actor);
  const denied = (existing: ProductRecord | undefined) => {
    const problem = submission.authorize?.(existing, contract);
    return problem ? [rejection(ids, productId, 'not-owner', ref, [problem], actor)] : undefined;
  };

  const first = submission.current ? submission.current.product : await deps.registry.getProduct(productId);
  const deniedFirst = denied(first);
  if (deniedFirst) return deniedFirst;

  const claim = await deps.registry.claimLocation(location, productId);
  const conflict = claimProblem(claim, location);
  if (conflict) return [rejection(ids, productId, 'location-conflict', ref, [conflict], actor)];

  const sha256 = createHash('sha256').update(submission.text).digest('hex');
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const existing = attempt === 0 ? first : await deps.registry.getProduct(productId);
    if (existing?.contractSha256 === sha256 && existing.status === contract.status) {
      // An identical contract changes nothing and announces nothing, unless this very submission made the
      // change and is retried because its events were not sent: then they are sent again.
      const replay = replayLastChange(existing, ids);
      if (!replay) return [];
      const previous = replay.previousServers ? { servers: replay.previousServers } : undefined;
      return [...replay.events, ...(await storageChange(deps, productId, previous, contract, location, ids))];
    }
    const deniedNow = attempt === 0 ? undefined : denied(existing);
    if (deniedNow) return deniedNow;

    const assessment = existing ? assessContractChange(existing.contract, contract) : undefined;
    if (assessment && !assessment.accepted) {
      return [
        rejection(
          ids,
          productId,
          'breaking-change',
          ref,
          assessment.changes
            .filter((change) => change.breaking)
            .map((change) => ({
              path: change.column === null ? 'schema' : `schema.${change.column}`,
              message: change.message,
            }))
            .concat(assessment.problem ? [{ path: fileLabel(ref), message: assessment.problem }] : []),
          actor,
        ),
      ];
    }

    // Declared S3 locations are claimed only once the change is known to be acceptable, so a rejected
    // contract registers nothing.
    const declared = await claimDeclaredLocations(deps, productId, contract);
    if (!declared.ok) return [rejection(ids, productId, declared.reason, ref, declared.problems, actor)];

    const now = deps.clock().toISOString();
    const fields = {
      id: productId,
      name: contract.name,
      domain: contract.domain,
      ownerTeam: contract.ownerTeam,
      status: contract.status,
      contractVersion: contract.version,
    };
    const events = announcements(ids, productSummary(fields), existing, contract, assessment, {
      ref,
      location,
      actor,
    });
    const record: ProductRecord = {
      ...fields,
      contract,
      contractSha256: sha256,
      contractObject: ref,
      ...(submission.uncontracted ? { uncontracted: true } : {}),
      // The input ports come from the product's dataproduct.yaml, not its contract: a new contract keeps them.
      ...(existing?.inputPorts ? { inputPorts: existing.inputPorts } : {}),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      revision: (existing?.revision ?? 0) + 1,
      lastChange: lastChange(ids, events, existing?.contract.servers),
    };
    if (!(await deps.registry.putProduct(record, existing?.revision))) continue;
    return [
      ...events,
      ...(await storageChange(deps, productId, existing?.contract, contract, location, ids)),
    ];
  }
  throw new ConcurrentUpdateError(`product ${productId} kept changing while registering ${fileLabel(ref)}`);
};

/** What a registered or changed contract announces (storage changes aside: they are settled after the write). */
const announcements = (
  ids: EventFactory,
  product: ReturnType<typeof productSummary>,
  existing: ProductRecord | undefined,
  contract: DataContract,
  assessment: ReturnType<typeof assessContractChange> | undefined,
  { ref, location, actor }: { ref: FileRef; location: StorageLocation; actor: ReturnType<typeof actorOf> },
): OutgoingEvent[] => {
  const { id: productId } = product;
  if (!existing) {
    return [
      outgoing(DataProductRegistered, {
        metadata: ids.metadata(DataProductRegistered.detailType, productId),
        product,
        location,
        contract: ref,
      }),
    ];
  }
  const events: OutgoingEvent[] = [
    outgoing(DataProductUpdated, {
      metadata: ids.metadata(DataProductUpdated.detailType, productId),
      product,
      previousContractVersion: existing.contractVersion,
      location,
      contract: ref,
    }),
  ];
  if (assessment && assessment.changes.length > 0) {
    events.push(
      outgoing(DataProductSchemaChanged, {
        metadata: ids.metadata(DataProductSchemaChanged.detailType, productId),
        product,
        previousContractVersion: existing.contractVersion,
        verdict: assessment.verdict === 'breaking' ? 'breaking' : 'non-breaking',
        changes: assessment.changes,
        contract: ref,
        ...(actor ? { actor } : {}),
      }),
    );
  }
  if (contract.status === 'deprecated' && existing.status !== 'deprecated') {
    events.push(
      outgoing(DataProductDeprecated, {
        metadata: ids.metadata(DataProductDeprecated.detailType, productId),
        product,
        reason: 'contract-status',
        location,
        ...(actor ? { actor } : {}),
      }),
    );
  }
  return events;
};

/**
 * A contract that declares new S3 servers, or drops some, moves where the product's files live: the dropped
 * locations are given back (their files stay, as does the history), and subscribers are told where to read.
 */
const storageChange = async (
  deps: StorageDeps,
  productId: string,
  previous: Pick<DataContract, 'servers'> | undefined,
  contract: DataContract,
  folder: StorageLocation,
  ids: EventFactory,
): Promise<OutgoingEvent[]> => {
  const { added, removed, filesRemain } = await settleDeclaredLocations(
    deps,
    productId,
    previous,
    contract,
    folder,
  );
  if (added.length === 0 && removed.length === 0) return [];
  return [
    outgoing(DataProductStorageChanged, {
      metadata: ids.metadata(DataProductStorageChanged.detailType, productId),
      reason: 'contract-servers',
      added,
      removed,
      locations: await deps.registry.listLocations(productId),
      ...(filesRemain ? { filesRemain } : {}),
    }),
  ];
};
