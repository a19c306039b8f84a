import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../core/errors';
import {
  locationUri,
  type ProductRecord,
  ProductRecordSchema,
  type StorageLocation,
  StorageLocationSchema,
  type VersionRecord,
  VersionRecordSchema,
} from '../../core/registry/records';
import type { ClaimOutcome, EventClaim, Registry, ReleaseOutcome } from '../../ports/registry';
import * as z from '../../shared/zod';

/** Processed-event markers are kept long enough to outlive every retry and archive replay window. */
const EVENT_MARKER_TTL_SECONDS = 90 * 24 * 3600;
/** DynamoDB BatchGetItem reads at most 100 keys; deeper keys than that are not product folders anyway. */
const MAX_PREFIX_CANDIDATES = 100;

const LocationItemSchema = z.object({ productId: z.string(), location: StorageLocationSchema });
/** The prefixes claimed in one bucket (prefix → product), versioned so that two claims cannot interleave. */
const BucketClaimsSchema = z.object({ claims: z.record(z.string(), z.string()), revision: z.number() });
/** Claims of overlapping prefixes race on one bucket item; this many lost races in a row is an outage. */
const MAX_CLAIM_ATTEMPTS = 8;
const EventItemSchema = z.object({ status: z.enum(['started', 'completed']) });
const ContractOutcomeSchema = z.object({ etag: z.string(), accepted: z.boolean() });

/**
 * The registry in one DynamoDB table (pk/sk, GSI `gsi1` for listings):
 *
 * | item            | pk                      | sk                    |
 * |-----------------|-------------------------|-----------------------|
 * | product         | `PRODUCT#<id>`          | `#PRODUCT`            |
 * | location        | `LOCATION#<s3 uri>`     | `#LOCATION`           |
 * | bucket's claims | `BUCKET#<bucket>`       | `#CLAIMS`             |
 * | registrant      | `PRODUCT#<id>`          | `#REGISTRANT`         |
 * | location holder | `LOCATION#<s3 uri>`     | `#HOLDER`             |
 * | product's loc.  | `PRODUCT#<id>`          | `LOCATION#<s3 uri>`   |
 * | version         | `PRODUCT#<id>`          | `VERSION#<time>#<id>` |
 * | object sequence | `OBJECT#<bucket>/<key>` | `#SEQUENCER`          |
 * | processed event | `EVENT#<idempotency>`   | `#EVENT`              |
 * | contract file   | `CONTRACT#<bucket>/<key>` | `#OUTCOME`          |
 *
 * Every write is conditional: products on their revision, locations on their owner, versions on absence.
 */
export class DynamoDbRegistry implements Registry {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async getProduct(productId: string): Promise<ProductRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `PRODUCT#${productId}`, sk: '#PRODUCT' },
        ConsistentRead: true,
      }),
    );
    return Item ? ProductRecordSchema.parse(Item.record) : undefined;
  }

  async listProducts(): Promise<ProductRecord[]> {
    const products: ProductRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': 'PRODUCTS' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) products.push(ProductRecordSchema.parse(item.record));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return products;
  }

  async putProduct(product: ProductRecord, expectedRevision: number | undefined): Promise<boolean> {
    const record = ProductRecordSchema.parse(product);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `PRODUCT#${record.id}`,
            sk: '#PRODUCT',
            gsi1pk: 'PRODUCTS',
            gsi1sk: record.id,
            revision: record.revision,
            record,
          },
          ...(expectedRevision === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'revision = :expected',
                ExpressionAttributeValues: { ':expected': expectedRevision },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async claimLocation(location: StorageLocation, productId: string): Promise<ClaimOutcome> {
    const uri = locationUri(location);
    if (location.kind === 's3') {
      // Locations registered before claim lists existed are in no list: check the prefix and its ancestors.
      const enclosing = await this.findLocation(location.bucket, `${location.prefix}\u0000`);
      if (enclosing && enclosing.productId !== productId && enclosing.location.kind === 's3') {
        return enclosing.location.prefix === location.prefix
          ? { status: 'owned-by-other', productId: enclosing.productId }
          : { status: 'overlaps', productId: enclosing.productId, location: enclosing.location };
      }
      // The bucket's claim list is the atomic step: a write conditional on its revision, so two products
      // cannot claim overlapping prefixes at the same time. Re-claiming is idempotent, which lets a retry
      // finish an attempt that died before writing the location item below.
      const claimed = await this.updateBucketClaims(location.bucket, (claims) => {
        for (const [prefix, owner] of Object.entries(claims)) {
          if (owner === productId) continue;
          if (prefix === location.prefix) return { refused: { status: 'owned-by-other', productId: owner } };
          if (prefix.startsWith(location.prefix) || location.prefix.startsWith(prefix)) {
            return { refused: { status: 'overlaps', productId: owner, location: { ...location, prefix } } };
          }
        }
        return {
          claims:
            claims[location.prefix] === productId ? claims : { ...claims, [location.prefix]: productId },
        };
      });
      if (claimed.status !== 'claimed') return claimed;
    }
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `LOCATION#${uri}`, sk: '#LOCATION', productId, location },
          ConditionExpression: 'attribute_not_exists(pk) OR productId = :p',
          ExpressionAttributeValues: { ':p': productId },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Only a location registered before bucket claim lists existed can disagree with the list.
      const owner = await this.locationOwner(uri);
      if (owner && owner !== productId) {
        if (location.kind === 's3') await this.dropBucketClaim(location.bucket, location.prefix, productId);
        return { status: 'owned-by-other', productId: owner };
      }
      throw error;
    }
    // The product-side copy is an index written after the claim, idempotently.
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `PRODUCT#${productId}`, sk: `LOCATION#${uri}`, location },
      }),
    );
    return { status: 'claimed' };
  }

  async claimRegistrant(productId: string, account: string): Promise<string> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `PRODUCT#${productId}`, sk: '#REGISTRANT', account },
          ConditionExpression: 'attribute_not_exists(pk) OR account = :a',
          ExpressionAttributeValues: { ':a': account },
        }),
      );
      return account;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.getRegistrant(productId)) ?? account;
    }
  }

  async getRegistrant(productId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `PRODUCT#${productId}`, sk: '#REGISTRANT' },
        ConsistentRead: true,
      }),
    );
    return Item ? z.object({ account: z.string() }).parse(Item).account : undefined;
  }

  async holdLocation(location: StorageLocation, holder: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `LOCATION#${locationUri(location)}`, sk: '#HOLDER', holder },
      }),
    );
  }

  async locationHolder(location: StorageLocation): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `LOCATION#${locationUri(location)}`, sk: '#HOLDER' },
        ConsistentRead: true,
      }),
    );
    return Item ? z.object({ holder: z.string() }).parse(Item).holder : undefined;
  }

  async releaseLocation(location: StorageLocation, productId: string): Promise<ReleaseOutcome> {
    const uri = locationUri(location);
    const owner = await this.locationOwner(uri);
    if (owner !== undefined && owner !== productId) return 'owned-by-other';
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: `LOCATION#${uri}`, sk: '#LOCATION' },
          ConditionExpression: 'attribute_not_exists(pk) OR productId = :p',
          ExpressionAttributeValues: { ':p': productId },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'owned-by-other';
      throw error;
    }
    if (location.kind === 's3') await this.dropBucketClaim(location.bucket, location.prefix, productId);
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: `PRODUCT#${productId}`, sk: `LOCATION#${uri}` },
      }),
    );
    return owner === undefined ? 'absent' : 'released';
  }

  private dropBucketClaim(bucket: string, prefix: string, productId: string) {
    return this.updateBucketClaims(bucket, (claims) => {
      if (claims[prefix] !== productId) return { claims };
      const { [prefix]: _dropped, ...rest } = claims;
      return { claims: rest };
    });
  }

  /**
   * Read-decide-write on a bucket's claim list with optimistic concurrency: `decide` sees the current claims
   * and refuses or returns the new claims (the same object when nothing changes: no write).
   */
  private async updateBucketClaims(
    bucket: string,
    decide: (
      claims: Record<string, string>,
    ) => { refused: Exclude<ClaimOutcome, { status: 'claimed' }> } | { claims: Record<string, string> },
  ): Promise<ClaimOutcome> {
    const key = { pk: `BUCKET#${bucket}`, sk: '#CLAIMS' };
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const current = Item ? BucketClaimsSchema.parse(Item) : { claims: {}, revision: 0 };
      const decision = decide(current.claims);
      if ('refused' in decision) return decision.refused;
      if (decision.claims === current.claims) return { status: 'claimed' };
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key, claims: decision.claims, revision: current.revision + 1 },
            ConditionExpression: 'attribute_not_exists(pk) OR revision = :r',
            ExpressionAttributeValues: { ':r': current.revision },
          }),
        );
        return { status: 'claimed' };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new ConcurrentUpdateError(`the location claims of bucket ${bucket} kept changing`);
  }

  async findLocation(bucket: string, key: string) {
    const prefixes: string[] = [];
    for (
      let i = key.indexOf('/');
      i !== -1 && prefixes.length < MAX_PREFIX_CANDIDATES;
      i = key.indexOf('/', i + 1)
    ) {
      prefixes.push(key.slice(0, i + 1));
    }
    if (prefixes.length === 0) return undefined;
    const keys = prefixes.map((prefix) => ({
      pk: `LOCATION#${locationUri({ kind: 's3', bucket, prefix })}`,
      sk: '#LOCATION',
    }));
    const items: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] | undefined = keys;
    // Throttled keys come back unprocessed: a missed one would route the file to a shorter prefix, or nowhere.
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt >= MAX_CLAIM_ATTEMPTS)
        throw new Error(`reading locations of s3://${bucket}/${key} kept being throttled`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      const page: BatchGetCommandOutput = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      items.push(...(page.Responses?.[this.tableName] ?? []));
      pending = page.UnprocessedKeys?.[this.tableName]?.Keys;
    }
    const found = items.flatMap((item) => {
      const { productId, location } = LocationItemSchema.parse(item);
      return location.kind === 's3' ? [{ productId, location }] : [];
    });
    found.sort((a, b) => b.location.prefix.length - a.location.prefix.length);
    return found[0];
  }

  async listLocations(productId: string): Promise<StorageLocation[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': `PRODUCT#${productId}`, ':sk': 'LOCATION#' },
      }),
    );
    return (Items ?? []).map((item) => StorageLocationSchema.parse(item.location));
  }

  async appendVersion(version: VersionRecord): Promise<boolean> {
    const record = VersionRecordSchema.parse(version);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `PRODUCT#${record.productId}`,
            sk: `VERSION#${record.recordedAt}#${record.versionId}`,
            record,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async listVersions(productId: string, limit = 50): Promise<VersionRecord[]> {
    const versions: VersionRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    // A page holds at most 1 MB: follow the pages until the limit, not just the first one.
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': `PRODUCT#${productId}`, ':sk': 'VERSION#' },
          ScanIndexForward: false,
          Limit: limit - versions.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) versions.push(VersionRecordSchema.parse(item.record));
      startKey = page.LastEvaluatedKey;
    } while (startKey && versions.length < limit);
    return versions;
  }

  async advanceSequencer(bucket: string, key: string, sequencer: string): Promise<'current' | 'stale'> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `OBJECT#${bucket}/${key}`, sk: '#SEQUENCER' },
          UpdateExpression: 'SET sequencer = :s',
          ConditionExpression: 'attribute_not_exists(sequencer) OR sequencer <= :s',
          ExpressionAttributeValues: { ':s': sequencer },
        }),
      );
      return 'current';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'stale';
      throw error;
    }
  }

  async beginEvent(idempotencyKey: string, leaseMs: number): Promise<EventClaim> {
    const now = this.now().getTime();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `EVENT#${idempotencyKey}`,
            sk: '#EVENT',
            status: 'started',
            leaseUntil: now + leaseMs,
            expiresAt: Math.floor(now / 1000) + EVENT_MARKER_TTL_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :started AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':started': 'started', ':now': now },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: `EVENT#${idempotencyKey}`, sk: '#EVENT' },
          ConsistentRead: true,
        }),
      );
      // Released between our write and this read: report in-progress and let the retry claim it.
      if (!Item) return 'in-progress';
      return EventItemSchema.parse(Item).status === 'completed' ? 'completed' : 'in-progress';
    }
  }

  async completeEvent(idempotencyKey: string, emittedEventIds: string[]): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `EVENT#${idempotencyKey}`, sk: '#EVENT' },
        UpdateExpression: 'SET #status = :completed, emitted = :emitted, completedAt = :at REMOVE leaseUntil',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':completed': 'completed',
          ':emitted': emittedEventIds,
          ':at': this.now().toISOString(),
        },
      }),
    );
  }

  async recordContractOutcome(bucket: string, key: string, outcome: { etag: string; accepted: boolean }) {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `CONTRACT#${bucket}/${key}`, sk: '#OUTCOME', ...ContractOutcomeSchema.parse(outcome) },
      }),
    );
  }

  async contractOutcome(bucket: string, key: string) {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `CONTRACT#${bucket}/${key}`, sk: '#OUTCOME' },
        ConsistentRead: true,
      }),
    );
    return Item ? ContractOutcomeSchema.parse(Item) : undefined;
  }

  async releaseEvent(idempotencyKey: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: `EVENT#${idempotencyKey}`, sk: '#EVENT' },
          ConditionExpression: '#status = :started',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':started': 'started' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private async locationOwner(uri: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `LOCATION#${uri}`, sk: '#LOCATION' },
        ConsistentRead: true,
      }),
    );
    return Item ? LocationItemSchema.parse(Item).productId : undefined;
  }
}
