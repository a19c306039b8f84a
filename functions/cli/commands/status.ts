import { readEndpoints } from '../local-connection';
import { type Output, table } from '../output';

/** `mesh status [--json]`: every local endpoint and whether it answers. */
export const statusCommand = async (output: Output, json: boolean): Promise<number> => {
  const endpoints = await readEndpoints();
  const probes = await Promise.all(
    [endpoints.http, endpoints.s3, endpoints.dynamodb].map(async (url) => {
      try {
        await fetch(url, { signal: AbortSignal.timeout(2000) });
        return true;
      } catch {
        return false;
      }
    }),
  );
  const healthy = probes.every(Boolean);
  if (json) {
    output.out(JSON.stringify({ status: healthy ? 'running' : 'degraded', ...endpoints }, null, 2));
  } else {
    const mark = (ok: boolean | undefined) => (ok ? 'up' : 'DOWN');
    output.out(
      table([
        ['component', 'endpoint', 'state'],
        ['http + eventbridge', endpoints.http, mark(probes[0])],
        ['s3', `${endpoints.s3}  bucket ${endpoints.bucket}`, mark(probes[1])],
        ['dynamodb', `${endpoints.dynamodb}  table ${endpoints.tableName}`, mark(probes[2])],
        ['state folder', endpoints.stateDir, ''],
      ]),
    );
  }
  return healthy ? 0 : 1;
};
