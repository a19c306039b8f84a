import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { NotificationDeps } from '../../functions/core/notifications/notification-deps';
import { buildNotificationDeps } from '../../functions/handlers/notifications-root';
import { makeHandler } from '../../functions/handlers/notify-deliver';
import { LocalDeliveryQueue } from '../../functions/local/queue/local-delivery-queue';
import type { OutgoingEvent } from '../../functions/ports/event-publisher';
import { freshRegistryTable, TEST_CREDENTIALS } from '../support/dynamo';
import { type Received, startHttp } from '../support/http';
import { sampleNotification } from '../unit/channels/sample-notification';
import { aSubscription } from '../unit/notifications/fixtures';

const context = { functionName: 'notify-deliver', awsRequestId: 'test' } as Context;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const notification = sampleNotification({ type: 'version-published', productId: 'orders' });

/**
 * The delivery handler behind the in-process queue, against dynalite and a real receiver: the queue's waits
 * are recorded instead of slept, so the back-off the handler asks for is what the test reads.
 */
describe('Delivery retries: back-off set by the handler, honoured by the queue', () => {
  let answers: { status: number; headers?: Record<string, string> }[];
  let received: Received[];
  let receiver: Awaited<ReturnType<typeof startHttp>>;
  let waits: number[];
  let queue: LocalDeliveryQueue;
  let deps: NotificationDeps;
  let work: Promise<unknown>[];
  let published: OutgoingEvent[];
  /** Records per handler invocation. */
  let batches: number[];
  /** Paths answered 500 once. */
  let failOnce: Set<string>;
  let table: Awaited<ReturnType<typeof freshRegistryTable>>;

  beforeEach(async () => {
    answers = [];
    received = [];
    batches = [];
    failOnce = new Set();
    waits = [];
    work = [];
    receiver = await startHttp((request, response) => {
      received.push(request);
      if (failOnce.delete(request.url)) return void response.writeHead(500).end();
      const answer = answers.shift() ?? { status: 200 };
      response.writeHead(answer.status, answer.headers).end();
    });
    table = await freshRegistryTable();
    const { tableName } = table;
    const handler = makeHandler(() => deps);
    queue = new LocalDeliveryQueue({
      handler: (event) => {
        batches.push(event.Records.length);
        return handler(event, context);
      },
      logger: silent,
      track: (w) => work.push(w),
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    published = [];
    const built = buildNotificationDeps(
      {
        TABLE_NAME: tableName,
        EVENT_BUS_NAME: 'mesh-test',
        NOTIFY_MODE: 'local',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
      },
      { queue },
    );
    // The bus is not what is tested here: record what would be put on it.
    deps = { ...built, events: { publish: async (events) => void published.push(...events) } };
  });

  afterEach(async () => {
    await receiver.close();
  });

  /** `count` webhook subscriptions, stored with their secrets, each on its own path of the receiver. */
  const webhookSubscriptions = async (count: number) => {
    const subscriptions = Array.from({ length: count }, (_, i) =>
      aSubscription({
        consumer: `team:c${i}`,
        channel: { kind: 'webhook', url: `${receiver.url}/hook/${i}` },
      }),
    );
    for (const subscription of subscriptions) {
      await deps.subscriptions.create(subscription);
      await deps.subscriptions.putSecret(subscription.id, SECRET);
    }
    return subscriptions;
  };

  const deliverOnce = async () => {
    const [subscription] = await webhookSubscriptions(1);
    if (!subscription) throw new Error('no subscription');
    await queue.enqueue([{ subscription, notification }]);
    await Promise.all(work);
    const ledger = await deps.subscriptions.listDeliveries();
    return ledger.filter((d) => d.subscriptionId === subscription.id);
  };

  it('waits longer after each failed attempt (200, 400, 800 ms locally), then delivers once', async () => {
    answers = [{ status: 500 }, { status: 503 }, { status: 502 }];

    const ledger = await deliverOnce();

    expect(received).toHaveLength(4);
    expect(waits).toEqual([200, 400, 800]);
    expect(ledger).toEqual([expect.objectContaining({ status: 'delivered', attempts: 4 })]);
    expect(published).toEqual([]);
  });

  it('waits as long as a target’s Retry-After asks, within the cap', async () => {
    answers = [
      { status: 429, headers: { 'retry-after': '3' } },
      { status: 503, headers: { 'retry-after': '3600' } },
    ];

    const ledger = await deliverOnce();

    expect(received).toHaveLength(3);
    // 3 s as asked, not 200 ms; an hour is capped at the local maximum of 5 s.
    expect(waits).toEqual([3000, 5000]);
    expect(ledger).toEqual([expect.objectContaining({ status: 'delivered', attempts: 3 })]);
  });

  it('does not wait for a delivered message or a permanent failure', async () => {
    answers = [{ status: 400 }];

    const ledger = await deliverOnce();

    expect(received).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(ledger).toEqual([expect.objectContaining({ status: 'failed', attempts: 1 })]);
    expect(published.map((e) => e.contract.detailType)).toEqual(['Notification Failed']);
  });

  it('hands out messages in batches; a failing target is retried alone, the rest delivered once', async () => {
    const subscriptions = await webhookSubscriptions(25);
    failOnce.add('/hook/3');

    await queue.enqueue(subscriptions.map((subscription) => ({ subscription, notification })));
    await Promise.all(work);

    // Lambda's batch size (10) locally too; the failed message comes back on its own.
    expect(batches).toEqual([10, 10, 5, 1]);
    expect(waits).toEqual([200]);
    const perPath = new Map<string, number>();
    for (const { url } of received) perPath.set(url, (perPath.get(url) ?? 0) + 1);
    expect(perPath.size).toBe(25);
    expect([...perPath].filter(([, n]) => n !== 1)).toEqual([['/hook/3', 2]]);
    const ledger = await deps.subscriptions.listDeliveries({ limit: 100 });
    expect(ledger).toHaveLength(25);
    expect(ledger.filter((d) => d.status === 'delivered')).toHaveLength(25);
    expect(ledger.find((d) => d.subscriptionId === subscriptions[3]?.id)).toMatchObject({
      attempts: 2,
      lastError: expect.stringContaining('answered 500'),
    });
  });

  it('sends nothing to a subscription whose creation has not finished, and fails nothing', async () => {
    const subscription = aSubscription({ channel: { kind: 'webhook', url: `${receiver.url}/hook` } });
    await deps.subscriptions.create({ ...subscription, pending: true });

    await queue.enqueue([{ subscription, notification }]);
    await Promise.all(work);

    expect(received).toEqual([]);
    expect(await deps.subscriptions.listDeliveries()).toEqual([]);
    expect(published).toEqual([]);

    await deps.subscriptions.putSecret(subscription.id, SECRET);
    await deps.subscriptions.markAnnounced(subscription.id);
    await queue.enqueue([{ subscription, notification }]);
    await Promise.all(work);

    expect(received).toHaveLength(1);
  });

  it('fails only the delivery whose stored subscription cannot be read, not its batch', async () => {
    const subscriptions = await webhookSubscriptions(3);
    // A record written by some other version, in a shape this one does not know.
    await table.documentClient.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          pk: `SUBSCRIPTION#${subscriptions[1]?.id}`,
          sk: '#SUBSCRIPTION',
          record: { channel: 'carrier pigeon' },
        },
      }),
    );

    await queue.enqueue(subscriptions.map((subscription) => ({ subscription, notification })));
    await Promise.all(work);

    expect(received.map((r) => r.url).sort()).toEqual(['/hook/0', '/hook/2']);
    // The unreadable one alone went back to the queue, each receive, until its last.
    expect(batches).toEqual([3, 1, 1, 1, 1]);
  });
});
