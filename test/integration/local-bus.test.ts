import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBridgeEnvelope } from '../../events/event-contract';
import { platformRules } from '../../events/rules';
import sample from '../../events/samples/s3-object-created.json';
import { LocalBus } from '../../functions/local/bus/local-bus';
import { startHttpServer } from '../../functions/local/http-server';
import { InvalidEventError } from '../../functions/shared/event-handler';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('Class: LocalBus', () => {
  let dir: string;
  let bus: LocalBus;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesh-bus-'));
    bus = new LocalBus({
      name: 'test-bus',
      account: '000000000000',
      region: 'us-east-1',
      eventLogFile: join(dir, 'events.jsonl'),
      deadLetterFile: join(dir, 'dead-letters.jsonl'),
      retryBaseDelayMs: 1,
      logger: silent,
    });
  });

  it('routes by the platform rule patterns the CDK stack deploys', async () => {
    const received: Record<string, string[]> = {};
    for (const rule of platformRules()) {
      bus.addRule(rule.id, rule.pattern, async (e) => {
        received[rule.handler] = [
          ...(received[rule.handler] ?? []),
          (e.detail as typeof sample.detail).object.key,
        ];
      });
    }
    const withKey = (key: string, bucket = sample.detail.bucket.name) => {
      const event = structuredClone(sample);
      event.detail.object.key = key;
      event.detail.bucket.name = bucket;
      return event;
    };

    bus.putEnvelope(withKey('orders/part-0.csv'));
    bus.putEnvelope(withKey('orders/datacontract.yaml'));
    bus.putEnvelope(withKey('_quarantine/orders/x.csv'));
    bus.putEnvelope(withKey('sales/orders/part-1.csv', 'team-sales-bucket'));
    await bus.whenIdle();

    // Contracts reach the registrar; the data publisher sees every key outside quarantine and ignores contracts.
    // Any forwarded bucket is routed (a producer bucket too): the functions act on registered locations only.
    expect(received).toEqual({
      'contract-uploaded': ['orders/datacontract.yaml'],
      'data-uploaded': ['orders/part-0.csv', 'orders/datacontract.yaml', 'sales/orders/part-1.csv'],
    });
  });

  it('retries a failing target and then succeeds', async () => {
    let calls = 0;
    bus.addRule('flaky', { source: ['test'] }, async () => {
      calls++;
      if (calls < 3) throw new Error('temporarily broken');
    });

    bus.putEvents([{ Source: 'test', DetailType: 'Thing Happened', Detail: '{}' }]);
    await bus.whenIdle();

    expect(calls).toBe(3);
    await expect(readFile(join(dir, 'dead-letters.jsonl'), 'utf8')).rejects.toThrow();
  });

  it('dead-letters an event after the last attempt, keeping the event and the error', async () => {
    bus.addRule('broken', { source: ['test'] }, async () => {
      throw new Error('always broken');
    });

    bus.putEvents([{ Source: 'test', DetailType: 'Thing Happened', Detail: '{"n":1}' }]);
    await bus.whenIdle();

    const [dead] = (await readFile(join(dir, 'dead-letters.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(dead).toMatchObject({
      rule: 'broken',
      attempts: 6,
      error: 'Error: always broken',
      event: { detail: { n: 1 } },
    });
  });

  it('replays dead letters to the rule that gave up on them, with the original event, keeping what fails again', async () => {
    let fixed = false;
    const seen: string[] = [];
    bus.addRule('recovering', { source: ['test'], 'detail-type': ['Thing Happened'] }, async (e) => {
      if (!fixed) throw new Error('still broken');
      seen.push(e.id);
    });
    bus.addRule('hopeless', { source: ['test'], 'detail-type': ['Other Thing'] }, async () => {
      throw new Error('always broken');
    });
    bus.addRule('bystander', { source: ['test'] }, async () => {});
    const [first] = bus.putEvents([{ Source: 'test', DetailType: 'Thing Happened', Detail: '{}' }]);
    bus.putEvents([{ Source: 'test', DetailType: 'Other Thing', Detail: '{}' }]);
    await bus.whenIdle();
    fixed = true;

    expect(await bus.replayDeadLetters()).toEqual({ replayed: 2, failedAgain: 1 });

    expect(seen).toEqual([(first as { EventId: string }).EventId]);
    const left = (await readFile(join(dir, 'dead-letters.jsonl'), 'utf8')).trim().split('\n');
    expect(left.map((line) => JSON.parse(line).rule)).toEqual(['hopeless']);
  });

  it('dead-letters an event that fails its contract at once, without retrying', async () => {
    let calls = 0;
    bus.addRule('strict', { source: ['test'] }, async () => {
      calls++;
      throw new InvalidEventError('not a valid event');
    });

    bus.putEvents([{ Source: 'test', DetailType: 'Thing Happened', Detail: '{}' }]);
    await bus.whenIdle();

    expect(calls).toBe(1);
  });

  it('refuses a rule whose pattern EventBridge would reject', () => {
    expect(() => bus.addRule('bad', { source: 'not-an-array' }, async () => {})).toThrow(/source/);
  });

  describe('through the EventBridge API on the local HTTP server', () => {
    let http: Awaited<ReturnType<typeof startHttpServer>>;
    let client: EventBridgeClient;

    beforeEach(async () => {
      http = await startHttpServer({
        port: 0,
        bus,
        status: () => ({}),
        webhook: async () => ({ statusCode: 404 }),
      });
      client = new EventBridgeClient({
        endpoint: http.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
    });

    afterEach(async () => {
      client.destroy();
      await http.close();
    });

    it.each([
      ['a body that is not JSON', 'AWSEvents.PutEvents', '{not json', 400, 'SerializationException'],
      [
        'an operation the local bus does not offer',
        'AWSEvents.DeleteRule',
        '{}',
        400,
        'UnknownOperationException',
      ],
      ['no entries', 'AWSEvents.PutEvents', '{"Entries":[]}', 400, 'ValidationException'],
      [
        'eleven entries',
        'AWSEvents.PutEvents',
        JSON.stringify({ Entries: Array(11).fill({ Source: 's', DetailType: 'd', Detail: '{}' }) }),
        400,
        'ValidationException',
      ],
      [
        'entries of the wrong shape',
        'AWSEvents.PutEvents',
        '{"Entries":[{"Source":42}]}',
        400,
        'ValidationException',
      ],
      [
        'a body over 1 MB',
        'AWSEvents.PutEvents',
        `{"Entries":[{"Detail":"${'x'.repeat(1024 * 1024)}"}]}`,
        413,
        'ValidationException',
      ],
    ])(
      'refuses %s with the AWS error type, and puts nothing on the bus',
      async (_name, target, body, status, type) => {
        const received: EventBridgeEnvelope[] = [];
        bus.addRule('all', { source: [{ exists: true }] }, async (e) => void received.push(e));

        const response = await fetch(http.endpoint, {
          method: 'POST',
          headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
          body,
        });
        await bus.whenIdle();

        expect(response.status).toBe(status);
        expect(await response.json()).toMatchObject({ __type: type, message: expect.any(String) });
        expect(received).toEqual([]);
      },
    );

    it('accepts PutEvents from the real SDK and answers per entry', async () => {
      const received: EventBridgeEnvelope[] = [];
      bus.addRule('all-tests', { source: ['test'] }, async (e) => void received.push(e));

      const out = await client.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: 'test',
              DetailType: 'Thing Happened',
              Detail: JSON.stringify({ n: 1 }),
              EventBusName: 'test-bus',
            },
            { Source: 'test', DetailType: 'Thing Happened', Detail: 'not json', EventBusName: 'test-bus' },
          ],
        }),
      );
      await bus.whenIdle();

      expect(out.FailedEntryCount).toBe(1);
      expect(out.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
      expect(out.Entries?.[1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({
        source: 'test',
        'detail-type': 'Thing Happened',
        detail: { n: 1 },
        account: '000000000000',
      });
      const logged = (await readFile(join(dir, 'events.jsonl'), 'utf8')).trim().split('\n');
      expect(logged).toHaveLength(1);
    });
  });
});
