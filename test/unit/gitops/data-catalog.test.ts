import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from '../../../functions/core/csv/read-csv-records';
import { parseDataCatalog } from '../../../functions/core/gitops/data-catalog';

const parse = async (text: string) =>
  parseDataCatalog(await readCsvRecords(Readable.from([Buffer.from(text)]), { maxRecords: 100 }), (id) =>
    /^[a-z0-9-]+$/.test(id),
  );

describe('Function: parseDataCatalog', () => {
  it('keeps rows naming a top-level folder, with or without slashes around it', async () => {
    const { rows, problems } = await parse(
      'name,owner,description,path\nstock,ops,Stock,stock/\nlegacy,ops,Legacy,./old-legacy\n',
    );

    expect(problems).toEqual([]);
    expect(rows.map((row) => [row.name, row.folder])).toEqual([
      ['stock', 'stock'],
      ['legacy', 'old-legacy'],
    ]);
  });

  it('refuses a nested folder, which pushes would read as its top-level parent', async () => {
    const { rows, problems } = await parse('name,owner,description,path\norders,ops,Orders,raw/orders/\n');

    expect(rows).toEqual([]);
    expect(problems).toEqual([
      {
        path: 'data_catalog.csv:2',
        message: 'path "raw/orders/" is nested: a product is a top-level folder of the data repository',
      },
    ]);
  });
});
