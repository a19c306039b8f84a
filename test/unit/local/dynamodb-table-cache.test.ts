import { describe, expect, it } from 'vitest';
import { withTableCache } from '../../../functions/local/dynamodb-table-cache.mjs';

type Callback = (error: Error | null, table?: unknown) => void;

/**
 * A dynalite store's table-description side as the cache sees it: `getTable` reads `descriptions` (later, when
 * `held` says so), `tableDb.put`/`del` change them and call back when `release` is called.
 */
const fakeStore = () => {
  const descriptions = new Map<string, { KeySchema: string; TableStatus: string }>();
  const reads: { name: string; checkStatus: unknown }[] = [];
  const pendingReads: (() => void)[] = [];
  const pendingWrites: (() => void)[] = [];
  let holdReads = false;
  const store = {
    getTable(name: string, checkStatus: unknown, callback?: unknown) {
      const done = (typeof checkStatus === 'function' ? checkStatus : callback) as Callback;
      reads.push({ name, checkStatus: typeof checkStatus === 'function' ? 'callback' : checkStatus });
      // A read sees what was stored when it was issued (a snapshot), however late it answers.
      const table = descriptions.get(name);
      const answer = () => {
        if (!table) done(Object.assign(new Error('NotFoundError'), { name: 'NotFoundError' }));
        else done(null, { ...table });
      };
      if (holdReads) pendingReads.push(answer);
      else setImmediate(answer);
    },
    tableDb: {
      put(name: string, table: { KeySchema: string; TableStatus: string }, callback: Callback) {
        pendingWrites.push(() => {
          descriptions.set(name, table);
          callback(null);
        });
      },
      del(name: string, callback: Callback) {
        pendingWrites.push(() => {
          descriptions.delete(name);
          callback(null);
        });
      },
    },
  };
  return {
    store,
    descriptions,
    reads,
    holdReads: (hold: boolean) => {
      holdReads = hold;
    },
    releaseReads: () => {
      for (const read of pendingReads.splice(0)) read();
    },
    releaseWrites: () => {
      for (const write of pendingWrites.splice(0)) write();
    },
  };
};

/** An item action's read: getTable(name, callback). */
const itemRead = (store: ReturnType<typeof fakeStore>['store'], name: string) =>
  new Promise<unknown>((resolve, reject) => {
    store.getTable(name, (error: Error | null, table?: unknown) => (error ? reject(error) : resolve(table)));
  });

/** A table action's read: getTable(name, false, callback). */
const tableRead = (store: ReturnType<typeof fakeStore>['store'], name: string) =>
  new Promise<unknown>((resolve, reject) => {
    store.getTable(name, false, (error: Error | null, table?: unknown) =>
      error ? reject(error) : resolve(table),
    );
  });

const put = (fake: ReturnType<typeof fakeStore>, name: string, keySchema: string) =>
  new Promise<void>((resolve) => {
    fake.store.tableDb.put(name, { KeySchema: keySchema, TableStatus: 'ACTIVE' }, () => resolve());
  });

describe('withTableCache (the local DynamoDB server)', () => {
  it('reads a table once for any number of item requests', async () => {
    const fake = fakeStore();
    fake.descriptions.set('registry', { KeySchema: 'pk', TableStatus: 'ACTIVE' });
    expect(withTableCache(fake.store)).toBe(true);

    const tables = [await itemRead(fake.store, 'registry'), await itemRead(fake.store, 'registry')];

    expect(tables).toEqual([
      { KeySchema: 'pk', TableStatus: 'ACTIVE' },
      { KeySchema: 'pk', TableStatus: 'ACTIVE' },
    ]);
    expect(fake.reads).toEqual([{ name: 'registry', checkStatus: true }]);
  });

  it('leaves table actions to the store: they read without the status check and may change what they get', async () => {
    const fake = fakeStore();
    fake.descriptions.set('registry', { KeySchema: 'pk', TableStatus: 'ACTIVE' });
    withTableCache(fake.store);
    await itemRead(fake.store, 'registry');

    await tableRead(fake.store, 'registry');
    await tableRead(fake.store, 'registry');

    expect(fake.reads.map((read) => read.checkStatus)).toEqual([true, false, false]);
  });

  it('reads again after a table is written or deleted', async () => {
    const fake = fakeStore();
    fake.descriptions.set('registry', { KeySchema: 'pk', TableStatus: 'ACTIVE' });
    withTableCache(fake.store);
    await itemRead(fake.store, 'registry');

    const replaced = put(fake, 'registry', 'id');
    fake.releaseWrites();
    await replaced;
    expect(await itemRead(fake.store, 'registry')).toEqual({ KeySchema: 'id', TableStatus: 'ACTIVE' });

    const deleted = new Promise<void>((resolve) => fake.store.tableDb.del('registry', () => resolve()));
    fake.releaseWrites();
    await deleted;
    await expect(itemRead(fake.store, 'registry')).rejects.toThrow('NotFoundError');
  });

  it('forgets, when a write lands, what a read found after the write had started', async () => {
    const fake = fakeStore();
    fake.descriptions.set('registry', { KeySchema: 'pk', TableStatus: 'ACTIVE' });
    withTableCache(fake.store);
    // LevelDB reads and writes run on separate threads: a read issued after a write may not see it yet.
    const replaced = put(fake, 'registry', 'id');
    expect(await itemRead(fake.store, 'registry')).toEqual({ KeySchema: 'pk', TableStatus: 'ACTIVE' });
    fake.releaseWrites();
    await replaced;

    expect(await itemRead(fake.store, 'registry')).toEqual({ KeySchema: 'id', TableStatus: 'ACTIVE' });
  });

  it.each([
    ['answered before the write landed', ['reads', 'writes'] as const],
    ['answered after the write landed', ['writes', 'reads'] as const],
  ])('does not keep what a read issued before a write found, %s', async (_, order) => {
    const fake = fakeStore();
    fake.descriptions.set('registry', { KeySchema: 'pk', TableStatus: 'ACTIVE' });
    withTableCache(fake.store);
    fake.holdReads(true);
    const read = itemRead(fake.store, 'registry');
    const replaced = put(fake, 'registry', 'id');
    for (const step of order) {
      if (step === 'reads') fake.releaseReads();
      else fake.releaseWrites();
    }
    await replaced;
    expect(await read).toEqual({ KeySchema: 'pk', TableStatus: 'ACTIVE' });
    fake.holdReads(false);

    expect(await itemRead(fake.store, 'registry')).toEqual({ KeySchema: 'id', TableStatus: 'ACTIVE' });
  });

  it('caches no error: a table created after a miss is found', async () => {
    const fake = fakeStore();
    withTableCache(fake.store);
    await expect(itemRead(fake.store, 'registry')).rejects.toThrow('NotFoundError');

    fake.descriptions.set('registry', { KeySchema: 'pk', TableStatus: 'ACTIVE' });

    expect(await itemRead(fake.store, 'registry')).toEqual({ KeySchema: 'pk', TableStatus: 'ACTIVE' });
  });

  it('leaves a store whose internals it does not know as it is', () => {
    const store = { getTable: () => undefined, tableDb: {} };

    expect(withTableCache(store as never)).toBe(false);
    expect(store.tableDb).toEqual({});
  });
});
