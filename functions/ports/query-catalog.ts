import type { QueryTable } from '../core/query-plane/query-table';

/** What writing a table changed: created, replaced, or nothing (it already was as asked). */
export type TablePutOutcome = 'created' | 'updated' | 'unchanged';

/** The SQL catalog of the query engine: the Glue Data Catalog that Athena reads, on AWS. */
export interface QueryCatalog {
  /** Creates the database unless it exists (concurrent creators are fine). */
  ensureDatabase(name: string, description: string): Promise<void>;
  /** The table or view as stored, or undefined when there is none. */
  getTable(database: string, name: string): Promise<QueryTable | undefined>;
  /** Makes the stored table exactly `table`; writes nothing when it already is. */
  putTable(database: string, table: QueryTable): Promise<TablePutOutcome>;
}
