import { DataProductDeprecated } from '../../../events/domain/product-events';
import { CONTRACT_FILE_NAMES } from '../../../events/object-keys';
import { type OutgoingEvent, outgoing } from '../../ports/event-publisher';
import type { DataContract } from '../contracts/data-contract';
import { parseContract } from '../contracts/parse-contract';
import { readCsvRecords } from '../csv/read-csv-records';
import type { StorageLocation } from '../file-ref';
import type { Problem } from '../problem';
import { applyContract, productSummary } from '../publishing/apply-contract';
import { applyDescriptor, DESCRIPTOR_FILE_NAME } from '../publishing/apply-descriptor';
import { lastChange, replayLastChange } from '../publishing/last-change';
import { classifyObjectKey } from '../publishing/object-key';
import { rejection } from '../publishing/rejection';
import type { ProductRecord } from '../registry/records';
import { DATA_CATALOG_FILE } from './data-catalog';
import type { GitOpsDeps } from './git-ops-deps';
import { inferContract } from './infer-contract';
import { decideOwnership } from './ownership';
import { publishGitCsv } from './publish-git-csv';
import { fileEvents, filesUnder, gitFileRef, type PushContext } from './push-context';
import { readGitText } from './read-git-text';

const MAX_WRITE_ATTEMPTS = 5;

/**
 * One product folder touched by a push: register or update its product from the contract (or from its
 * `data_catalog.csv` row), publish the data files the push changed, or deprecate the product when the folder
 * is gone. Every step checks that the pusher may change the product; a refusal affects this folder only.
 */
export const publishFolder = async (
  deps: GitOpsDeps,
  context: PushContext,
  folder: string,
): Promise<OutgoingEvent[]> => {
  const changed = [...context.changed].filter((path) => path.startsWith(`${folder}/`));
  const ofFolder = (candidate: { folder: string }) => candidate.folder === folder;
  const files = filesUnder(context, folder);
  // A folder removed together with its catalog row is still that row's product (to deprecate it).
  const row =
    context.catalog.find(ofFolder) ?? (files.length === 0 ? context.catalogBefore.find(ofFolder) : undefined);
  const actor = context.push.pusher;
  const actorRef = { username: actor.username, ...(actor.email ? { email: actor.email } : {}) };
  const firstPath = changed[0] ?? `${folder}/`;
  const now = () => deps.clock();

  const contractFile = files.find((file) =>
    (CONTRACT_FILE_NAMES as readonly string[]).some((name) => file.path === `${folder}/${name}`),
  );
  const productId = contractFile || !row ? folder : row.name;
  const location: StorageLocation = {
    kind: 'git',
    repository: context.repositoryKey,
    path: `${folder}/`,
  };
  const reject = (path: string, reason: Parameters<typeof rejection>[2], problems: Problem[]) =>
    rejection(
      fileEvents(context, path, now),
      productId,
      reason,
      gitFileRef(context, path),
      problems,
      actorRef,
    );

  const kind = classifyObjectKey(`${folder}/x`);
  if (kind.kind === 'invalid' && !row) {
    return [reject(firstPath, 'invalid-key', [{ path: `${folder}/`, message: kind.message }])];
  }

  const sequence = (key: string) =>
    deps.registry.advanceSequencer(`git:${context.repositoryKey}`, key, context.push.receivedAt);
  const csvFiles = changed.filter(
    (path) => context.after.has(path) && classifyObjectKey(path).kind === 'csv' && path !== DATA_CATALOG_FILE,
  );
  /** Publishes the data files of this push that no later push has published since, against `product`. */
  const publishData = async (product: ProductRecord): Promise<OutgoingEvent[]> => {
    const published: OutgoingEvent[] = [];
    for (const path of csvFiles) {
      const file = context.after.get(path);
      if (!file) continue;
      if ((await sequence(path)) === 'stale') {
        deps.logger.info('older push ignored for file', { path, after: context.push.after });
        continue;
      }
      published.push(...(await publishGitCsv(deps, context, product, location, file)));
    }
    return published;
  };

  const authorize = (existing: ProductRecord | undefined, contract?: DataContract): Problem | undefined => {
    const decision = decideOwnership(
      {
        pusher: actor,
        folder,
        currentOwnerTeam: existing?.ownerTeam,
        newOwnerTeam: contract?.ownerTeam,
      },
      { teams: deps.teams, codeowners: context.codeowners },
    );
    return decision.allowed ? undefined : { path: `${folder}/`, message: decision.reason };
  };

  if ((await sequence(folder)) === 'stale') {
    // A later push already settled the folder's product (contract, catalog row, deletion): this one must not
    // undo it. Its own data files are not superseded by that, and are still published, as the product is now.
    deps.logger.info('older push: product left as a later push set it', {
      folder,
      after: context.push.after,
    });
    const current = await deps.registry.getProduct(productId);
    if (!current || current.status === 'deprecated' || csvFiles.length === 0) return [];
    const denied = authorize(current, current.contract);
    if (denied) return [reject(csvFiles[0] ?? firstPath, 'not-owner', [denied])];
    return publishData(current);
  }

  if (files.length === 0) return deprecate(deps, context, folder, productId, location, authorize);

  const events: OutgoingEvent[] = [];
  const skipped = (message: string): Problem[] =>
    csvFiles.map((path) => ({ path, message: `not published: ${message}` }));

  if (contractFile) {
    const registered = await deps.registry.getProduct(productId);
    if (changed.includes(contractFile.path) || !registered || registered.status === 'deprecated') {
      const ref = gitFileRef(context, contractFile.path);
      const text = await readGitText(deps, context, contractFile, deps.settings.maxContractBytes);
      const parsed = text.ok
        ? parseContract(text.text, { fileName: contractFile.path.slice(folder.length + 1), productId })
        : text;
      if (!parsed.ok) {
        return [
          reject(contractFile.path, 'invalid-contract', [
            ...parsed.problems,
            ...skipped('the contract was not accepted'),
          ]),
        ];
      }
      const applied = await applyContract(
        deps,
        {
          productId,
          contract: parsed.contract,
          text: text.ok ? text.text : '',
          ref,
          location,
          actor,
          authorize,
          current: { product: registered },
        },
        fileEvents(context, contractFile.path, now),
      );
      events.push(...applied);
      if (applied.some((event) => event.contract.detailType === 'Data Product Rejected')) {
        if (csvFiles.length > 0) {
          deps.logger.info('data files not published: contract rejected', { folder, files: csvFiles.length });
        }
        return events;
      }
    }
  } else if (row) {
    const clash = context.after.has(`${row.name}/datacontract.yaml`) && row.name !== folder;
    if (clash) {
      return [
        reject(DATA_CATALOG_FILE, 'product-id-clash', [
          {
            path: `${DATA_CATALOG_FILE}:${row.line}`,
            message: `"${row.name}" is the product of folder "${row.name}/", which has a contract; rename this row`,
          },
        ]),
      ];
    }
    const header = await firstHeader(deps, context, files);
    if (!header) {
      return csvFiles.length === 0
        ? []
        : [reject(firstPath, 'no-contract', skipped('no CSV header to infer a schema from'))];
    }
    const contract = inferContract(row, header);
    events.push(
      ...(await applyContract(
        deps,
        {
          productId,
          contract,
          text: JSON.stringify(contract),
          ref: gitFileRef(context, DATA_CATALOG_FILE),
          location,
          actor,
          uncontracted: true,
          authorize,
        },
        fileEvents(context, `${DATA_CATALOG_FILE}#${row.name}`, now),
      )),
    );
    if (events.some((event) => event.contract.detailType === 'Data Product Rejected')) return events;
  } else {
    if (csvFiles.length === 0) return events;
    return [
      reject(firstPath, 'no-contract', [
        {
          path: `${folder}/`,
          message: `the folder has no datacontract.yaml and no row in ${DATA_CATALOG_FILE}: add one of them`,
        },
        ...skipped('the folder has no contract'),
      ]),
    ];
  }

  const descriptor = context.after.get(`${folder}/${DESCRIPTOR_FILE_NAME}`);
  if (descriptor && changed.includes(descriptor.path)) {
    const text = await readGitText(deps, context, descriptor, deps.settings.maxContractBytes);
    events.push(
      ...(text.ok
        ? await applyDescriptor(
            deps,
            {
              productId,
              text: text.text,
              ref: gitFileRef(context, descriptor.path),
              path: descriptor.path,
              actor: actorRef,
            },
            fileEvents(context, descriptor.path, now),
          )
        : [reject(descriptor.path, 'invalid-descriptor', text.problems)]),
    );
  }

  if (csvFiles.length === 0) return events;
  const product = await deps.registry.getProduct(productId);
  if (!product) return events;
  const denied = authorize(product, product.contract);
  if (denied)
    return [...events, reject(csvFiles[0] ?? firstPath, 'not-owner', [denied, ...skipped(denied.message)])];
  return [...events, ...(await publishData(product))];
};

/** A deleted folder deprecates its product (never erases it): history, versions and subscribers stay. */
const deprecate = async (
  deps: GitOpsDeps,
  context: PushContext,
  folder: string,
  productId: string,
  location: StorageLocation,
  authorize: (existing: ProductRecord | undefined) => Problem | undefined,
): Promise<OutgoingEvent[]> => {
  const path = context.diff.removed.find((p) => p.startsWith(`${folder}/`)) ?? `${folder}/`;
  const ids = fileEvents(context, path, () => deps.clock());
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const product = await deps.registry.getProduct(productId);
    if (!product) return [];
    // Deprecated already: by this push (a retry whose events were not sent: send them again), or before.
    if (product.status === 'deprecated') return replayLastChange(product, ids)?.events ?? [];
    const locations = await deps.registry.listLocations(productId);
    const here = locations.some(
      (l) => l.kind === 'git' && l.repository === context.repositoryKey && l.path === `${folder}/`,
    );
    if (!here) return [];
    const denied = authorize(product);
    if (denied) {
      const actor = context.push.pusher;
      return [
        rejection(ids, productId, 'not-owner', gitFileRef(context, path), [denied], {
          username: actor.username,
          ...(actor.email ? { email: actor.email } : {}),
        }),
      ];
    }
    const deprecated = { ...product, status: 'deprecated' };
    const actor = context.push.pusher;
    const events = [
      outgoing(DataProductDeprecated, {
        metadata: ids.metadata(DataProductDeprecated.detailType, productId),
        product: productSummary(deprecated),
        reason: 'folder-deleted',
        location,
        actor: { username: actor.username, ...(actor.email ? { email: actor.email } : {}) },
      }),
    ];
    const record: ProductRecord = {
      ...deprecated,
      updatedAt: deps.clock().toISOString(),
      revision: product.revision + 1,
      lastChange: lastChange(ids, events),
    };
    if (!(await deps.registry.putProduct(record, product.revision))) continue;
    return events;
  }
  return [];
};

/** The header of the folder's first CSV file (by path), to infer an uncontracted product's columns. */
const firstHeader = async (deps: GitOpsDeps, context: PushContext, files: { path: string }[]) => {
  const first = files
    .map((file) => file.path)
    .filter((path) => classifyObjectKey(path).kind === 'csv')
    .sort()[0];
  if (!first) return undefined;
  const read = await readCsvRecords(
    await deps.git.readFile(context.push.repository, context.push.after, first),
    {
      maxRecords: 1,
    },
  );
  const header = read.records[0]?.fields;
  return header && header.length > 0 ? header : undefined;
};
