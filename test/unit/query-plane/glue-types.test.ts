import { describe, expect, it } from 'vitest';
import type { Column, LogicalType } from '../../../functions/core/contracts/data-contract';
import { DEFAULT_CSV_DIALECT } from '../../../functions/core/contracts/data-contract';
import {
  csvSerde,
  csvTableParameters,
  glueColumns,
  hiveTypeOf,
  OPEN_CSV_SERDE,
  prestoTypeOf,
} from '../../../functions/core/query-plane/glue-types';
import {
  databaseName,
  majorOf,
  majorTableName,
  manifestKey,
  sanitizeName,
  viewName,
} from '../../../functions/core/query-plane/table-names';
import { aContract } from '../../support/builders';

const column = (name: string, logicalType: string, extra: Partial<Column> = {}): Column => ({
  name,
  logicalType: logicalType as LogicalType,
  required: false,
  unique: false,
  primaryKey: false,
  ...extra,
});

const tableOf = (...columns: Column[]) => aContract({ table: { name: 'orders', columns } });

describe('Query plane: Glue/Athena types of contract columns', () => {
  it.each([
    ['string', 'string', 'varchar'],
    ['integer', 'bigint', 'bigint'],
    ['number', 'double', 'double'],
    ['boolean', 'boolean', 'boolean'],
    // The Open CSV SerDe reads dates and timestamps only as UNIX numbers; the files hold ISO 8601 text.
    ['date', 'string', 'varchar'],
    ['timestamp', 'string', 'varchar'],
  ])('maps %s to Hive %s (Presto %s)', (logical, hive, presto) => {
    expect(hiveTypeOf(logical)).toBe(hive);
    expect(prestoTypeOf(hive)).toBe(presto);
  });

  it('has no type for an unknown logical type, nor for inherited object keys', () => {
    expect(hiveTypeOf('decimal')).toBeUndefined();
    expect(hiveTypeOf('toString')).toBeUndefined();
  });

  it('maps every column in contract order, with descriptions and type hints as comments', () => {
    const result = glueColumns(
      tableOf(
        column('order_id', 'integer', { description: 'Order number' }),
        column('amount', 'number'),
        column('paid', 'boolean'),
        column('order_date', 'date', { format: 'dd.MM.yyyy' }),
        column('ordered_at', 'timestamp', { description: 'When' }),
        column('note', 'string'),
      ),
    );

    expect(result).toEqual({
      ok: true,
      columns: [
        { name: 'order_id', type: 'bigint', comment: 'Order number' },
        { name: 'amount', type: 'double' },
        { name: 'paid', type: 'boolean' },
        {
          name: 'order_date',
          type: 'string',
          comment: '[date as text (dd.MM.yyyy)]',
          dateFormat: 'dd.MM.yyyy',
        },
        { name: 'ordered_at', type: 'string', comment: 'When [ISO 8601 timestamp as text]' },
        { name: 'note', type: 'string' },
      ],
    });
  });

  it('keeps comments within the 255 characters Glue stores', () => {
    const result = glueColumns(tableOf(column('note', 'string', { description: 'x'.repeat(400) })));
    expect(result.ok && result.columns[0]?.comment).toHaveLength(255);
  });

  it('names every column it cannot map, by path, and returns no columns', () => {
    const result = glueColumns(
      tableOf(column('order_id', 'integer'), column('price', 'decimal'), column('tags', 'array')),
    );

    expect(result).toEqual({
      ok: false,
      problems: [
        { path: 'schema.orders.price', message: 'logical type "decimal" has no Glue/Athena type' },
        { path: 'schema.orders.tags', message: 'logical type "array" has no Glue/Athena type' },
      ],
    });
  });

  it('refuses two columns that become one Glue name', () => {
    const result = glueColumns(tableOf(column('Order ID', 'string'), column('order_id', 'integer')));

    expect(result).toEqual({
      ok: false,
      problems: [
        {
          path: 'schema.orders.order_id',
          message: 'becomes column "order_id" in Glue/Athena, as "Order ID" does',
        },
      ],
    });
  });

  it('lowercases column names and replaces what Athena does not allow', () => {
    const result = glueColumns(tableOf(column('Customer-Email', 'string'), column('2nd.line', 'string')));
    expect(result.ok && result.columns.map((c) => c.name)).toEqual(['customer_email', 'c_2nd_line']);
  });
});

describe('Query plane: SerDe per CSV dialect', () => {
  it('reads the default dialect (quotes may occur in any field) with the Open CSV SerDe', () => {
    expect(csvSerde(DEFAULT_CSV_DIALECT)).toEqual({
      library: OPEN_CSV_SERDE,
      parameters: { separatorChar: ',', quoteChar: '"', escapeChar: '\\' },
    });
  });

  it('takes the separator and quote of the dialect', () => {
    expect(csvSerde({ ...DEFAULT_CSV_DIALECT, delimiter: ';', quote: "'" }).parameters).toEqual({
      separatorChar: ';',
      quoteChar: "'",
      escapeChar: '\\',
    });
    expect(csvSerde({ ...DEFAULT_CSV_DIALECT, delimiter: '\t' }).parameters.separatorChar).toBe('\t');
  });

  it('picks an escape character that differs from separator and quote', () => {
    expect(csvSerde({ ...DEFAULT_CSV_DIALECT, delimiter: '\\' }).parameters.escapeChar).toBe('`');
    expect(csvSerde({ ...DEFAULT_CSV_DIALECT, delimiter: '\\', quote: '`' }).parameters.escapeChar).toBe('~');
  });

  it('skips the header line only when the files have one', () => {
    expect(csvTableParameters(DEFAULT_CSV_DIALECT)).toEqual({
      classification: 'csv',
      'skip.header.line.count': '1',
      'use.null.for.invalid.data': 'true',
    });
    expect(csvTableParameters({ ...DEFAULT_CSV_DIALECT, header: false })).not.toHaveProperty(
      'skip.header.line.count',
    );
  });
});

describe('Query plane: names', () => {
  it.each([
    ['sales.orders', 'sales_orders'],
    ['click-stream', 'click_stream'],
    ['Sales.Orders', 'sales_orders'],
    ['2024-report', 't_2024_report'],
    ['_private', 't__private'],
  ])('sanitizes %s to %s', (raw, name) => {
    expect(sanitizeName(raw)).toBe(name);
  });

  it('keeps names within 255 characters, the major suffix included', () => {
    expect(sanitizeName('a'.repeat(300))).toHaveLength(255);
    const table = majorTableName('a'.repeat(300), 12);
    expect(table).toHaveLength(255);
    expect(table.endsWith('_v12')).toBe(true);
  });

  it('names one database per domain, and a default one', () => {
    expect(databaseName('data_mesh', 'Sales-EU')).toBe('data_mesh_sales_eu');
    expect(databaseName('data_mesh', undefined)).toBe('data_mesh_default');
    expect(databaseName('data_mesh', '  ')).toBe('data_mesh_default');
  });

  it('names a table per major version and a stable view per product', () => {
    expect(majorTableName('sales.orders', 2)).toBe('sales_orders_v2');
    expect(viewName('sales.orders')).toBe('sales_orders');
    expect(manifestKey('data_mesh_sales', 'sales_orders_v2')).toBe(
      'manifests/data_mesh_sales/sales_orders_v2/manifest',
    );
  });

  it.each([
    ['2.1.0', 2],
    ['v3', 3],
    ['10.0.0-rc.1', 10],
    ['draft', undefined],
  ])('reads the major of %s', (version, major) => {
    expect(majorOf(version)).toBe(major);
  });
});
