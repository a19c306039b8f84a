import { describe, expect, it } from 'vitest';
import {
  dateParsePattern,
  decodePrestoView,
  productView,
} from '../../../functions/core/query-plane/presto-view';

describe('Function: productView', () => {
  it('gives consumers dates as dates: the text the SerDe reads is parsed with the contract format', () => {
    const view = productView({
      name: 'shipments',
      database: 'data_mesh_logistics',
      table: 'shipments_v1',
      columns: [
        { name: 'shipment_id', type: 'bigint' },
        {
          name: 'shipped_on',
          type: 'string',
          comment: 'Day it left [date as text (dd.MM.yyyy)]',
          dateFormat: 'dd.MM.yyyy',
        },
        { name: 'carrier', type: 'string' },
      ],
      nullMarker: '',
      parameters: {},
    });

    expect(decodePrestoView(view.originalText)).toEqual({
      originalSql:
        'SELECT "shipment_id", CAST(date_parse(NULLIF("shipped_on", \'\'), \'%d.%m.%Y\') AS date) AS "shipped_on", ' +
        'NULLIF("carrier", \'\') AS "carrier" FROM "data_mesh_logistics"."shipments_v1"',
      catalog: 'awsdatacatalog',
      schema: 'data_mesh_logistics',
      columns: [
        { name: 'shipment_id', type: 'bigint' },
        { name: 'shipped_on', type: 'date' },
        { name: 'carrier', type: 'varchar' },
      ],
    });
    expect(view.columns).toEqual([
      { name: 'shipment_id', type: 'bigint' },
      { name: 'shipped_on', type: 'date', comment: 'Day it left [date as text (dd.MM.yyyy)]' },
      { name: 'carrier', type: 'string' },
    ]);
  });
});

describe('Function: dateParsePattern', () => {
  it.each([
    ['yyyy-MM-dd', '%Y-%m-%d'],
    ['dd/MM/yyyy', '%d/%m/%Y'],
    ['yyyyMMdd', '%Y%m%d'],
    ['dd.MM.yyyy', '%d.%m.%Y'],
  ])('turns %s into %s', (format, pattern) => {
    expect(dateParsePattern(format)).toBe(pattern);
  });
});
