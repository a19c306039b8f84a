import type { CatalogEntity } from '../adapters/catalog/embedded-catalog';
import * as z from '../shared/zod';

// Only the aspect fields the summary shows; everything else is kept in the store but not read here.
const Properties = z.object({ name: z.optional(z.string()), description: z.optional(z.string()) });
const Ownership = z.object({ owners: z.array(z.object({ owner: z.string() })) });
const Domains = z.object({ domains: z.array(z.string()) });
const Schema = z.object({ fields: z.array(z.object({ fieldPath: z.string() })) });
const Status = z.object({ removed: z.boolean() });
const Profile = z.object({ rowCount: z.optional(z.number()), timestampMillis: z.number() });
const Assets = z.object({ assets: z.optional(z.array(z.object({ destinationUrn: z.string() }))) });

export interface CatalogRow {
  urn: string;
  entityType: string;
  name: string;
  description?: string;
  owners: string[];
  domains: string[];
  columns: string[];
  /** Rows of the latest published version (datasetProfile). */
  rows?: number;
  removed: boolean;
  /** For data products: the datasets they hold. */
  assets: string[];
  updatedAt: string;
}

const read = <T>(schema: z.ZodMiniType<T>, value: unknown): T | undefined => {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

const lastSegment = (urn: string) => urn.replace(/^urn:li:[a-zA-Z]+:/, '');

/** What `mesh catalog` and the local catalog page show of each entity of the embedded catalog. */
export const summariseCatalog = (entities: CatalogEntity[]): CatalogRow[] =>
  entities
    .map((entity) => {
      const aspects = entity.aspects;
      const properties =
        read(Properties, aspects.datasetProperties) ?? read(Properties, aspects.dataProductProperties);
      return {
        urn: entity.urn,
        entityType: entity.entityType,
        name: properties?.name ?? lastSegment(entity.urn),
        ...(properties?.description ? { description: properties.description } : {}),
        owners: read(Ownership, aspects.ownership)?.owners.map((o) => lastSegment(o.owner)) ?? [],
        domains: read(Domains, aspects.domains)?.domains.map(lastSegment) ?? [],
        columns: read(Schema, aspects.schemaMetadata)?.fields.map((f) => f.fieldPath) ?? [],
        ...(() => {
          const rows = read(Profile, entity.timeseries.datasetProfile?.[0])?.rowCount;
          return rows === undefined ? {} : { rows };
        })(),
        removed: read(Status, aspects.status)?.removed ?? false,
        assets: read(Assets, aspects.dataProductProperties)?.assets?.map((a) => a.destinationUrn) ?? [],
        updatedAt: entity.updatedAt,
      };
    })
    .sort((a, b) => a.entityType.localeCompare(b.entityType) || a.name.localeCompare(b.name));
