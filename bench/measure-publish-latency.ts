import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { main as mesh } from '../functions/cli/main';
import { startBenchPlatform } from './bench-platform';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface PublishLatency {
  /** Milliseconds from the start of the CSV upload until `mesh product show --json` lists the version. */
  samples: number[];
  medianMs: number;
  maxMs: number;
}

/**
 * The end-to-end promise, measured the way a user sees it: the local platform (the code `npm start`
 * runs, on its own ports and state folder), a contract and a good CSV uploaded with the AWS SDK, and
 * `mesh product show <id> --json` polled every 10 ms until the version is there.
 */
export const measurePublishLatency = async (runs: number): Promise<PublishLatency> => {
  const stateDir = await mkdtemp(join(tmpdir(), 'mesh-bench-latency-'));
  const previous = { stateDir: process.env.MESH_STATE_DIR, logLevel: process.env.LOG_LEVEL };
  process.env.MESH_STATE_DIR = stateDir;
  process.env.LOG_LEVEL = 'ERROR';
  const { platform, s3, stop } = await startBenchPlatform(stateDir);

  const contract = await readFile(join(ROOT, 'examples/orders/datacontract.yaml'));
  const csv = await readFile(join(ROOT, 'examples/orders/orders-2026-11-21.csv'));
  const put = (key: string, body: Buffer) =>
    s3.send(new PutObjectCommand({ Bucket: platform.endpoints.bucket, Key: key, Body: body }));
  const versions = async (productId: string): Promise<number> => {
    let text = '';
    const code = await mesh(['product', 'show', productId, '--json'], {
      out: (t) => (text += t),
      err: () => {},
    });
    return code === 0 ? (JSON.parse(text) as { versions: unknown[] }).versions.length : 0;
  };
  const samples: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const productId = `latency-${run}`;
      await put(`${productId}/datacontract.yaml`, contract);
      const started = performance.now();
      await put(`${productId}/orders.csv`, csv);
      while ((await versions(productId)) === 0) {
        if (performance.now() - started > 30_000) throw new Error(`no version of ${productId} after 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      samples.push(performance.now() - started);
    }
  } finally {
    await stop();
    await rm(stateDir, { recursive: true, force: true });
    for (const [name, value] of [
      ['MESH_STATE_DIR', previous.stateDir],
      ['LOG_LEVEL', previous.logLevel],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { samples, medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0, maxMs: sorted.at(-1) ?? 0 };
};
