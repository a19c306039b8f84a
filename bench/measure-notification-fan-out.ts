import { fork } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { EventBridgeEnvelope } from '../events/event-contract';
import { startBenchPlatform } from './bench-platform';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface FanOutLatency {
  subscriptions: number;
  /** From `Data Product Version Published` on the bus to the last delivery received. */
  lastDeliveryMs: number;
  /** Half of the subscribers had theirs by then. */
  medianDeliveryMs: number;
  /** Subscriptions that received exactly one notification. */
  exactlyOnce: number;
  duplicates: number;
  missing: number;
  /** Time it took to create the subscriptions through the API (not part of the target). */
  setupMs: number;
}

/**
 * The notification plane under load, as `npm start` runs it: `subscriptions` webhook subscriptions (each its
 * own URL on one local receiver process, standing for the consumers' own machines) to one product, one CSV
 * uploaded, and every delivery timed on arrival.
 */
export const measureNotificationFanOut = async (subscriptions: number): Promise<FanOutLatency> => {
  const stateDir = await mkdtemp(join(tmpdir(), 'mesh-bench-notify-'));
  const previous = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = 'ERROR';
  const receivers = fork(join(ROOT, 'bench/webhook-receivers.ts'), [String(subscriptions)], {
    execArgv: ['--import', 'tsx'],
  });
  /** The receivers' next message of one kind; rejects if their process ends first. */
  const reply = <T>(kind: 'port' | 'allArrived' | 'arrivals') =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: Record<string, unknown>) => {
        if (!(kind in message)) return;
        receivers.off('message', onMessage);
        resolve(message[kind] as T);
      };
      receivers.on('message', onMessage);
      receivers.once('exit', (code) => reject(new Error(`the webhook receivers exited (code ${code})`)));
    });
  const port = await reply<number>('port');
  const allArrived = reply<true>('allArrived');
  allArrived.catch(() => undefined);
  const receiverUrl = `http://127.0.0.1:${port}`;
  const { platform, s3, stop } = await startBenchPlatform(stateDir);

  try {
    const put = async (key: string, file: string) => {
      await s3.send(
        new PutObjectCommand({
          Bucket: platform.endpoints.bucket,
          Key: key,
          Body: await readFile(join(ROOT, file)),
        }),
      );
      await platform.bus.whenIdle();
    };
    await put('orders/datacontract.yaml', 'examples/orders/datacontract.yaml');

    const setupStarted = performance.now();
    const subscribe = (i: number) =>
      fetch(`${platform.endpoints.http}/subscriptions`, {
        method: 'POST',
        headers: { authorization: 'bench', 'content-type': 'application/json' },
        body: JSON.stringify({
          consumer: `bench-${i}`,
          product: 'orders',
          events: ['version-published'],
          channel: { kind: 'webhook', url: `${receiverUrl}/r/${i}` },
        }),
      }).then((r) => {
        if (r.status !== 201) throw new Error(`subscription ${i} answered ${r.status}`);
      });
    for (let i = 0; i < subscriptions; i += 25) {
      await Promise.all(Array.from({ length: Math.min(25, subscriptions - i) }, (_, j) => subscribe(i + j)));
    }
    await platform.bus.whenIdle();
    const setupMs = performance.now() - setupStarted;

    let publishedAt = 0;
    platform.bus.on('event', (event: EventBridgeEnvelope) => {
      if (event['detail-type'] === 'Data Product Version Published')
        publishedAt = performance.timeOrigin + performance.now();
    });
    await put('orders/orders-2026-11-21.csv', 'examples/orders/orders-2026-11-21.csv');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([allArrived, new Promise((resolve) => (timer = setTimeout(resolve, 60_000)))]);
    clearTimeout(timer);
    await platform.bus.whenIdle();
    const byPath = reply<Record<string, number[]>>('arrivals');
    receivers.send('arrivals');
    const arrivals = new Map(Object.entries(await byPath));

    const firsts = [...arrivals.values()].map((times) => (times[0] ?? 0) - publishedAt).sort((a, b) => a - b);
    const counts = [...arrivals.values()].map((times) => times.length);
    return {
      subscriptions,
      lastDeliveryMs: firsts.at(-1) ?? Number.NaN,
      medianDeliveryMs: firsts[Math.floor(firsts.length / 2)] ?? Number.NaN,
      exactlyOnce: counts.filter((c) => c === 1).length,
      duplicates: counts.filter((c) => c > 1).length,
      missing: subscriptions - arrivals.size,
      setupMs,
    };
  } finally {
    await stop();
    receivers.disconnect();
    await rm(stateDir, { recursive: true, force: true });
    if (previous === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = previous;
  }
};
