import { fork } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { EventBridgeEnvelope } from '../events/event-contract';
import { startBenchPlatform } from './bench-platform';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface FanOutRound {
  /** From `Data Product Version Published` on the bus to the last delivery received. */
  lastDeliveryMs: number;
  /** Half of the subscribers had theirs by then. */
  medianDeliveryMs: number;
}

export interface FanOutLatency {
  subscriptions: number;
  /** One per CSV version published, in order. */
  rounds: FanOutRound[];
  /** The best and the median round's last delivery. */
  bestLastDeliveryMs: number;
  medianLastDeliveryMs: number;
  /** Subscriptions that received exactly one notification in every round. */
  exactlyOnce: number;
  /** Subscriptions that received one twice or more in some round. */
  duplicates: number;
  /** Subscriptions that missed one in some round. */
  missing: number;
  /** Time it took to create the subscriptions through the API (not part of the target). */
  setupMs: number;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * The notification plane under load, as `npm start` runs it: `subscriptions` webhook subscriptions (each its
 * own URL on one local receiver process, standing for the consumers' own machines) to one product, then
 * `rounds` CSV versions published one after the other (each once the last one's deliveries are all done), and
 * every delivery timed on arrival.
 */
export const measureNotificationFanOut = async (
  subscriptions: number,
  rounds = 3,
): Promise<FanOutLatency> => {
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
    const published: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const allArrived = reply<true>('allArrived');
      await put(`orders/orders-round-${round}.csv`, 'examples/orders/orders-2026-11-21.csv');
      published.push(publishedAt);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([allArrived, new Promise((resolve) => (timer = setTimeout(resolve, 60_000)))]);
      clearTimeout(timer);
      await platform.bus.whenIdle();
    }
    const byPath = reply<Record<string, number[]>>('arrivals');
    receivers.send('arrivals');
    const arrivals = Object.values(await byPath);

    // A round's deliveries are those that arrived after its version was published and before the next one.
    const perRound = published.map((from, r) => {
      const to = published[r + 1] ?? Number.POSITIVE_INFINITY;
      return arrivals.map((times) => times.filter((t) => t >= from && t < to));
    });
    const roundResults = perRound.map((times, r): FanOutRound => {
      const firsts = times.flatMap((ts) => (ts[0] === undefined ? [] : [ts[0] - (published[r] ?? 0)]));
      return {
        lastDeliveryMs: firsts.length > 0 ? Math.max(...firsts) : Number.NaN,
        medianDeliveryMs: median(firsts),
      };
    });
    // Per receiving path (subscription), how many notifications each round brought it.
    const perPath = arrivals.map((_, i) => perRound.map((times) => times[i]?.length ?? 0));
    const lasts = roundResults.map((r) => r.lastDeliveryMs);
    return {
      subscriptions,
      rounds: roundResults,
      bestLastDeliveryMs: Math.min(...lasts),
      medianLastDeliveryMs: median(lasts),
      exactlyOnce: perPath.filter((c) => c.every((n) => n === 1)).length,
      duplicates: perPath.filter((c) => c.some((n) => n > 1)).length,
      // Paths never posted to are missing from every round.
      missing: perPath.filter((c) => c.some((n) => n === 0)).length + (subscriptions - arrivals.length),
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
