import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { buildChannelRouter, ChannelRouter } from '../../functions/adapters/channels/channel-router';
import { OutboxEmailChannel, SesEmailChannel } from '../../functions/adapters/channels/email-channel';
import { postJson, type Resolver } from '../../functions/adapters/channels/outbound-http';
import { EventBridgeChannel, SqsChannel } from '../../functions/adapters/channels/queue-channels';
import { SlackChannel } from '../../functions/adapters/channels/slack-channel';
import { TeamsChannel } from '../../functions/adapters/channels/teams-channel';
import { newSigningSecret, WebhookChannel } from '../../functions/adapters/channels/webhook-channel';
import type { Channel, Notification } from '../../functions/core/notifications/subscription';
import { type ChannelSender, DeliveryError } from '../../functions/ports/channel-sender';

// Real HTTP receivers on 127.0.0.1 (mode 'local'); SQS, SES and EventBridge through aws-sdk-client-mock.

const notification = (overrides: Partial<Notification> = {}): Notification => ({
  id: 'ntf-7f3a9c',
  type: 'schema-changed-breaking',
  productId: 'sales.orders',
  audience: 'consumer',
  occurredAt: '2024-05-01T12:34:56.789Z',
  title: 'sales.orders 2.0.0: breaking schema change',
  summary: 'Column amount was removed.',
  data: { verdict: 'breaking', previousContractVersion: '1.4.0' },
  path: ['sales.orders', 'finance.daily-revenue'],
  link: 'https://catalog.example.com/products/sales.orders',
  source: { eventId: 'evt-1', detailType: 'Data Product Schema Changed' },
  ...overrides,
});

const context = { subscriptionId: 'sub-1' };

interface Received {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

interface Receiver {
  url: string;
  port: number;
  requests: Received[];
  /** TCP connections accepted, requests or not. */
  connections: number;
}

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** A receiver that records each request and answers with `answer` (which may also never answer). */
const receiver = async (
  answer: (res: ServerResponse, req: Received) => void = (res) => res.writeHead(204).end(),
): Promise<Receiver> => {
  const state: Receiver = { url: '', port: 0, requests: [], connections: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      state.requests.push(received);
      answer(res, received);
    });
  });
  server.on('connection', () => {
    state.connections += 1;
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}`;
  return state;
};

/** The DeliveryError a promise rejects with. */
const failure = async (promise: Promise<unknown>): Promise<DeliveryError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DeliveryError) return error;
    throw error;
  }
  throw new Error('expected a DeliveryError, the delivery succeeded');
};

describe('webhook channel', () => {
  it('delivers a CloudEvent the receiver verifies with Standard Webhooks', async () => {
    const target = await receiver((res) => res.writeHead(200).end('ok'));
    const secret = newSigningSecret();
    const channel = new WebhookChannel({ mode: 'local' });
    await channel.send({ kind: 'webhook', url: `${target.url}/hooks/mesh?x=1` }, notification(), {
      ...context,
      signingSecret: secret,
    });

    expect(target.requests).toHaveLength(1);
    const [request] = target.requests;
    if (!request) throw new Error('no request');
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/hooks/mesh?x=1');
    expect(request.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    expect(request.headers['webhook-id']).toBe('ntf-7f3a9c');
    expect(Number(request.headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    const event = new Webhook(secret).verify(request.body, request.headers);
    expect(event).toMatchObject({
      specversion: '1.0',
      id: 'ntf-7f3a9c',
      type: 'io.datamesh.schema-changed-breaking',
      subject: 'sales.orders',
      data: { title: 'sales.orders 2.0.0: breaking schema change', verdict: 'breaking' },
    });
    // A tampered body does not verify.
    expect(() =>
      new Webhook(secret).verify(request.body.replace('amount', 'price'), request.headers),
    ).toThrow();
  });

  it('refuses to send unsigned', async () => {
    const target = await receiver();
    const error = await failure(
      new WebhookChannel({ mode: 'local' }).send(
        { kind: 'webhook', url: target.url },
        notification(),
        context,
      ),
    );
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/no signing secret/);
    expect(target.connections).toBe(0);
  });

  it('times out on a target that never answers: retryable', async () => {
    const target = await receiver(() => {
      /* never answers */
    });
    const error = await failure(
      new WebhookChannel({ mode: 'local', timeoutMs: 150 }).send(
        { kind: 'webhook', url: `${target.url}/slow` },
        notification(),
        { ...context, signingSecret: newSigningSecret() },
      ),
    );
    expect(error.kind).toBe('retryable');
    expect(error.message).toBe(`POST ${target.url}/slow timed out after 150 ms`);
  });

  it.each([
    [500, 'retryable'],
    [503, 'retryable'],
    [429, 'retryable'],
    [410, 'gone'],
    [400, 'permanent'],
    [404, 'permanent'],
  ] as const)('maps %i to %s, naming the target without its query', async (status, kind) => {
    const target = await receiver((res) => res.writeHead(status).end());
    const error = await failure(
      new WebhookChannel({ mode: 'local' }).send(
        { kind: 'webhook', url: `${target.url}/hook?token=s3cret` },
        notification(),
        { ...context, signingSecret: newSigningSecret() },
      ),
    );
    expect(error.kind).toBe(kind);
    expect(error.message).toBe(`POST ${target.url}/hook answered ${status}`);
    expect(error.message).not.toContain('s3cret');
  });

  it('does not follow a redirect: permanent, and the redirect target gets nothing', async () => {
    const elsewhere = await receiver();
    const target = await receiver((res) =>
      res.writeHead(302, { location: `${elsewhere.url}/stolen?secret=1` }).end(),
    );
    const error = await failure(
      new WebhookChannel({ mode: 'local' }).send(
        { kind: 'webhook', url: `${target.url}/hook` },
        notification(),
        {
          ...context,
          signingSecret: newSigningSecret(),
        },
      ),
    );
    expect(error.kind).toBe('permanent');
    expect(error.message).toBe(
      `POST ${target.url}/hook answered 302, a redirect (to ${elsewhere.url}/stolen): redirects are not followed`,
    );
    expect(target.requests).toHaveLength(1);
    expect(elsewhere.connections).toBe(0);
  });

  it('keeps the connection to a target alive: a burst of notifications pays one handshake', async () => {
    const target = await receiver();
    for (let i = 0; i < 3; i++) await postJson(`${target.url}/hook`, { i }, { mode: 'local' });

    expect(target.requests.map((r) => r.body)).toEqual(['{"i":0}', '{"i":1}', '{"i":2}']);
    expect(target.connections).toBe(1);
  });

  it('never makes a request wait for a pooled connection: a burst to one slow target is not timed out by us', async () => {
    // The target answers only once the whole burst has reached it: a request queued behind our own pool
    // would never get there, and the burst would time out.
    const burst = 48;
    const waiting: ServerResponse[] = [];
    const target = await receiver((res) => {
      waiting.push(res);
      if (waiting.length === burst) for (const held of waiting) held.writeHead(204).end();
    });

    await Promise.all(
      Array.from({ length: burst }, (_, i) =>
        postJson(`${target.url}/hook`, { i }, { mode: 'local', timeoutMs: 2_000 }),
      ),
    );

    expect(target.requests).toHaveLength(burst);
  });

  it("keeps a burst's connections for the next burst: a fan-out to one receiver opens them once", async () => {
    const burst = 48;
    let waiting: ServerResponse[] = [];
    // Answered only once the whole burst is in, so that the burst holds `burst` connections at once.
    const target = await receiver((res) => {
      waiting.push(res);
      if (waiting.length < burst) return;
      for (const held of waiting) held.writeHead(204).end();
      waiting = [];
    });
    const sendBurst = () =>
      Promise.all(
        Array.from({ length: burst }, (_, i) =>
          postJson(`${target.url}/hook`, { i }, { mode: 'local', timeoutMs: 2_000 }),
        ),
      );

    await sendBurst();
    await sendBurst();

    expect(target.requests).toHaveLength(2 * burst);
    expect(target.connections).toBe(burst);
  });

  it('sends again on a new connection when the target dropped a kept-alive one, never on a new one', async () => {
    let dropped = 0;
    const target = await receiver((res, req) => {
      // The first request on the kept-alive connection is cut off, as by a target that had closed it.
      if (req.body === '{"drop":true}' && dropped++ === 0) res.socket?.destroy();
      else res.writeHead(204).end();
    });
    await postJson(`${target.url}/hook`, { warm: true }, { mode: 'local' });
    await postJson(`${target.url}/hook`, { drop: true }, { mode: 'local' });

    expect(target.requests.map((r) => r.body)).toEqual(['{"warm":true}', '{"drop":true}', '{"drop":true}']);
    expect(target.connections).toBe(2);

    const fresh = await receiver((res) => res.socket?.destroy());
    const error = await failure(postJson(`${fresh.url}/hook`, {}, { mode: 'local' }));
    expect(error.kind).toBe('retryable');
    expect(fresh.requests).toHaveLength(1);
  });

  it('reports a refused connection as retryable', async () => {
    const target = await receiver();
    const url = target.url;
    await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
    const error = await failure(postJson(`${url}/hook`, {}, { mode: 'local' }));
    expect(error.kind).toBe('retryable');
    expect(error.message).toMatch(new RegExp(`^POST ${url}/hook failed: .*ECONNREFUSED`));
  });
});

describe('SSRF guard', () => {
  const post = (url: string, mode: 'aws' | 'local' = 'aws', resolve?: Resolver) =>
    failure(postJson(url, { hello: 'world' }, { mode, timeoutMs: 1_000, ...(resolve ? { resolve } : {}) }));

  it.each([
    [
      'https://169.254.169.254/latest/meta-data/iam/security-credentials/',
      /169\.254\.169\.254 is a link-local address \(cloud instance metadata\)/,
    ],
    ['https://10.0.0.1/hook', /10\.0\.0\.1 is a private address/],
    ['https://192.168.1.1/hook', /192\.168\.1\.1 is a private address/],
    ['https://[::1]/hook', /::1 is a loopback address/],
    ['https://[::ffff:169.254.169.254]/hook', /link-local/],
    ['https://0.0.0.0/hook', /unspecified/],
    ['https://2852039166/hook', /169\.254\.169\.254 is a link-local/],
  ])('refuses %s on AWS, permanently', async (url, reason) => {
    const error = await post(url);
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(reason);
    expect(error.message).toMatch(/refused/);
  });

  it('refuses a DNS name resolving to loopback (localhost) on AWS, before connecting', async () => {
    const target = await receiver();
    const error = await post(`https://localhost:${target.port}/hook`);
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/is a loopback address .*\(localhost resolves to it\)/);
    expect(target.connections).toBe(0);
  });

  it('refuses plain http on AWS, before connecting', async () => {
    const target = await receiver();
    const error = await post(`${target.url}/hook`);
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/http is not allowed, only https/);
    expect(target.connections).toBe(0);
  });

  it('still refuses private, link-local and metadata addresses locally', async () => {
    for (const url of ['http://10.0.0.1/hook', 'http://169.254.169.254/latest', 'http://[fd00::1]/hook']) {
      const error = await post(url, 'local');
      expect(error.kind).toBe('permanent');
    }
  });

  it('refuses a name when any of its addresses is private', async () => {
    const target = await receiver();
    const error = await post(`http://mixed.test:${target.port}/hook`, 'local', async () => [
      { address: '127.0.0.1', family: 4 },
      { address: '10.1.2.3', family: 4 },
    ]);
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/10\.1\.2\.3 is a private address .*mixed\.test resolves to it/);
    expect(target.connections).toBe(0);
  });

  it('connects to the address it checked, with the name as Host (no second resolution)', async () => {
    const target = await receiver();
    let lookups = 0;
    await postJson(
      `http://receiver.test:${target.port}/hook`,
      { hello: 'world' },
      {
        mode: 'local',
        resolve: async () => {
          lookups += 1;
          return [{ address: '127.0.0.1', family: 4 }];
        },
      },
    );
    expect(lookups).toBe(1);
    expect(target.requests[0]?.headers.host).toBe(`receiver.test:${target.port}`);
    expect(JSON.parse(target.requests[0]?.body ?? '')).toEqual({ hello: 'world' });
  });

  it('says so when a name does not resolve (permanent), and retries a resolver outage', async () => {
    const dnsError = (code: string) => async () => {
      throw Object.assign(new Error(`getaddrinfo ${code} nowhere.test`), { code });
    };
    const missing = await post('https://nowhere.test/hook', 'aws', dnsError('ENOTFOUND'));
    expect(missing.kind).toBe('permanent');
    expect(missing.message).toBe(
      'POST https://nowhere.test/hook failed: the host nowhere.test does not resolve (ENOTFOUND)',
    );
    const outage = await post('https://nowhere.test/hook', 'aws', dnsError('EAI_AGAIN'));
    expect(outage.kind).toBe('retryable');
  });
});

describe('Slack channel', () => {
  it('refuses a URL that is not a Slack incoming webhook on AWS', async () => {
    const error = await failure(
      new SlackChannel({ mode: 'aws' }).send(
        { kind: 'slack', url: 'https://example.com/services/T01/B02/s3cret' },
        notification(),
        context,
      ),
    );
    expect(error.kind).toBe('permanent');
    expect(error.message).toBe(
      'https://example.com/services/T01/… is not a Slack incoming webhook URL: expected https://hooks.slack.com/services/…',
    );
  });

  it('posts Block Kit to a local receiver', async () => {
    const target = await receiver((res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
    await new SlackChannel({ mode: 'local' }).send(
      { kind: 'slack', url: `${target.url}/services/T01/B02/s3cret` },
      notification(),
      context,
    );
    const [request] = target.requests;
    expect(request?.url).toBe('/services/T01/B02/s3cret');
    expect(request?.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request?.body ?? '');
    expect(body.text).toContain('sales.orders 2.0.0');
    expect(body.blocks.map((b: { type: string }) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'context',
      'actions',
    ]);
  });

  it('keeps the webhook secret out of error messages', async () => {
    const target = await receiver((res) => res.writeHead(403).end('invalid_token'));
    const error = await failure(
      new SlackChannel({ mode: 'local' }).send(
        { kind: 'slack', url: `${target.url}/services/T01/B02/s3cret` },
        notification(),
        context,
      ),
    );
    expect(error.kind).toBe('permanent');
    expect(error.message).toBe(`POST ${target.url}/services/T01/… answered 403: invalid_token`);
  });
});

describe('Teams channel', () => {
  it('posts an Adaptive Card to a local receiver', async () => {
    const target = await receiver((res) => res.writeHead(202).end());
    await new TeamsChannel({ mode: 'local' }).send(
      { kind: 'teams', url: `${target.url}/workflows/abc/triggers/manual/paths/invoke?sig=s3cret` },
      notification(),
      context,
    );
    const body = JSON.parse(target.requests[0]?.body ?? '');
    expect(body.type).toBe('message');
    expect(body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.attachments[0].content.type).toBe('AdaptiveCard');
    expect(body.attachments[0].content.body[0].text).toBe('sales.orders 2.0.0: breaking schema change');
  });
});

describe('e-mail channels', () => {
  it('writes one .eml per notification to the outbox, even when sent twice', async () => {
    const outboxDir = await mkdtemp(join(tmpdir(), 'outbox-'));
    try {
      const channel = new OutboxEmailChannel({
        outboxDir: join(outboxDir, 'mail'),
        fromAddress: 'mesh@example.com',
      });
      const email: Channel = { kind: 'email', address: 'alice@example.com' };
      await channel.send(email, notification(), context);
      await channel.send(email, notification(), context);
      await channel.send(email, notification({ id: 'ntf-other', title: 'Prüfung fehlgeschlagen' }), context);
      const files = (await readdir(join(outboxDir, 'mail'))).sort();
      expect(files).toEqual(['20240501T123456Z-ntf-7f3a9c.eml', '20240501T123456Z-ntf-other.eml']);
      const eml = await readFile(join(outboxDir, 'mail', files[0] ?? ''), 'utf8');
      expect(eml).toMatch(
        /^From: mesh@example\.com\r\nTo: alice@example\.com\r\nSubject: sales\.orders 2\.0\.0/,
      );
      const other = await readFile(join(outboxDir, 'mail', files[1] ?? ''), 'utf8');
      expect(other).toContain(
        `Subject: =?UTF-8?B?${Buffer.from('Prüfung fehlgeschlagen').toString('base64')}?=`,
      );
    } finally {
      await rm(outboxDir, { recursive: true, force: true });
    }
  });

  it('sends through SES on AWS', async () => {
    const client = new SESv2Client({ region: 'eu-west-1' });
    const ses = mockClient(client);
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    await new SesEmailChannel({ client, fromAddress: 'Data Mesh <mesh@example.com>' }).send(
      { kind: 'email', address: 'alice@example.com' },
      notification(),
      context,
    );
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.FromEmailAddress).toBe('Data Mesh <mesh@example.com>');
    expect(input?.Destination?.ToAddresses).toEqual(['alice@example.com']);
    expect(input?.Content?.Simple?.Subject?.Data).toBe('sales.orders 2.0.0: breaking schema change');
    expect(input?.Content?.Simple?.Body?.Text?.Data).toContain('Column amount was removed.');

    ses
      .on(SendEmailCommand)
      .rejects(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }));
    const error = await failure(
      new SesEmailChannel({ client, fromAddress: 'mesh@example.com' }).send(
        { kind: 'email', address: 'alice@example.com' },
        notification(),
        context,
      ),
    );
    expect(error.kind).toBe('permanent');
    expect(error.message).toBe(
      'SES SendEmail to alice@example.com failed: MessageRejected: Email address is not verified.',
    );
  });
});

describe('SQS channel', () => {
  const client = new SQSClient({ region: 'eu-west-1' });

  it('sends the CloudEvent to the queue of the ARN', async () => {
    const sqs = mockClient(client);
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    await new SqsChannel(client).send(
      { kind: 'sqs', queueArn: 'arn:aws:sqs:eu-west-1:123456789012:orders-events' },
      notification(),
      context,
    );
    const input = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(input?.QueueUrl).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012/orders-events');
    expect(JSON.parse(input?.MessageBody ?? '')).toMatchObject({ specversion: '1.0', id: 'ntf-7f3a9c' });
    expect(input?.MessageGroupId).toBeUndefined();
    expect(input?.MessageDeduplicationId).toBeUndefined();
    sqs.restore();
  });

  it('groups by product and deduplicates by notification on FIFO queues', async () => {
    const sqs = mockClient(client);
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    await new SqsChannel(client).send(
      { kind: 'sqs', queueArn: 'arn:aws:sqs:eu-west-1:123456789012:orders.fifo' },
      notification(),
      context,
    );
    const input = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(input?.QueueUrl).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo');
    expect(input?.MessageGroupId).toBe('sales.orders');
    expect(input?.MessageDeduplicationId).toBe('ntf-7f3a9c');
    sqs.restore();
  });

  it.each([
    ['QueueDoesNotExist', 400, 'permanent'],
    ['AccessDenied', 403, 'permanent'],
    ['RequestThrottled', 400, 'retryable'],
    ['InternalError', 500, 'retryable'],
  ] as const)('maps %s to %s', async (name, status, kind) => {
    const sqs = mockClient(client);
    sqs
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error(`${name}!`), { name, $metadata: { httpStatusCode: status } }));
    const error = await failure(
      new SqsChannel(client).send(
        { kind: 'sqs', queueArn: 'arn:aws:sqs:eu-west-1:123456789012:orders' },
        notification(),
        context,
      ),
    );
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(/^SQS SendMessage to arn:aws:sqs:eu-west-1:123456789012:orders failed: /);
    sqs.restore();
  });
});

describe('EventBridge channel', () => {
  const busArn = 'arn:aws:events:eu-west-1:123456789012:event-bus/analytics';
  const client = new EventBridgeClient({ region: 'eu-west-1' });

  it('puts the CloudEvent on the bus of the ARN', async () => {
    const events = mockClient(client);
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    await new EventBridgeChannel(client).send({ kind: 'eventbridge', busArn }, notification(), context);
    const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      EventBusName: busArn,
      Source: 'datamesh.notifications',
      DetailType: 'Data Product Notification',
    });
    expect(JSON.parse(entry?.Detail ?? '')).toMatchObject({ specversion: '1.0', subject: 'sales.orders' });
    events.restore();
  });

  it('retries an entry the bus did not accept', async () => {
    const events = mockClient(client);
    events.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    const error = await failure(
      new EventBridgeChannel(client).send({ kind: 'eventbridge', busArn }, notification(), context),
    );
    expect(error.kind).toBe('retryable');
    expect(error.message).toBe(
      `EventBridge PutEvents to ${busArn}: the event was not accepted (InternalFailure: try again)`,
    );
    events.restore();
  });

  it('does not retry a bus that does not exist', async () => {
    const events = mockClient(client);
    events.on(PutEventsCommand).rejects(
      Object.assign(new Error('no bus'), {
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const error = await failure(
      new EventBridgeChannel(client).send({ kind: 'eventbridge', busArn }, notification(), context),
    );
    expect(error.kind).toBe('permanent');
    events.restore();
  });
});

describe('channel router', () => {
  it('dispatches on the channel kind', async () => {
    const calls: string[] = [];
    const sender = (name: string): ChannelSender => ({
      send: async (channel) => {
        calls.push(`${name}:${channel.kind}`);
      },
    });
    const router = new ChannelRouter({
      webhook: sender('webhook'),
      slack: sender('slack'),
      teams: sender('teams'),
      email: sender('email'),
      sqs: sender('sqs'),
      eventbridge: sender('eventbridge'),
    });
    const channels: Channel[] = [
      { kind: 'webhook', url: 'https://a.example/' },
      { kind: 'slack', url: 'https://hooks.slack.com/services/T/B/X' },
      { kind: 'teams', url: 'https://b.example/' },
      { kind: 'email', address: 'a@example.com' },
      { kind: 'sqs', queueArn: 'arn:aws:sqs:eu-west-1:123456789012:q' },
      { kind: 'eventbridge', busArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/b' },
    ];
    for (const channel of channels) await router.send(channel, notification(), context);
    expect(calls).toEqual([
      'webhook:webhook',
      'slack:slack',
      'teams:teams',
      'email:email',
      'sqs:sqs',
      'eventbridge:eventbridge',
    ]);
    const unknown = await failure(
      router.send({ kind: 'pigeon' } as unknown as Channel, notification(), context),
    );
    expect(unknown.kind).toBe('permanent');
  });

  it('builds the local platform channels: HTTP to local receivers, e-mail to the outbox, no SQS', async () => {
    const outboxDir = await mkdtemp(join(tmpdir(), 'outbox-'));
    try {
      const target = await receiver();
      const router = buildChannelRouter({ mode: 'local', outboxDir, timeoutMs: 1_000 });
      await router.send({ kind: 'webhook', url: `${target.url}/h` }, notification(), {
        ...context,
        signingSecret: newSigningSecret(),
      });
      await router.send({ kind: 'teams', url: `${target.url}/t` }, notification(), context);
      await router.send({ kind: 'email', address: 'alice@example.com' }, notification(), context);
      expect(target.requests.map((r) => r.url)).toEqual(['/h', '/t']);
      expect(await readdir(outboxDir)).toHaveLength(1);
      const sqs = await failure(
        router.send(
          { kind: 'sqs', queueArn: 'arn:aws:sqs:eu-west-1:123456789012:q' },
          notification(),
          context,
        ),
      );
      expect(sqs.kind).toBe('permanent');
    } finally {
      await rm(outboxDir, { recursive: true, force: true });
    }
  });

  it('uses the given SQS and EventBridge clients', async () => {
    const sqsClient = new SQSClient({ region: 'eu-west-1' });
    const ebClient = new EventBridgeClient({ region: 'eu-west-1' });
    const sqs = mockClient(sqsClient);
    const eb = mockClient(ebClient);
    sqs.on(SendMessageCommand).resolves({});
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const router = buildChannelRouter({
      mode: 'aws',
      fromAddress: 'mesh@example.com',
      sqs: sqsClient,
      eventBridge: ebClient,
    });
    await router.send(
      { kind: 'sqs', queueArn: 'arn:aws:sqs:eu-west-1:123456789012:q' },
      notification(),
      context,
    );
    await router.send(
      { kind: 'eventbridge', busArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/b' },
      notification(),
      context,
    );
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(1);
  });
});
