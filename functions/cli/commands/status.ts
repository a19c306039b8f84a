import { EmbeddedCatalog } from '../../adapters/catalog/embedded-catalog';
import { DataHubRestEmitter } from '../../adapters/datahub/datahub-rest-emitter';
import type { CatalogStatus } from '../../ports/catalog';
import { type EndpointsFile, readEndpoints } from '../local-connection';
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
  const catalog = await catalogStatus(endpoints);
  const healthy = probes.every(Boolean) && (catalog?.ok ?? true);
  if (json) {
    output.out(
      JSON.stringify(
        { status: healthy ? 'running' : 'degraded', ...endpoints, catalogStatus: catalog },
        null,
        2,
      ),
    );
  } else {
    const mark = (ok: boolean | undefined) => (ok ? 'up' : 'DOWN');
    output.out(
      table([
        ['component', 'endpoint', 'state'],
        ['http + eventbridge', endpoints.http, mark(probes[0])],
        ['s3', `${endpoints.s3}  bucket ${endpoints.bucket}`, mark(probes[1])],
        ['dynamodb', `${endpoints.dynamodb}  table ${endpoints.tableName}`, mark(probes[2])],
        ...(endpoints.dataRepo
          ? [['data repo', `${endpoints.dataRepo}  branch ${endpoints.dataRepoBranch}`, '']]
          : []),
        ...(catalog
          ? [
              [
                `catalog (${catalog.kind})`,
                `${catalog.target}${catalog.version ? `  DataHub ${catalog.version}` : ''}`,
                catalog.ok ? 'up' : `DOWN: ${catalog.message ?? ''}`,
              ],
            ]
          : []),
        ['state folder', endpoints.stateDir, ''],
      ]),
    );
  }
  return healthy ? 0 : 1;
};

/** DataHub answers `GET /config` (the connectivity check of DataHub's own emitter); the embedded one is a folder. */
const catalogStatus = async (endpoints: EndpointsFile): Promise<CatalogStatus | undefined> => {
  const catalog = endpoints.catalog;
  if (!catalog) return undefined;
  if (catalog.kind === 'embedded') return new EmbeddedCatalog(catalog.target).check();
  return new DataHubRestEmitter({ gmsUrl: catalog.target, timeoutMs: 2000, retries: 0 }).check();
};
