import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main';
import { loadLocalConfig } from '../../functions/local/config';
import { PortInUseError, startPlatform } from '../../functions/local/platform';
import { startTestPlatform } from '../support/local-platform';

const capture = () => {
  const lines: string[] = [];
  return { lines, output: { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) } };
};
const contract = readFileSync(new URL('../../examples/orders/datacontract.yaml', import.meta.url));
const goodCsv = readFileSync(new URL('../../examples/orders/orders-2026-11-21.csv', import.meta.url));
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('Local platform lifecycle', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('keeps products and versions across a restart (DynamoDB and S3 persisted in the state folder)', async () => {
    const first = await startTestPlatform();
    cleanups.push(() => rm(first.stateDir, { recursive: true, force: true }));
    await first.upload('orders/datacontract.yaml', contract);
    await first.upload('orders/orders.csv', goodCsv);
    await first.stop({ keepState: true });

    const second = await startTestPlatform(first.stateDir);
    cleanups.push(() => second.platform.stop());
    process.env.MESH_STATE_DIR = second.stateDir;

    const { lines, output } = capture();
    expect(await main(['product', 'show', 'orders', '--json'], output)).toBe(0);
    const shown = JSON.parse(lines.join('\n'));
    expect(shown.product.id).toBe('orders');
    expect(shown.versions).toHaveLength(1);
    // The object itself survived too: re-uploading the same contract is recognised as unchanged.
    await second.upload('orders/datacontract.yaml', contract);
    expect(second.domainEvents('Data Product Updated')).toHaveLength(0);
  });

  it('lists every endpoint and the state folder in `mesh status --json`', async () => {
    const t = await startTestPlatform();
    cleanups.push(() => t.stop());
    process.env.MESH_STATE_DIR = t.stateDir;

    const { lines, output } = capture();
    expect(await main(['status', '--json'], output)).toBe(0);

    expect(JSON.parse(lines.join('\n'))).toMatchObject({
      status: 'running',
      stateDir: t.stateDir,
      s3: t.platform.endpoints.s3,
      bucket: 'data-mesh-local',
      dynamodb: t.platform.endpoints.dynamodb,
      http: t.platform.endpoints.http,
    });
  });

  it('says the platform is not running when it is not', async () => {
    process.env.MESH_STATE_DIR = await mkdtemp(join(tmpdir(), 'mesh-none-'));

    const { lines, output } = capture();
    expect(await main(['status'], output)).toBe(1);
    expect(lines.join('\n')).toMatch(/not running.*npm start/);
  });

  it.each(['MESH_S3_PORT', 'MESH_DYNAMODB_PORT', 'MESH_HTTP_PORT'])(
    'gives a clear message when the %s port is already in use, and leaves nothing running',
    async (variable) => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise((resolve) => blocker.close(resolve)));
      const address = blocker.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const stateDir = await mkdtemp(join(tmpdir(), 'mesh-port-'));
      cleanups.push(() => rm(stateDir, { recursive: true, force: true }));

      const config = loadLocalConfig({
        MESH_STATE_DIR: stateDir,
        MESH_HTTP_PORT: '0',
        MESH_DYNAMODB_PORT: '0',
        MESH_S3_PORT: '0',
        [variable]: String(port),
      });
      const started = startPlatform(config, silent);

      await expect(started).rejects.toThrow(PortInUseError);
      await expect(started).rejects.toThrow(new RegExp(`port ${port} .*${variable}`));
      // Nothing left listening: the same state folder starts on free ports.
      const freePorts = { ...config, ports: { http: 0, s3: 0, dynamodb: 0 } };
      const again = await startPlatform(freePorts, silent);
      await again.stop();
    },
  );

  it('refuses a malformed port setting with the variable name', () => {
    expect(() => loadLocalConfig({ MESH_S3_PORT: 'eighty' })).toThrow(/MESH_S3_PORT/);
  });
});
