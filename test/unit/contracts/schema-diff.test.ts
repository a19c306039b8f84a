import { describe, expect, it } from 'vitest';
import { SchemaChangeSchema } from '../../../events/domain/common';
import type { Column, DataContract } from '../../../functions/core/contracts/data-contract';
import {
  assessContractChange,
  diffSchemas,
  isMajorBump,
  type SchemaChange,
} from '../../../functions/core/contracts/schema-diff';
import { aContract } from '../../support/builders';

const column = (name: string, overrides: Partial<Column> = {}): Column => ({
  name,
  logicalType: 'string',
  required: false,
  unique: false,
  primaryKey: false,
  ...overrides,
});

const ID = column('order_id', { logicalType: 'integer', required: true, unique: true, primaryKey: true });

const withColumns = (columns: Column[], overrides: Partial<DataContract> = {}): DataContract =>
  aContract({ table: { name: 'orders', columns }, ...overrides });

/** The changes when column `x` (after the key column) goes from `before` to `after`. */
const diffColumn = (before: Partial<Column>, after: Partial<Column>): SchemaChange[] =>
  diffSchemas(withColumns([ID, column('x', before)]), withColumns([ID, column('x', after)]));

/** The only change of a diff, which must have exactly one. */
const only = (changes: SchemaChange[]): SchemaChange => {
  expect(changes).toHaveLength(1);
  return changes[0] as SchemaChange;
};

const summary = (changes: SchemaChange[]) =>
  changes.map(({ kind, column, breaking }) => ({ kind, column, breaking }));

describe('diffSchemas', () => {
  it('finds nothing between identical contracts', () => {
    const contract = aContract();
    expect(diffSchemas(contract, structuredClone(contract))).toEqual([]);
    expect(assessContractChange(contract, structuredClone(contract))).toEqual({
      changes: [],
      verdict: 'none',
      accepted: true,
    });
  });

  it('ignores changes outside the schema (name, tags, support, version)', () => {
    expect(
      diffSchemas(
        aContract(),
        aContract({ name: 'Orders v2', tags: ['x'], version: '1.1.0', status: 'draft' }),
      ),
    ).toEqual([]);
  });

  describe('columns added and removed', () => {
    it('a removed column is breaking', () => {
      const before = withColumns([ID, column('amount', { logicalType: 'number' }), column('note')]);
      const after = withColumns([ID, column('note')]);
      expect(only(diffSchemas(before, after))).toEqual({
        kind: 'column-removed',
        column: 'amount',
        breaking: true,
        message: 'column "amount" (number) removed',
      });
    });

    it('a new optional column is not breaking', () => {
      expect(only(diffSchemas(withColumns([ID]), withColumns([ID, column('note')])))).toEqual({
        kind: 'column-added',
        column: 'note',
        breaking: false,
        message: 'column "note" added as an optional string column',
      });
    });

    it('a new required column is breaking', () => {
      const change = only(
        diffSchemas(withColumns([ID]), withColumns([ID, column('note', { required: true })])),
      );
      expect(change).toMatchObject({ kind: 'column-added', column: 'note', breaking: true });
      expect(change.message).toBe(
        'column "note" added as a required string column: files without it are now rejected',
      );
    });
  });

  describe('renames', () => {
    it('a column removed and one added at the same position with the same type is one rename', () => {
      const before = withColumns([ID, column('amount', { logicalType: 'number' }), column('note')]);
      const after = withColumns([ID, column('total', { logicalType: 'number' }), column('note')]);
      expect(only(diffSchemas(before, after))).toEqual({
        kind: 'column-renamed',
        column: 'total',
        breaking: true,
        message: 'column renamed from "amount" to "total"',
      });
    });

    it('is not a rename when the type differs', () => {
      const before = withColumns([ID, column('amount', { logicalType: 'number' })]);
      const after = withColumns([ID, column('total', { logicalType: 'string' })]);
      expect(summary(diffSchemas(before, after))).toEqual([
        { kind: 'column-added', column: 'total', breaking: false },
        { kind: 'column-removed', column: 'amount', breaking: true },
      ]);
    });

    it('is not a rename when the positions differ', () => {
      const before = withColumns([ID, column('amount'), column('note')]);
      const after = withColumns([ID, column('note'), column('total')]);
      expect(summary(diffSchemas(before, after))).toEqual([
        { kind: 'column-added', column: 'total', breaking: false },
        { kind: 'column-removed', column: 'amount', breaking: true },
      ]);
    });

    it('reports the other changes of a renamed column under its new name', () => {
      const before = withColumns([ID, column('amount', { logicalType: 'number' })]);
      const after = withColumns([ID, column('total', { logicalType: 'number', required: true })]);
      expect(summary(diffSchemas(before, after))).toEqual([
        { kind: 'column-renamed', column: 'total', breaking: true },
        { kind: 'required-added', column: 'total', breaking: true },
      ]);
    });

    it('renaming a key column is a rename, not also a primary key change', () => {
      const before = withColumns([ID, column('note')]);
      const after = withColumns([{ ...ID, name: 'id' }, column('note')]);
      expect(summary(diffSchemas(before, after))).toEqual([
        { kind: 'column-renamed', column: 'id', breaking: true },
      ]);
    });
  });

  describe('type changes', () => {
    it.each([
      ['integer', 'number'],
      ['integer', 'string'],
      ['number', 'string'],
      ['boolean', 'string'],
      ['date', 'string'],
      ['timestamp', 'string'],
    ] as const)('%s → %s widens: not breaking', (from, to) => {
      const change = only(diffColumn({ logicalType: from }, { logicalType: to }));
      expect(change).toMatchObject({ kind: 'type-changed', column: 'x', breaking: false });
      expect(change.message).toContain(`type changed from ${from} to ${to}`);
    });

    it.each([
      ['number', 'integer'],
      ['string', 'integer'],
      ['string', 'boolean'],
      ['integer', 'boolean'],
      ['date', 'timestamp'],
      ['timestamp', 'date'],
    ] as const)('%s → %s narrows or is incompatible: breaking', (from, to) => {
      expect(only(diffColumn({ logicalType: from }, { logicalType: to }))).toEqual({
        kind: 'type-changed',
        column: 'x',
        breaking: true,
        message: `column "x": type changed from ${from} to ${to}`,
      });
    });
  });

  describe('required and unique', () => {
    it('making a column required is breaking', () => {
      expect(only(diffColumn({ required: false }, { required: true }))).toEqual({
        kind: 'required-added',
        column: 'x',
        breaking: true,
        message: 'column "x" is now required (it was optional)',
      });
    });

    it('making a column optional is not breaking', () => {
      expect(only(diffColumn({ required: true }, { required: false }))).toMatchObject({
        kind: 'required-removed',
        column: 'x',
        breaking: false,
      });
    });

    it('making a column unique is breaking', () => {
      expect(only(diffColumn({ unique: false }, { unique: true }))).toMatchObject({
        kind: 'unique-added',
        column: 'x',
        breaking: true,
      });
    });

    it('dropping uniqueness is not breaking', () => {
      expect(only(diffColumn({ unique: true }, { unique: false }))).toMatchObject({
        kind: 'unique-removed',
        column: 'x',
        breaking: false,
      });
    });
  });

  describe('primary key', () => {
    const line = column('line_no', { logicalType: 'integer', required: true });

    it('adding a column to the key is one table-level breaking change', () => {
      const before = withColumns([ID, line]);
      const after = withColumns([ID, { ...line, primaryKey: true }]);
      expect(only(diffSchemas(before, after))).toEqual({
        kind: 'primary-key-changed',
        column: null,
        breaking: true,
        message: 'primary key changed from (order_id) to (order_id, line_no)',
      });
    });

    it('dropping the key is breaking', () => {
      const change = only(diffSchemas(withColumns([ID]), withColumns([{ ...ID, primaryKey: false }])));
      expect(change).toMatchObject({ kind: 'primary-key-changed', breaking: true });
      expect(change.message).toBe('primary key changed from (order_id) to none');
    });

    it('reordering the key by primaryKeyPosition is breaking', () => {
      const before = withColumns([
        { ...ID, primaryKeyPosition: 1 },
        { ...line, primaryKey: true, primaryKeyPosition: 2 },
      ]);
      const after = withColumns([
        { ...ID, primaryKeyPosition: 2 },
        { ...line, primaryKey: true, primaryKeyPosition: 1 },
      ]);
      expect(only(diffSchemas(before, after)).message).toBe(
        'primary key changed from (order_id, line_no) to (line_no, order_id)',
      );
    });

    it('moving key columns keeps the key when primaryKeyPosition orders it', () => {
      const first = { ...ID, primaryKeyPosition: 1 };
      const second = { ...line, primaryKey: true, primaryKeyPosition: 2 };
      expect(summary(diffSchemas(withColumns([first, second]), withColumns([second, first])))).toEqual([
        { kind: 'column-moved', column: 'order_id', breaking: false },
      ]);
    });
  });

  describe('allowed values', () => {
    it('newly restricting the values is breaking', () => {
      expect(only(diffColumn({}, { allowedValues: ['A', 'B'] }))).toEqual({
        kind: 'constraint-tightened',
        column: 'x',
        breaking: true,
        message: 'column "x": values now restricted to "A", "B" (any value was allowed)',
      });
    });

    it('removing an allowed value is breaking', () => {
      expect(
        only(diffColumn({ allowedValues: ['A', 'B', 'C'] }, { allowedValues: ['A', 'B', 'D'] })),
      ).toEqual({
        kind: 'constraint-tightened',
        column: 'x',
        breaking: true,
        message: 'column "x": allowed values "C" removed; added "D"',
      });
    });

    it('adding an allowed value is not breaking', () => {
      expect(only(diffColumn({ allowedValues: ['A'] }, { allowedValues: ['A', 'B'] }))).toEqual({
        kind: 'constraint-relaxed',
        column: 'x',
        breaking: false,
        message: 'column "x": allowed values "B" added',
      });
    });

    it('dropping the restriction is not breaking', () => {
      expect(only(diffColumn({ allowedValues: ['A'] }, {}))).toMatchObject({
        kind: 'constraint-relaxed',
        breaking: false,
      });
    });

    it('reordering the values changes nothing', () => {
      expect(diffColumn({ allowedValues: ['A', 'B'] }, { allowedValues: ['B', 'A'] })).toEqual([]);
    });
  });

  describe('ranges', () => {
    const num = (overrides: Partial<Column>): Partial<Column> => ({ logicalType: 'number', ...overrides });

    it('raising the minimum is breaking', () => {
      expect(only(diffColumn(num({ minimum: 0 }), num({ minimum: 10 })))).toEqual({
        kind: 'constraint-tightened',
        column: 'x',
        breaking: true,
        message: 'column "x": minimum raised from 0 to 10',
      });
    });

    it('lowering the minimum is not breaking', () => {
      expect(only(diffColumn(num({ minimum: 10 }), num({ minimum: 0 })))).toEqual({
        kind: 'constraint-relaxed',
        column: 'x',
        breaking: false,
        message: 'column "x": minimum lowered from 10 to 0',
      });
    });

    it('lowering the maximum is breaking, raising it is not', () => {
      expect(only(diffColumn(num({ maximum: 100 }), num({ maximum: 99 })))).toMatchObject({
        kind: 'constraint-tightened',
        breaking: true,
        message: 'column "x": maximum lowered from 100 to 99',
      });
      expect(only(diffColumn(num({ maximum: 99 }), num({ maximum: 100 })))).toMatchObject({
        kind: 'constraint-relaxed',
        breaking: false,
      });
    });

    it('tightening exclusive bounds is breaking, widening them is not', () => {
      expect(only(diffColumn(num({ exclusiveMinimum: 0 }), num({ exclusiveMinimum: 1 })))).toMatchObject({
        kind: 'constraint-tightened',
        breaking: true,
        message: 'column "x": exclusive minimum raised from 0 to 1',
      });
      expect(only(diffColumn(num({ exclusiveMaximum: 5 }), num({ exclusiveMaximum: 4.5 })))).toMatchObject({
        kind: 'constraint-tightened',
        breaking: true,
      });
      expect(only(diffColumn(num({ exclusiveMinimum: 1 }), num({ exclusiveMinimum: 0 })))).toMatchObject({
        kind: 'constraint-relaxed',
        breaking: false,
      });
      expect(only(diffColumn(num({ exclusiveMaximum: 4 }), num({ exclusiveMaximum: 5 })))).toMatchObject({
        kind: 'constraint-relaxed',
        breaking: false,
      });
    });

    it('a newly set bound is breaking, a removed one is not', () => {
      expect(only(diffColumn(num({}), num({ maximum: 100 })))).toEqual({
        kind: 'constraint-tightened',
        column: 'x',
        breaking: true,
        message: 'column "x": maximum 100 added (there was none)',
      });
      expect(only(diffColumn(num({ minimum: 0 }), num({})))).toEqual({
        kind: 'constraint-relaxed',
        column: 'x',
        breaking: false,
        message: 'column "x": minimum 0 removed',
      });
    });

    it('replacing an inclusive bound with an exclusive one is breaking', () => {
      expect(summary(diffColumn(num({ minimum: 0 }), num({ exclusiveMinimum: 0 })))).toEqual([
        { kind: 'constraint-relaxed', column: 'x', breaking: false },
        { kind: 'constraint-tightened', column: 'x', breaking: true },
      ]);
    });

    it('compares numbers numerically', () => {
      expect(only(diffColumn(num({ minimum: 9 }), num({ minimum: 10 })))).toMatchObject({ breaking: true });
      expect(only(diffColumn(num({ minimum: -1 }), num({ minimum: -10 })))).toMatchObject({
        breaking: false,
      });
    });

    it('compares date bounds as dates', () => {
      const date = (overrides: Partial<Column>) => ({ logicalType: 'date' as const, ...overrides });
      expect(only(diffColumn(date({ minimum: '2024-01-01' }), date({ minimum: '2024-06-01' })))).toEqual({
        kind: 'constraint-tightened',
        column: 'x',
        breaking: true,
        message: 'column "x": minimum raised from "2024-01-01" to "2024-06-01"',
      });
      expect(
        only(diffColumn(date({ maximum: '2024-12-31' }), date({ maximum: '2025-12-31' }))),
      ).toMatchObject({
        breaking: false,
      });
    });

    it('compares timestamp bounds as instants', () => {
      const ts = (overrides: Partial<Column>) => ({ logicalType: 'timestamp' as const, ...overrides });
      expect(
        diffColumn(ts({ minimum: '2024-01-01T12:00:00Z' }), ts({ minimum: '2024-01-01T13:00:00+01:00' })),
      ).toEqual([]);
      expect(
        only(
          diffColumn(ts({ maximum: '2024-01-01T12:00:00Z' }), ts({ maximum: '2024-01-01T12:00:00+01:00' })),
        ),
      ).toMatchObject({ kind: 'constraint-tightened', breaking: true });
    });

    it('treats a changed bound that cannot be compared as tightened', () => {
      const change = only(
        diffColumn({ logicalType: 'date', minimum: '2024-01-01' }, { logicalType: 'date', minimum: 'soon' }),
      );
      expect(change).toMatchObject({ kind: 'constraint-tightened', breaking: true });
      expect(change.message).toContain('minimum changed from "2024-01-01" to "soon"');
    });
  });

  describe('lengths', () => {
    it('raising or newly setting minLength is breaking', () => {
      expect(only(diffColumn({ minLength: 1 }, { minLength: 3 }))).toEqual({
        kind: 'constraint-tightened',
        column: 'x',
        breaking: true,
        message: 'column "x": minimum length raised from 1 to 3',
      });
      expect(only(diffColumn({}, { minLength: 1 }))).toMatchObject({ breaking: true });
    });

    it('lowering or removing minLength is not breaking', () => {
      expect(only(diffColumn({ minLength: 3 }, { minLength: 1 }))).toMatchObject({
        kind: 'constraint-relaxed',
        breaking: false,
      });
      expect(only(diffColumn({ minLength: 3 }, {}))).toMatchObject({ breaking: false });
    });

    it('lowering or newly setting maxLength is breaking', () => {
      expect(only(diffColumn({ maxLength: 10 }, { maxLength: 5 }))).toEqual({
        kind: 'constraint-tightened',
        column: 'x',
        breaking: true,
        message: 'column "x": maximum length lowered from 10 to 5',
      });
      expect(only(diffColumn({}, { maxLength: 5 }))).toMatchObject({ breaking: true });
    });

    it('raising or removing maxLength is not breaking', () => {
      expect(only(diffColumn({ maxLength: 5 }, { maxLength: 10 }))).toMatchObject({
        kind: 'constraint-relaxed',
        breaking: false,
      });
      expect(only(diffColumn({ maxLength: 5 }, {}))).toMatchObject({ breaking: false });
    });
  });

  describe('patterns and formats', () => {
    it('adding a pattern is breaking', () => {
      expect(only(diffColumn({}, { pattern: '^[A-Z]+$' }))).toEqual({
        kind: 'constraint-tightened',
        column: 'x',
        breaking: true,
        message: 'column "x": pattern "^[A-Z]+$" added',
      });
    });

    it('changing a pattern is breaking, even when it looks looser', () => {
      expect(only(diffColumn({ pattern: '^[A-Z]+$' }, { pattern: '^[A-Za-z]+$' }))).toEqual({
        kind: 'constraint-tightened',
        column: 'x',
        breaking: true,
        message: 'column "x": pattern changed from "^[A-Z]+$" to "^[A-Za-z]+$"',
      });
    });

    it('removing a pattern is not breaking', () => {
      expect(only(diffColumn({ pattern: '^[A-Z]+$' }, {}))).toMatchObject({
        kind: 'constraint-relaxed',
        breaking: false,
      });
    });

    it('changing a date format is breaking', () => {
      expect(
        only(
          diffColumn(
            { logicalType: 'date', format: 'yyyy-MM-dd' },
            { logicalType: 'date', format: 'dd.MM.yyyy' },
          ),
        ),
      ).toEqual({
        kind: 'constraint-tightened',
        column: 'x',
        breaking: true,
        message: 'column "x": format changed from "yyyy-MM-dd" to "dd.MM.yyyy"',
      });
      expect(
        only(diffColumn({ logicalType: 'date' }, { logicalType: 'date', format: 'dd/MM/yyyy' })),
      ).toMatchObject({
        breaking: true,
      });
    });

    it('stating the default date format explicitly changes nothing', () => {
      expect(diffColumn({ logicalType: 'date' }, { logicalType: 'date', format: 'yyyy-MM-dd' })).toEqual([]);
    });

    it('dropping the format of a string column is not breaking', () => {
      expect(only(diffColumn({ format: 'email' }, {}))).toMatchObject({
        kind: 'constraint-relaxed',
        breaking: false,
      });
    });
  });

  describe('CSV dialect', () => {
    it('each changed field is one breaking table-level change', () => {
      const before = aContract();
      const after = aContract({ dialect: { ...before.dialect, delimiter: ';', nullMarker: 'NULL' } });
      expect(diffSchemas(before, after)).toEqual([
        {
          kind: 'dialect-changed',
          column: null,
          breaking: true,
          message: 'CSV delimiter changed from "," to ";"',
        },
        {
          kind: 'dialect-changed',
          column: null,
          breaking: true,
          message: 'CSV null marker changed from "" to "NULL"',
        },
      ]);
    });

    it.each([
      ['header', false],
      ['quote', "'"],
    ] as const)('a changed %s is breaking', (field, value) => {
      const before = aContract();
      const after = aContract({ dialect: { ...before.dialect, [field]: value } });
      expect(only(diffSchemas(before, after))).toMatchObject({ kind: 'dialect-changed', breaking: true });
    });
  });

  describe('descriptions', () => {
    it('a changed column description is not breaking', () => {
      expect(only(diffColumn({ description: 'old' }, { description: 'new' }))).toEqual({
        kind: 'description-changed',
        column: 'x',
        breaking: false,
        message: 'column "x": description changed from "old" to "new"',
      });
    });

    it('a changed contract or table description is a table-level change, not breaking', () => {
      const before = aContract();
      const after = aContract({
        description: 'Orders from every channel',
        table: { ...before.table, description: 'one row per order' },
      });
      expect(diffSchemas(before, after)).toEqual([
        {
          kind: 'description-changed',
          column: null,
          breaking: false,
          message:
            'contract description changed from "Orders placed in the web shop" to "Orders from every channel"',
        },
        {
          kind: 'description-changed',
          column: null,
          breaking: false,
          message: 'table description changed from none to "one row per order"',
        },
      ]);
    });

    it('shortens long descriptions in messages', () => {
      const change = only(diffColumn({ description: 'a'.repeat(200) }, { description: 'b' }));
      expect(change.message).toBe(`column "x": description changed from "${'a'.repeat(79)}…" to "b"`);
    });
  });

  describe('column order', () => {
    const a = column('a');
    const b = column('b');
    const c = column('c');

    it('moving a column is not breaking, since files are read by header', () => {
      expect(only(diffSchemas(withColumns([a, b, c]), withColumns([c, a, b])))).toEqual({
        kind: 'column-moved',
        column: 'c',
        breaking: false,
        message:
          'column "c" moved from position 3 to position 1 (files are read by header, so readers are not affected)',
      });
    });

    it('a column added or removed in the middle moves nothing', () => {
      expect(summary(diffSchemas(withColumns([a, b, c]), withColumns([a, column('n'), b, c])))).toEqual([
        { kind: 'column-added', column: 'n', breaking: false },
      ]);
      expect(summary(diffSchemas(withColumns([a, b, c]), withColumns([a, c])))).toEqual([
        { kind: 'column-removed', column: 'b', breaking: true },
      ]);
    });

    it('without a header row, moving a column or inserting one before others is breaking', () => {
      const headerless = { ...aContract().dialect, header: false };
      const before = withColumns([a, b, c], { dialect: headerless });
      expect(only(diffSchemas(before, withColumns([c, a, b], { dialect: headerless })))).toMatchObject({
        kind: 'column-moved',
        column: 'c',
        breaking: true,
      });
      expect(
        only(diffSchemas(before, withColumns([a, column('n'), b, c], { dialect: headerless }))),
      ).toMatchObject({ kind: 'column-added', column: 'n', breaking: true });
      expect(
        only(diffSchemas(before, withColumns([a, b, c, column('n')], { dialect: headerless }))),
      ).toMatchObject({ kind: 'column-added', column: 'n', breaking: false });
    });
  });

  it('orders changes: table level, then columns in the new order, then removed columns in the old order', () => {
    const before = withColumns(
      [ID, column('gone1'), column('b', { logicalType: 'integer' }), column('gone2')],
      {
        description: 'before',
      },
    );
    const after = withColumns(
      [
        column('new1'),
        { ...ID, description: 'the key' },
        column('b', { logicalType: 'number', required: true, description: 'b' }),
        column('new2', { logicalType: 'boolean' }),
      ],
      { description: 'after', dialect: { ...before.dialect, delimiter: '|' } },
    );
    expect(summary(diffSchemas(before, after))).toEqual([
      { kind: 'dialect-changed', column: null, breaking: true },
      { kind: 'description-changed', column: null, breaking: false },
      { kind: 'column-added', column: 'new1', breaking: false },
      { kind: 'description-changed', column: 'order_id', breaking: false },
      { kind: 'type-changed', column: 'b', breaking: false },
      { kind: 'required-added', column: 'b', breaking: true },
      { kind: 'description-changed', column: 'b', breaking: false },
      { kind: 'column-added', column: 'new2', breaking: false },
      { kind: 'column-removed', column: 'gone1', breaking: true },
      { kind: 'column-removed', column: 'gone2', breaking: true },
    ]);
  });

  it('every change matches the event schema', () => {
    const before = withColumns([ID, column('a', { minimum: 1 }), column('b')]);
    const after = withColumns([column('b', { unique: true }), { ...ID, primaryKey: false }], {
      dialect: { ...before.dialect, quote: "'" },
    });
    const changes = diffSchemas(before, after);
    expect(changes.length).toBeGreaterThan(3);
    for (const change of changes) expect(SchemaChangeSchema.parse(change)).toEqual(change);
  });
});

describe('isMajorBump', () => {
  it.each([
    ['1.4.2', '2.0.0', true],
    ['1.4.2', '3.1.0', true],
    ['1.4.2', '1.5.0', false],
    ['1.4.2', '1.4.3', false],
    ['1.4.2', '1.4.2', false],
    ['2.0.0', '1.9.9', false],
    ['v1.2.0', 'v2.0.0', true],
    ['1.2.0', 'V2.0.0', true],
    ['1', '2', true],
    ['1.9', '2.1', true],
    ['2', '2.1', false],
    ['1.0.0', '2.0.0-rc.1', true],
    ['1.0.0+build.5', '2.0.0+build.6', true],
    [' 1.0.0 ', ' 2.0.0 ', true],
    // 0.x is unstable in semver: a minor bump there is the major bump.
    ['0.3.1', '0.4.0', true],
    ['0.3.1', '0.3.2', false],
    ['0.3.1', '1.0.0', true],
    ['1.0.0', 'latest', false],
    ['draft', '2.0.0', false],
    ['1.0.0', '2.0', true],
    ['1.0.0', '2.0.0.0', false],
    ['', '1.0.0', false],
  ] as const)('%s → %s: %s', (previous, next, expected) => {
    expect(isMajorBump(previous, next)).toBe(expected);
  });
});

describe('assessContractChange', () => {
  const removeAmount = (version: string): DataContract => {
    const contract = aContract({ version });
    return { ...contract, table: { ...contract.table, columns: contract.table.columns.slice(0, 1) } };
  };

  it('accepts non-breaking changes under any version', () => {
    const before = aContract({ version: '1.2.0' });
    const after = aContract({ version: '1.2.0', description: 'now with refunds' });
    expect(assessContractChange(before, after)).toEqual({
      changes: [expect.objectContaining({ kind: 'description-changed', breaking: false })],
      verdict: 'non-breaking',
      accepted: true,
    });
  });

  it('accepts breaking changes with a major bump', () => {
    const result = assessContractChange(aContract({ version: '1.2.0' }), removeAmount('2.0.0'));
    expect(result).toMatchObject({ verdict: 'breaking', accepted: true });
    expect(result.problem).toBeUndefined();
    expect(result.changes).toEqual([
      {
        kind: 'column-removed',
        column: 'amount',
        breaking: true,
        message: 'column "amount" (number) removed',
      },
    ]);
  });

  it('refuses breaking changes without a major bump, naming them and the versions', () => {
    const result = assessContractChange(aContract({ version: '1.2.0' }), removeAmount('1.3.0'));
    expect(result).toMatchObject({ verdict: 'breaking', accepted: false });
    expect(result.problem).toBe(
      'breaking changes need a new major version: 1.2.0 → 1.3.0 removes column "amount"; publish it as 2.0.0',
    );
  });

  it('lists every breaking change, but not the non-breaking ones', () => {
    const before = aContract({ version: '1.2.0' });
    const after = withColumns(
      [
        { ...ID, description: 'the key' },
        column('amount', { logicalType: 'number', required: true, minimum: 1 }),
        column('note', { required: true }),
      ],
      { version: '1.2.1', dialect: { ...before.dialect, delimiter: ';' } },
    );
    const result = assessContractChange(before, after);
    expect(result.accepted).toBe(false);
    expect(result.problem).toBe(
      'breaking changes need a new major version: 1.2.0 → 1.2.1 changes the CSV delimiter from "," to ";", ' +
        'raises the minimum of column "amount" from 0 to 1 and adds the required column "note"; publish it as 2.0.0',
    );
  });

  it('in 0.x, a minor bump is enough', () => {
    expect(assessContractChange(aContract({ version: '0.3.0' }), removeAmount('0.4.0')).accepted).toBe(true);
    const refused = assessContractChange(aContract({ version: '0.3.0' }), removeAmount('0.3.1'));
    expect(refused.accepted).toBe(false);
    expect(refused.problem).toMatch(/; publish it as 0\.4\.0 \(or 1\.0\.0\)$/);
  });

  it('keeps a v prefix in the suggested version', () => {
    const refused = assessContractChange(aContract({ version: 'v1.2.0' }), removeAmount('v1.3.0'));
    expect(refused.problem).toMatch(/; publish it as v2\.0\.0$/);
  });

  it('refuses breaking changes when the versions are not semantic versions', () => {
    const badNext = assessContractChange(aContract({ version: '1.2.0' }), removeAmount('latest'));
    expect(badNext.accepted).toBe(false);
    expect(badNext.problem).toBe(
      'breaking changes need a new major version: 1.2.0 → latest removes column "amount"; ' +
        '"latest" is not a semantic version (major.minor.patch); publish it as 2.0.0',
    );
    const badPrevious = assessContractChange(aContract({ version: 'draft' }), removeAmount('2.0.0'));
    expect(badPrevious.accepted).toBe(false);
    expect(badPrevious.problem).toContain('the previous version "draft" is not a semantic version');
  });
});
