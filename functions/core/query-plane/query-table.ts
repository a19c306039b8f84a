/** One column as the catalog stores it: a Hive type (`bigint`, `string`, …) and an optional comment. */
export interface QueryColumn {
  readonly name: string;
  readonly type: string;
  readonly comment?: string;
  /**
   * A contract date stored as text (the SerDe cannot read it as a date): its format, which the product's view
   * parses so that consumers get a `date`.
   */
  readonly dateFormat?: string;
}

/** A table over files listed by a symlink manifest (Glue `EXTERNAL_TABLE`). */
export interface ExternalTable {
  readonly kind: 'external';
  readonly name: string;
  readonly description?: string;
  readonly columns: readonly QueryColumn[];
  /** The folder holding the manifest (`s3://bucket/manifests/<db>/<table>/`). */
  readonly location: string;
  readonly inputFormat: string;
  readonly outputFormat: string;
  readonly serde: { readonly library: string; readonly parameters: Readonly<Record<string, string>> };
  readonly parameters: Readonly<Record<string, string>>;
}

/** An Athena (Presto) view stored in the catalog (Glue `VIRTUAL_VIEW`). */
export interface ViewTable {
  readonly kind: 'view';
  readonly name: string;
  readonly description?: string;
  /** Hive types, as Athena itself writes them for its views. */
  readonly columns: readonly QueryColumn[];
  readonly originalText: string;
  readonly expandedText: string;
  readonly parameters: Readonly<Record<string, string>>;
}

/** What the query plane keeps in the catalog for a product: its per-major tables and its view. */
export type QueryTable = ExternalTable | ViewTable;
