import {
  AlreadyExistsException,
  CreateDatabaseCommand,
  CreateTableCommand,
  EntityNotFoundException,
  GetDatabaseCommand,
  GetTableCommand,
  type GlueClient,
  type Table,
  type TableInput,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type { QueryColumn, QueryTable } from '../../core/query-plane/query-table';
import type { QueryCatalog, TablePutOutcome } from '../../ports/query-catalog';

const hasName = (error: unknown, name: string) => error instanceof Error && error.name === name;
const isNotFound = (error: unknown) =>
  error instanceof EntityNotFoundException || hasName(error, 'EntityNotFoundException');
const isAlreadyExists = (error: unknown) =>
  error instanceof AlreadyExistsException || hasName(error, 'AlreadyExistsException');

const columnsIn = (columns: readonly QueryColumn[]) =>
  columns.map((c) => ({ Name: c.name, Type: c.type, ...(c.comment ? { Comment: c.comment } : {}) }));

/** The Glue `TableInput` of a table: the one shape that creates, updates and compares. */
export const toTableInput = (table: QueryTable): TableInput => {
  const common = {
    Name: table.name,
    ...(table.description ? { Description: table.description } : {}),
    Parameters: { ...table.parameters },
    PartitionKeys: [],
  };
  if (table.kind === 'view') {
    return {
      ...common,
      TableType: 'VIRTUAL_VIEW',
      ViewOriginalText: table.originalText,
      ViewExpandedText: table.expandedText,
      StorageDescriptor: { Columns: columnsIn(table.columns), SerdeInfo: {} },
    };
  }
  return {
    ...common,
    TableType: 'EXTERNAL_TABLE',
    StorageDescriptor: {
      Columns: columnsIn(table.columns),
      Location: table.location,
      InputFormat: table.inputFormat,
      OutputFormat: table.outputFormat,
      SerdeInfo: { SerializationLibrary: table.serde.library, Parameters: { ...table.serde.parameters } },
    },
  };
};

/** The domain view of a stored table (what the platform wrote, read back). */
export const fromGlueTable = (table: Table): QueryTable => {
  const sd = table.StorageDescriptor ?? {};
  const columns = (sd.Columns ?? []).map((c) => ({
    name: c.Name ?? '',
    type: c.Type ?? 'string',
    ...(c.Comment ? { comment: c.Comment } : {}),
  }));
  const common = {
    name: table.Name ?? '',
    ...(table.Description ? { description: table.Description } : {}),
    columns,
    parameters: { ...table.Parameters },
  };
  if (table.TableType === 'VIRTUAL_VIEW') {
    return {
      ...common,
      kind: 'view',
      originalText: table.ViewOriginalText ?? '',
      expandedText: table.ViewExpandedText ?? '',
    };
  }
  return {
    ...common,
    kind: 'external',
    location: sd.Location ?? '',
    inputFormat: sd.InputFormat ?? '',
    outputFormat: sd.OutputFormat ?? '',
    serde: { library: sd.SerdeInfo?.SerializationLibrary ?? '', parameters: { ...sd.SerdeInfo?.Parameters } },
  };
};

/** JSON with sorted keys: two inputs that differ only in key order are the same table. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );

/**
 * The Glue Data Catalog. Tables are compared before they are written: every UpdateTable archives a table
 * version (Glue keeps a bounded number per table and account), and most syncs — a new file of the same
 * major — change only the manifest, not the table.
 */
export class GlueQueryCatalog implements QueryCatalog {
  constructor(
    private readonly client: GlueClient,
    /** @default - the caller's account */
    private readonly catalogId?: string,
  ) {}

  private get catalog() {
    return this.catalogId ? { CatalogId: this.catalogId } : {};
  }

  async ensureDatabase(name: string, description: string): Promise<void> {
    try {
      await this.client.send(new GetDatabaseCommand({ ...this.catalog, Name: name }));
      return;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    try {
      await this.client.send(
        new CreateDatabaseCommand({
          ...this.catalog,
          DatabaseInput: { Name: name, Description: description },
        }),
      );
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
  }

  private async getGlueTable(database: string, name: string): Promise<Table | undefined> {
    try {
      const out = await this.client.send(
        new GetTableCommand({ ...this.catalog, DatabaseName: database, Name: name }),
      );
      return out.Table;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async getTable(database: string, name: string): Promise<QueryTable | undefined> {
    const table = await this.getGlueTable(database, name);
    return table ? fromGlueTable(table) : undefined;
  }

  async putTable(database: string, table: QueryTable): Promise<TablePutOutcome> {
    const input = toTableInput(table);
    const existing = await this.getGlueTable(database, table.name);
    if (existing && canonical(toTableInput(fromGlueTable(existing))) === canonical(input)) return 'unchanged';
    if (!existing) {
      try {
        await this.client.send(
          new CreateTableCommand({ ...this.catalog, DatabaseName: database, TableInput: input }),
        );
        return 'created';
      } catch (error) {
        // Another sync created it in between: replacing it with this state is what it would do next.
        if (!isAlreadyExists(error)) throw error;
      }
    }
    await this.client.send(
      new UpdateTableCommand({ ...this.catalog, DatabaseName: database, TableInput: input }),
    );
    return 'updated';
  }
}
