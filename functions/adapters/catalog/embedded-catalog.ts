import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetadataChangeProposal } from '../../core/catalog/proposal';
import type { CatalogSink, CatalogStatus } from '../../ports/catalog';
import * as z from '../../shared/zod';

/** DataHub's timeseries aspects: kept as a short history, newest first, rather than replaced. */
const TIMESERIES_ASPECTS = new Set(['datasetProfile', 'operation']);
const TIMESERIES_KEPT = 20;

const EntitySchema = z.object({
  entityType: z.string(),
  urn: z.string(),
  aspects: z.record(z.string(), z.unknown()),
  timeseries: z.record(z.string(), z.array(z.unknown())),
  updatedAt: z.string(),
});

const CatalogFileSchema = z.object({ entities: z.record(z.string(), EntitySchema) });

export type CatalogEntity = z.infer<typeof EntitySchema>;

/**
 * The catalog when no DataHub is configured (the local default): the very proposals the DataHub emitter would
 * send, applied with DataHub's semantics (UPSERT replaces an aspect; timeseries aspects accumulate) to one JSON
 * file in the state folder, which `mesh catalog` and the local HTTP server show.
 */
export class EmbeddedCatalog implements CatalogSink {
  private readonly file: string;
  /** Writes are serialised: the local bus may deliver several events at once. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly directory: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.file = join(directory, 'catalog.json');
  }

  ingest(proposals: MetadataChangeProposal[]): Promise<void> {
    const run = this.queue.then(() => this.apply(proposals));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async check(): Promise<CatalogStatus> {
    return { kind: 'embedded', target: this.directory, ok: true };
  }

  /** Every entity, by urn. */
  async entities(): Promise<Record<string, CatalogEntity>> {
    return (await this.read()).entities;
  }

  private async apply(proposals: MetadataChangeProposal[]): Promise<void> {
    const catalog = await this.read();
    const at = this.now().toISOString();
    for (const proposal of proposals) {
      const entity = catalog.entities[proposal.entityUrn] ?? {
        entityType: proposal.entityType,
        urn: proposal.entityUrn,
        aspects: {},
        timeseries: {},
        updatedAt: at,
      };
      catalog.entities[proposal.entityUrn] = entity;
      const value: unknown = JSON.parse(proposal.aspect.value);
      if (TIMESERIES_ASPECTS.has(proposal.aspectName)) {
        const history = entity.timeseries[proposal.aspectName] ?? [];
        entity.timeseries[proposal.aspectName] = history;
        // A replayed event re-sends the same point: keep it once.
        if (!history.some((point) => JSON.stringify(point) === proposal.aspect.value)) {
          history.unshift(value);
          history.splice(TIMESERIES_KEPT);
        }
      } else {
        entity.aspects[proposal.aspectName] = value;
      }
      entity.updatedAt = at;
    }
    await mkdir(this.directory, { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(catalog, null, 2)}\n`);
    await rename(temporary, this.file);
  }

  private async read(): Promise<z.infer<typeof CatalogFileSchema>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return { entities: {} };
    }
    return CatalogFileSchema.parse(JSON.parse(text));
  }
}
