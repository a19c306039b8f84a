import { readFileSync } from 'node:fs';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler } from '../../functions/handlers/storage-registration';
import { buildStorageRegistrationDeps } from '../../functions/handlers/storage-root';
import { cli } from '../support/cli';
import { type Received, startHttp } from '../support/http';
import { startTestPlatform, type TestPlatform } from '../support/local-platform';

const PRODUCER = '111111111111';
const example = (path: string) => readFileSync(new URL(`../../examples/${path}`, import.meta.url), 'utf8');
const context = { functionName: 'storage-registration', awsRequestId: 'test' } as Context;

describe('Storage registration (the ProducerBucket custom resource) against the local platform', () => {
  let t: TestPlatform;
  let cloudFormation: Awaited<ReturnType<typeof startHttp>>;
  const answers: Received[] = [];
  let handler: ReturnType<typeof makeHandler>;
  let sequence = 0;
  /** The physical id CloudFormation got for the orders registration. */
  let ordersId = '';

  /** A CloudFormation request as it arrives from a producer account's stack. */
  const request = (
    type: 'Create' | 'Update' | 'Delete',
    properties: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) => ({
    RequestType: type,
    ServiceToken: 'arn:aws:lambda:eu-west-1:000000000000:function:data-mesh-test-storage-registration',
    ResponseURL: `${cloudFormation.url}/cfn-response?X-Amz-Signature=abc`,
    StackId: `arn:aws:cloudformation:eu-west-1:${PRODUCER}:stack/orders-storage/1`,
    RequestId: `request-${++sequence}`,
    LogicalResourceId: 'Registration',
    ResourceType: 'Custom::DataMeshStorageRegistration',
    ResourceProperties: { ServiceToken: 'x', ...properties },
    ...extra,
  });
  const ORDERS = { ProductId: 'orders', BucketName: 'team-orders', Prefix: 'orders/' };
  const RETURNS_LOCATION = { bucket: 'team-orders', prefix: 'returns/' };
  const storageEvents = () => t.domainEvents('Data Product Storage Changed').map((e) => e.detail);
  const invoke = async (event: unknown) => {
    const response = await handler(event, context);
    await t.platform.bus.whenIdle();
    return response;
  };

  beforeAll(async () => {
    cloudFormation = await startHttp((received, response) => {
      answers.push(received);
      response.writeHead(200).end();
    });
    t = await startTestPlatform();
    process.env.MESH_STATE_DIR = t.stateDir;
    const deps = buildStorageRegistrationDeps({
      ...t.platform.env,
      ALLOWED_ACCOUNTS: `${PRODUCER},222222222222`,
      MESH_LOCAL: 'true',
    });
    handler = makeHandler(() => deps);
    await t.s3.send(new CreateBucketCommand({ Bucket: 'team-orders' }));
  });

  beforeEach(() => {
    answers.length = 0;
  });

  afterAll(async () => {
    await t?.stop();
    await cloudFormation?.close();
  });

  it('registers the prefix on Create, answers CloudFormation at the pre-signed URL, and announces it', async () => {
    const response = await invoke(request('Create', ORDERS));
    ordersId = response?.PhysicalResourceId ?? '';

    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: expect.stringMatching(/^orders@s3:\/\/team-orders\/orders\/#[0-9a-f]{12}$/),
      Data: { ProductId: 'orders', Location: 's3://team-orders/orders/' },
    });
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ method: 'PUT', url: '/cfn-response?X-Amz-Signature=abc' });
    expect(answers[0]?.headers['content-type']).toBe('');
    expect(JSON.parse(answers[0]?.body ?? '')).toEqual(response);
    expect(storageEvents()).toEqual([
      expect.objectContaining({
        reason: 'producer-bucket-registered',
        added: [{ kind: 's3', bucket: 'team-orders', prefix: 'orders/' }],
        locations: [{ kind: 's3', bucket: 'team-orders', prefix: 'orders/' }],
      }),
    ]);
  });

  it('lets the product publish from its bucket: contract and data at the registered prefix', async () => {
    await t.upload('orders/datacontract.yaml', example('orders/datacontract.yaml'), 'team-orders');
    await t.upload('orders/2026/part-0.csv', example('orders/orders-2026-11-21.csv'), 'team-orders');

    expect(t.domainEvents('Data Product Registered').map((e) => e.detail)).toEqual([
      expect.objectContaining({ location: { kind: 's3', bucket: 'team-orders', prefix: 'orders/' } }),
    ]);
    expect(t.domainEvents('Data Product Version Published')).toHaveLength(1);
  });

  it('is idempotent: a repeated Create and an Update that changes nothing register and announce nothing new', async () => {
    const again = await invoke(request('Create', ORDERS));
    const update = await invoke(
      request('Update', ORDERS, {
        PhysicalResourceId: ordersId,
        OldResourceProperties: ORDERS,
      }),
    );

    expect(again?.Status).toBe('SUCCESS');
    expect(update).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: ordersId,
    });
    expect(storageEvents()).toHaveLength(1);
  });

  it.each([
    [
      'a prefix inside another product’s',
      { ProductId: 'orders-eu', BucketName: 'team-orders', Prefix: 'orders/eu/' },
      'cannot register s3://team-orders/orders/eu/ for orders-eu: s3://team-orders/orders/eu/ overlaps s3://team-orders/orders/, registered to product "orders": one prefix holds one product\'s files',
    ],
    [
      'the same prefix for another product',
      { ProductId: 'invoices', BucketName: 'team-orders', Prefix: 'orders/' },
      'cannot register s3://team-orders/orders/ for invoices: s3://team-orders/orders/ already registered to product "orders"',
    ],
    [
      'a bucket the platform cannot read',
      { ProductId: 'invoices', BucketName: 'team-invoices', Prefix: 'invoices/' },
      'cannot register s3://team-invoices/invoices/ for invoices: bucket "team-invoices" does not exist (or is in another region)',
    ],
    [
      'properties that name no product',
      { ProductId: 'Invoices!', BucketName: 'team-orders', Prefix: 'invoices/' },
      'ProductId "Invoices!" is not a product id (lowercase letters, digits and dashes, optionally dotted by domain)',
    ],
    ['missing properties', { ProductId: 'invoices' }, /^invalid properties: BucketName: .*Prefix: /],
  ])('fails a Create for %s with the reason, changing nothing', async (_case, properties, reason) => {
    const before = storageEvents().length;
    const response = await invoke(request('Create', properties));

    expect(response?.Status).toBe('FAILED');
    if (typeof reason === 'string') expect(response?.Reason).toBe(reason);
    else expect(response?.Reason).toMatch(reason);
    expect(response?.PhysicalResourceId).toMatch(/^failed-request-\d+$/);
    expect(JSON.parse(answers[0]?.body ?? '')).toMatchObject({ Status: 'FAILED' });
    expect(storageEvents()).toHaveLength(before);
  });

  it('refuses an event that is no CloudFormation request (nobody to answer): it fails, nothing changes', async () => {
    const before = t.events.length;
    await expect(handler({ RequestType: 'Create', ResourceProperties: ORDERS }, context)).rejects.toThrow(
      /^not a CloudFormation custom resource request: .*ResponseURL/,
    );
    expect(answers).toEqual([]);
    expect(t.events.length).toBe(before);
  });

  it('refuses a stack from an account the platform does not know', async () => {
    const response = await invoke({
      ...request('Create', { ProductId: 'invoices', BucketName: 'team-orders', Prefix: 'invoices/' }),
      StackId: 'arn:aws:cloudformation:eu-west-1:999999999999:stack/intruder/1',
    });

    expect(response?.Reason).toBe(
      'account 999999999999 is not allowed to register storage with this platform: ask the platform team to add it to producerAccounts',
    );
  });

  it('deletes a failed registration without touching the live one with the same properties', async () => {
    const response = await invoke(request('Delete', ORDERS, { PhysicalResourceId: 'failed-request-4' }));

    expect(response?.Status).toBe('SUCCESS');
    const shown = JSON.parse((await cli('product', 'show', 'orders', '--json')).out) as {
      locations: unknown[];
    };
    expect(shown.locations).toEqual([{ kind: 's3', bucket: 'team-orders', prefix: 'orders/' }]);
  });

  it("binds a product to the account that first registered its storage: another account's stack is refused", async () => {
    const other = (type: 'Create' | 'Delete', extra: Record<string, unknown> = {}) => ({
      ...request(type, ORDERS, extra),
      StackId: 'arn:aws:cloudformation:eu-west-1:222222222222:stack/takeover/1',
    });
    const create = await invoke(other('Create'));
    expect(create?.Reason).toBe(
      'cannot register s3://team-orders/orders/ for orders: product orders registers its storage from account 111111111111',
    );
    // Nor can it give the product's storage back.
    expect((await invoke(other('Delete', { PhysicalResourceId: ordersId })))?.Status).toBe('SUCCESS');
    const shown = JSON.parse((await cli('product', 'show', 'orders', '--json')).out) as {
      locations: unknown[];
    };
    expect(shown.locations).toEqual([{ kind: 's3', bucket: 'team-orders', prefix: 'orders/' }]);
  });

  it("refuses the platform's default bucket, and a product already published through it", async () => {
    await t.upload(
      'customers/datacontract.yaml',
      example('orders/datacontract.yaml')
        .replace('dataProduct: orders', 'dataProduct: customers')
        .replace(/^id: .*$/m, 'id: customers-contract'),
    );
    expect(
      t
        .domainEvents('Data Product Registered')
        .map((e) => (e.detail as { product: { id: string } }).product.id),
    ).toContain('customers');

    const inDefault = await invoke(
      request('Create', { ProductId: 'newcomer', BucketName: t.bucket, Prefix: 'newcomer/' }),
    );
    expect(inDefault?.Reason).toBe(
      `cannot register s3://${t.bucket}/newcomer/ for newcomer: ${t.bucket} is the platform's default bucket, where products are folders by convention: register a bucket of your own`,
    );
    const published = await invoke(
      request('Create', { ProductId: 'customers', BucketName: 'team-orders', Prefix: 'customers/' }),
    );
    expect(published?.Reason).toBe(
      "cannot register s3://team-orders/customers/ for customers: product customers is already published through the platform's bucket or the data repo: move it to your bucket by declaring the bucket in its contract's servers",
    );
  });

  it('keeps the registration when a renamed construct’s old resource is deleted after the new one registered', async () => {
    const renamed = await invoke(
      request('Create', ORDERS, { LogicalResourceId: 'OrdersStorageRegistration' }),
    );
    expect(renamed?.Status).toBe('SUCCESS');
    expect(renamed?.PhysicalResourceId).not.toBe(ordersId);

    // CloudFormation deletes the old resource once the new one exists.
    expect((await invoke(request('Delete', ORDERS, { PhysicalResourceId: ordersId })))?.Status).toBe(
      'SUCCESS',
    );
    const shown = JSON.parse((await cli('product', 'show', 'orders', '--json')).out) as {
      locations: unknown[];
    };
    expect(shown.locations).toEqual([{ kind: 's3', bucket: 'team-orders', prefix: 'orders/' }]);
    ordersId = renamed?.PhysicalResourceId ?? '';
  });

  it('on Delete with files remaining: gives the prefix back, keeps files and history, and says files remain', async () => {
    const response = await invoke(
      request('Delete', ORDERS, {
        PhysicalResourceId: ordersId,
        LogicalResourceId: 'OrdersStorageRegistration',
      }),
    );

    expect(response?.Status).toBe('SUCCESS');
    expect(storageEvents().at(-1)).toMatchObject({
      reason: 'producer-bucket-deregistered',
      removed: [{ kind: 's3', bucket: 'team-orders', prefix: 'orders/' }],
      locations: [],
      filesRemain: true,
    });
    const listed = await t.s3.send(new ListObjectsV2Command({ Bucket: 'team-orders', Prefix: 'orders/' }));
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual([
      'orders/2026/part-0.csv',
      'orders/datacontract.yaml',
    ]);
    const shown = JSON.parse((await cli('product', 'show', 'orders', '--json')).out) as {
      locations: unknown[];
      versions: unknown[];
    };
    expect(shown.locations).toEqual([]);
    expect(shown.versions).toHaveLength(1);

    // New files there no longer belong to any product: ignored, not published.
    const published = t.domainEvents('Data Product Version Published').length;
    await t.upload('orders/2026/part-1.csv', example('orders/orders-2026-11-21.csv'), 'team-orders');
    expect(t.domainEvents('Data Product Version Published')).toHaveLength(published);
  });

  it('gives the prefix back when the registration fails after claiming it, so that a retry registers and announces it', async () => {
    const base = buildStorageRegistrationDeps({ ...t.platform.env, MESH_LOCAL: 'true' });
    let failures = 1;
    const flaky = makeHandler(() => ({
      ...base,
      events: {
        publish: async (events) => {
          if (failures-- > 0) throw new Error('EventBridge throttled the request');
          await base.events.publish(events);
        },
      },
    }));
    const RETURNS = { ProductId: 'returns', BucketName: 'team-orders', Prefix: 'returns/' };
    const before = storageEvents().length;

    const failed = await flaky(request('Create', RETURNS), context);
    expect(failed).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringContaining('EventBridge throttled'),
    });
    expect(await base.registry.listLocations('returns')).toEqual([]);

    const retried = await flaky(request('Create', RETURNS), context);
    await t.platform.bus.whenIdle();
    expect(retried).toMatchObject({ Status: 'SUCCESS' });
    expect(storageEvents().slice(before)).toEqual([
      expect.objectContaining({
        reason: 'producer-bucket-registered',
        added: [{ kind: 's3', ...RETURNS_LOCATION }],
      }),
    ]);
  });
});
