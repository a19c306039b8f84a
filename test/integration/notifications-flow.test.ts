import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBridgeEnvelope } from '../../events/event-contract';
import { cli } from '../support/cli';
import { cloneRepo } from '../support/git';
import { type Received, startHttp } from '../support/http';
import { startTestPlatform, type TestPlatform } from '../support/local-platform';

const example = (file: string) =>
  readFileSync(new URL(`../../examples/orders/${file}`, import.meta.url), 'utf8');

interface Receiver {
  url: string;
  received: Received[];
  close: () => Promise<void>;
  answer: (status: number) => void;
}

const receiver = async (): Promise<Receiver> => {
  const received: Received[] = [];
  let status = 200;
  const server = await startHttp((request, response) => {
    received.push(request);
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end('{}');
  });
  return {
    ...server,
    received,
    answer: (next) => {
      status = next;
    },
  };
};

/** The CloudEvent of a delivery, once its Standard Webhooks signature is verified (throws when it is not). */
const verify = (secret: string, request: Received | undefined): unknown =>
  new Webhook(secret).verify(request?.body ?? '', {
    'webhook-id': String(request?.headers['webhook-id']),
    'webhook-timestamp': String(request?.headers['webhook-timestamp']),
    'webhook-signature': String(request?.headers['webhook-signature']),
  });

/** The contract of `orders`, with its producer channel (a Slack-format receiver) and optional changes. */
const ordersContract = (producerSlack: string, version = '1.0.0', withoutOrderDate = false) => {
  let text = example('datacontract.yaml')
    .replace(
      'url: https://example.slack.com/archives/C0123456',
      `url: ${producerSlack}/services/T0/B0/producer`,
    )
    .replace('version: 1.0.0', `version: ${version}`);
  if (withoutOrderDate)
    text = text.replace(/\n {6}- name: order_date\n {8}logicalType: date\n {8}required: false/, '');
  return text;
};

/** A product derived from orders (contract custom property `upstreamProducts`). */
const dailyRevenueContract = `apiVersion: v3.1.0
kind: DataContract
id: daily-revenue-contract
name: Daily revenue
version: 1.0.0
status: active
domain: sales
team:
  name: finance-team
schema:
  - name: daily_revenue
    properties:
      - name: day
        logicalType: date
        required: true
customProperties:
  - property: upstreamProducts
    value: [orders]
`;

describe('Notifications, locally (subscriptions, fan-out queue, ledger, channels to real local receivers)', () => {
  let t: TestPlatform;
  let webhook: Receiver;
  let slack: Receiver;
  let producer: Receiver;
  let downstream: Receiver;
  let secret: string;
  let downstreamSecret: string;

  const bodies = (r: Receiver) =>
    r.received.map((request) => JSON.parse(request.body) as Record<string, unknown>);
  const typesOf = (r: Receiver) => bodies(r).map((b) => b.type);

  beforeAll(async () => {
    [webhook, slack, producer, downstream] = await Promise.all([
      receiver(),
      receiver(),
      receiver(),
      receiver(),
    ]);
    t = await startTestPlatform();
    process.env.MESH_STATE_DIR = t.stateDir;
    await t.upload('orders/datacontract.yaml', ordersContract(producer.url));
    await t.upload('daily-revenue/datacontract.yaml', dailyRevenueContract);

    const subscribed = await cli(
      'subscribe',
      'orders',
      '--webhook',
      `${webhook.url}/hooks/mesh`,
      '--consumer',
      'team:analytics',
      '--json',
    );
    expect(subscribed.code).toBe(0);
    secret = JSON.parse(subscribed.out).signingSecret;
    expect(
      (
        await cli(
          'subscribe',
          'orders',
          '--slack',
          `${slack.url}/services/T1/B1/consumer`,
          '--events',
          'version-published,schema-changed-breaking',
        )
      ).code,
    ).toBe(0);
    const derived = await cli(
      'subscribe',
      'daily-revenue',
      '--webhook',
      `${downstream.url}/kpis`,
      '--events',
      'schema-changed',
      '--json',
    );
    downstreamSecret = JSON.parse(derived.out).signingSecret;
    await t.platform.bus.whenIdle();
  });

  afterAll(async () => {
    await t?.stop();
    await Promise.all([webhook, slack, producer, downstream].map((r) => r?.close()));
  });

  it('lists subscriptions without the Slack URL that would let anyone post to the channel', async () => {
    const listed = JSON.parse((await cli('subscriptions', '--json')).out) as {
      channel: { kind: string; url?: string };
    }[];
    expect(listed.find((s) => s.channel.kind === 'slack')?.channel.url).toBe(`${slack.url}/services/T1/…`);
    expect(JSON.stringify(listed)).not.toContain('/B1/consumer');
  });

  it('tells the owner team (producer channel) who subscribed', () => {
    const texts = producer.received.map((r) => r.body).join('\n');
    expect(texts).toContain('team:analytics');
  });

  it('sends exactly one correctly signed CloudEvent per published version, even when the event arrives three times', async () => {
    await t.upload('orders/2026/orders-2026-11-21.csv', example('orders-2026-11-21.csv'));
    const [published] = t.domainEvents('Data Product Version Published') as EventBridgeEnvelope[];
    for (let i = 0; i < 2; i++) t.platform.bus.putEnvelope(published as EventBridgeEnvelope);
    await t.platform.bus.whenIdle();

    expect(typesOf(webhook)).toEqual(['io.datamesh.version-published']);
    const [request] = webhook.received;
    expect(request?.headers['content-type']).toContain('application/cloudevents+json');
    const verified = verify(secret, request) as { specversion: string; subject: string };
    expect(verified).toMatchObject({ specversion: '1.0', subject: 'orders' });
    // The Slack-format receiver got one Block Kit message.
    expect(bodies(slack).map((b) => Array.isArray(b.blocks))).toEqual([true]);
  });

  it('tells direct subscribers about a breaking change, and a downstream product’s subscriber with the path', async () => {
    await t.upload('orders/datacontract.yaml', ordersContract(producer.url, '2.0.0', true));

    expect(typesOf(webhook)).toEqual(['io.datamesh.version-published', 'io.datamesh.schema-changed']);
    expect(slack.received).toHaveLength(2);
    const [impact] = downstream.received;
    const event = verify(downstreamSecret, impact) as { data: { path: string[] } };
    expect(event.data.path).toEqual(['orders', 'daily-revenue']);
    expect(downstream.received).toHaveLength(1);
  });

  it("sends the producer's rejections and validation failures to its channel", async () => {
    const before = producer.received.length;
    await t.upload(
      'orders/datacontract.yaml',
      ordersContract(producer.url, '2.1.0').replace(
        /\n {6}- name: status[\s\S]*?value: \[new, paid, shipped\]/,
        '',
      ),
    );
    await t.upload(
      'orders/2026/bad.csv',
      'order_id,customer_email,amount,status,ordered_at\nabc,x@y.z,1,paid,2026-11-22T08:00:00Z\n',
    );

    const texts = producer.received.slice(before).map((r) => r.body);
    expect(texts.some((text) => text.includes('rejected'))).toBe(true);
    expect(texts.some((text) => text.includes('failed validation'))).toBe(true);
    // The consumer (default events) hears of the failed file, not of the rejected contract.
    expect(typesOf(webhook).slice(2)).toEqual(['io.datamesh.validation-failed']);
  });

  it('pauses a subscription whose target answers 410, and shows the failure in the ledger', async () => {
    webhook.answer(410);
    await t.upload(
      'orders/2026/orders-2026-11-23.csv',
      example('orders-2026-11-21.csv').replace(/,[^,\n]*$/gm, ''),
    );
    const listed = JSON.parse((await cli('subscriptions', '--json')).out) as {
      channel: { kind: string };
      status: string;
    }[];
    expect(listed.find((s) => s.channel.kind === 'webhook' && s.status === 'paused')).toBeDefined();
    const failed = JSON.parse((await cli('deliveries', '--failed', '--json')).out) as { lastError: string }[];
    expect(failed[0]?.lastError).toMatch(/410/);
    expect(t.domainEvents('Notification Failed').at(-1)?.detail).toMatchObject({ paused: true });
  });

  it('refuses a duplicate subscription, an unknown product, an invalid target, and an unauthenticated call', async () => {
    const again = await cli(
      'subscribe',
      'orders',
      '--webhook',
      `${webhook.url}/hooks/mesh`,
      '--consumer',
      'team:analytics',
    );
    expect(again.code).toBe(1);
    expect(again.err).toContain('already exists');
    const unknown = await cli('subscribe', 'no-such-product', '--webhook', `${webhook.url}/x`);
    expect(unknown.err).toContain('no data product "no-such-product"');
    const invalid = await cli('subscribe', 'orders', '--email', 'not-an-address');
    expect(invalid.code).toBe(1);
    const anonymous = await fetch(`${t.platform.endpoints.http}/subscriptions`);
    expect(anonymous.status).toBe(401);
    const noEvents = await fetch(`${t.platform.endpoints.http}/subscriptions`, {
      method: 'POST',
      headers: { authorization: 'test', 'content-type': 'application/json' },
      body: JSON.stringify({
        consumer: 'team:x',
        product: 'orders',
        events: [],
        channel: { kind: 'webhook', url: `${webhook.url}/none` },
      }),
    });
    expect(noEvents.status).toBe(400);
    expect(await noEvents.json()).toMatchObject({
      problems: [
        expect.objectContaining({ path: 'events', message: expect.stringContaining('at least one') }),
      ],
    });
  });

  it('retries a target that answers 500, then delivers once it answers 200 (two requests, one delivery)', async () => {
    const flaky = await receiver();
    try {
      flaky.answer(500);
      const subscribed = await cli(
        'subscribe',
        'orders',
        '--webhook',
        `${flaky.url}/flaky`,
        '--events',
        'version-published',
        '--json',
      );
      const id = JSON.parse(subscribed.out).subscription.id as string;
      const upload = t.upload(
        'orders/2026/orders-2026-11-25.csv',
        example('orders-2026-11-21.csv').replace(/,[^,\n]*$/gm, ''),
      );
      // The first attempt fails; answer 200 from the second on (the queue retries after its back-off).
      while (flaky.received.length === 0) await new Promise((resolve) => setImmediate(resolve));
      flaky.answer(200);
      await upload;
      expect(flaky.received).toHaveLength(2);
      const ledger = JSON.parse((await cli('deliveries', '--json')).out) as {
        subscriptionId: string;
        status: string;
        attempts: number;
      }[];
      expect(ledger.filter((d) => d.subscriptionId === id)).toEqual([
        expect.objectContaining({ status: 'delivered', attempts: 2 }),
      ]);
    } finally {
      await flaky.close();
    }
  });

  it('signs with a new secret after mesh rotate-secret (how a subscriptions.yaml webhook gets one)', async () => {
    const target = await receiver();
    try {
      const made = JSON.parse(
        (
          await cli(
            'subscribe',
            'orders',
            '--webhook',
            `${target.url}/rotated`,
            '--events',
            'version-published',
            '--json',
          )
        ).out,
      ) as { subscription: { id: string }; signingSecret: string };
      const rotated = await cli('rotate-secret', made.subscription.id, '--json');
      expect(rotated.code).toBe(0);
      const fresh = JSON.parse(rotated.out).signingSecret as string;
      expect(fresh).toMatch(/^whsec_/);
      expect(fresh).not.toBe(made.signingSecret);

      await t.upload(
        'orders/2026/orders-2026-11-26.csv',
        example('orders-2026-11-21.csv').replace(/,[^,\n]*$/gm, ''),
      );

      expect(target.received).toHaveLength(1);
      expect(verify(fresh, target.received[0])).toMatchObject({ type: expect.stringContaining('version') });
      expect(() => verify(made.signingSecret, target.received[0])).toThrow();
      expect((await cli('rotate-secret', 'sub-does-not-exist')).code).toBe(1);
    } finally {
      await target.close();
    }
  });

  it('writes e-mail notifications to the outbox locally', async () => {
    expect(
      (await cli('subscribe', 'orders', '--email', 'analyst@example.com', '--events', 'version-published'))
        .code,
    ).toBe(0);
    await t.upload(
      'orders/2026/orders-2026-11-24.csv',
      example('orders-2026-11-21.csv').replace(/,[^,\n]*$/gm, ''),
    );
    const files = await readdir(join(t.stateDir, 'outbox'));
    expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(1);
  });

  it('applies a consumer’s subscriptions.yaml pushed to the data repo (GitOps), and removes what it no longer lists', async () => {
    const work = await mkdtemp(join(tmpdir(), 'mesh-subs-'));
    try {
      const repo = await cloneRepo(t.platform.endpoints.dataRepo, join(work, 'data'), {
        name: 'carol',
        email: 'carol@example.com',
      });
      await repo.write(
        'analytics/subscriptions.yaml',
        `consumer: team:bi\nsubscriptions:\n  - product: orders\n    events: [deprecated]\n    webhook: ${webhook.url}/bi\n  - domain: sales\n    email: bi@example.com\n`,
      );
      await repo.commit('bi subscribes');
      await repo.push();
      await t.platform.bus.whenIdle();
      const gitops = async () =>
        (
          JSON.parse((await cli('subscriptions', '--json')).out) as {
            source: string;
            consumer: string;
            events: string[];
          }[]
        ).filter((s) => s.source === 'gitops');
      expect((await gitops()).map((s) => s.consumer)).toEqual(['team:bi', 'team:bi']);

      await repo.write(
        'analytics/subscriptions.yaml',
        'consumer: team:bi\nsubscriptions:\n  - domain: sales\n    email: bi@example.com\n',
      );
      await repo.commit('bi keeps only the e-mail');
      await repo.push();
      await t.platform.bus.whenIdle();
      expect(await gitops()).toHaveLength(1);

      // Changing what an entry is told about changes the subscription (the same one: same consumer and channel).
      const [before] = await gitops();
      await repo.write(
        'analytics/subscriptions.yaml',
        'consumer: team:bi\nsubscriptions:\n  - domain: sales\n    events: [deprecated, rejected]\n    email: bi@example.com\n',
      );
      await repo.commit('bi only wants deprecations and rejections');
      await repo.push();
      await t.platform.bus.whenIdle();
      expect(await gitops()).toEqual([{ ...before, events: ['deprecated', 'rejected'] }]);

      // A file with a problem (two channels in one entry) changes nothing: no typo deletes a subscription.
      await repo.write(
        'analytics/subscriptions.yaml',
        `consumer: team:bi\nsubscriptions:\n  - product: orders\n    email: bi@example.com\n    webhook: ${webhook.url}/bi\n`,
      );
      await repo.commit('bi breaks its file');
      await repo.push();
      await t.platform.bus.whenIdle();
      expect(await gitops()).toHaveLength(1);

      // An entry that asks for no event at all is a problem too: the subscription stays as it was.
      const [kept] = await gitops();
      let deadLetters = 0;
      const counter = () => deadLetters++;
      t.platform.bus.on('dead-letter', counter);
      await repo.write(
        'analytics/subscriptions.yaml',
        'consumer: team:bi\nsubscriptions:\n  - domain: sales\n    events: []\n    email: bi@example.com\n',
      );
      await repo.commit('bi empties its events');
      await repo.push();
      await t.platform.bus.whenIdle();
      t.platform.bus.off('dead-letter', counter);
      expect(await gitops()).toEqual([kept]);
      // Only the entry was refused: the push itself was processed, not retried into the dead letters.
      expect(deadLetters).toBe(0);

      // Removing the file removes the consumer's GitOps subscriptions.
      await repo.remove('analytics/subscriptions.yaml');
      await repo.commit('bi leaves');
      await repo.push();
      await t.platform.bus.whenIdle();
      expect(await gitops()).toEqual([]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('keeps a consumer’s GitOps subscriptions in one file: a second file is refused, a moved file takes over', async () => {
    const work = await mkdtemp(join(tmpdir(), 'mesh-subs-'));
    try {
      const repo = await cloneRepo(t.platform.endpoints.dataRepo, join(work, 'data'), {
        name: 'dave',
        email: 'dave@example.com',
      });
      const declared = async () =>
        (
          JSON.parse((await cli('subscriptions', '--json')).out) as {
            consumer: string;
            declaredIn?: string;
            channel: { address?: string };
          }[]
        )
          .filter((s) => s.consumer === 'team:ops')
          .map((s) => `${s.channel.address} in ${s.declaredIn}`);
      const push = async (message: string) => {
        await repo.commit(message);
        await repo.push();
        await t.platform.bus.whenIdle();
      };
      const file = (address: string, consumer = 'team:ops') =>
        `consumer: ${consumer}\nsubscriptions:\n  - product: orders\n    email: ${address}\n`;

      await repo.write('ops/subscriptions.yaml', file('ops@example.com'));
      await push('ops subscribes');
      expect(await declared()).toEqual(['ops@example.com in ops/subscriptions.yaml']);

      // Another folder naming the same consumer would delete ops/'s subscriptions on every push: refused.
      await repo.write('ops-copy/subscriptions.yaml', file('copy@example.com'));
      await push('a second file for ops');
      expect(await declared()).toEqual(['ops@example.com in ops/subscriptions.yaml']);

      // Moved in one push (the old file removed, the new one added): the new file takes the consumer over.
      await repo.remove('ops-copy/subscriptions.yaml');
      await repo.remove('ops/subscriptions.yaml');
      await repo.write('operations/subscriptions.yaml', file('ops@example.com'));
      await push('ops moves to operations/');
      expect(await declared()).toEqual(['ops@example.com in operations/subscriptions.yaml']);

      // The file renames its consumer: the old name's subscriptions go with it, and the old name is free again.
      await repo.write('operations/subscriptions.yaml', file('ops@example.com', 'team:operations'));
      await push('ops is now operations');
      expect(await declared()).toEqual([]);
      await repo.write('ops/subscriptions.yaml', file('ops-again@example.com'));
      await push('a new team:ops');
      expect(await declared()).toEqual(['ops-again@example.com in ops/subscriptions.yaml']);

      // In one push, ops/ gives the name up and aa/ (applied first, by path) takes it: the name is released first.
      await repo.write('ops/subscriptions.yaml', file('ops-again@example.com', 'team:ops-old'));
      await repo.write('aa/subscriptions.yaml', file('aa@example.com'));
      await push('team:ops moves to aa/');
      expect(await declared()).toEqual(['aa@example.com in aa/subscriptions.yaml']);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('reads upstream products from an ODPS dataproduct.yaml (input ports) for downstream impact, and refuses a bad one', async () => {
    const report = await receiver();
    try {
      await t.upload(
        'weekly-report/datacontract.yaml',
        dailyRevenueContract
          .replace(/daily-revenue-contract|Daily revenue|daily_revenue/g, 'weekly-report')
          .replace(/customProperties:[\s\S]*$/, ''),
      );
      await t.upload('weekly-report/dataproduct.yaml', 'kind: Nope\n');
      expect(t.domainEvents('Data Product Rejected').at(-1)?.detail).toMatchObject({
        reason: 'invalid-descriptor',
      });
      await t.upload(
        'weekly-report/dataproduct.yaml',
        'apiVersion: v1.0.0\nkind: DataProduct\nid: weekly\nname: Weekly report\ninputPorts:\n  - name: orders-feed\n    version: 2.0.0\n    contractId: 8a0b6a8e-6f4e-4d6b-9a57-2f1d1f5d2c11\n',
      );
      const subscribed = await cli(
        'subscribe',
        'weekly-report',
        '--webhook',
        `${report.url}/weekly`,
        '--events',
        'schema-changed',
        '--json',
      );
      const reportSecret = JSON.parse(subscribed.out).signingSecret as string;

      await t.upload(
        'orders/datacontract.yaml',
        ordersContract(producer.url, '3.0.0', true).replace(
          /\n {6}- name: status[\s\S]*?value: \[new, paid, shipped\]/,
          '',
        ),
      );

      const event = verify(reportSecret, report.received[0]) as { data: { path: string[] } };
      expect(event.data.path).toEqual(['orders', 'weekly-report']);
      expect(report.received).toHaveLength(1);
    } finally {
      await report.close();
    }
  });
});
