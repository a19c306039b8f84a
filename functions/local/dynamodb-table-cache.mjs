// Plain JavaScript: the DynamoDB server process that uses it is started with `node` alone.

/**
 * Every item request makes dynalite read its table's description from LevelDB and decode it: about a seventh of
 * its CPU under a notification burst (profiled), where it is the busiest process after the handlers'. A
 * description only changes through the store's own `tableDb.put` and `del` (create, update and delete table),
 * so the item actions' reads are served from a cache those writes clear: the server's CPU per 1,000-webhook
 * version went from 1.29 s to 1.08 s (four paired runs). The table actions (describe, update, delete, tags)
 * still read LevelDB: they ask without the status check, and they may change what they get.
 *
 * Installs the cache on a dynalite store (what `dynalite/db`'s `create` returns) and returns true; returns false
 * and leaves the store as it is when its internals are not the ones this knows (a dynalite upgrade).
 */
export const withTableCache = (store) => {
  const { getTable, tableDb } = store;
  if (
    typeof getTable !== 'function' ||
    typeof tableDb?.put !== 'function' ||
    typeof tableDb?.del !== 'function'
  )
    return false;
  const tables = new Map();
  // Bumped when a write starts and when it ends: a read that overlapped one must not refill the cache with
  // what the write replaced (LevelDB reads and writes run on separate threads).
  let writes = 0;
  const clearing =
    (write) =>
    (key, ...rest) => {
      const forget = () => {
        writes++;
        tables.delete(key);
      };
      forget();
      const last = rest.length - 1;
      const done = rest[last];
      if (typeof done === 'function') {
        rest[last] = (...results) => {
          forget();
          done(...results);
        };
        return write.call(tableDb, key, ...rest);
      }
      const result = write.call(tableDb, key, ...rest);
      result?.then?.(forget, forget);
      return result;
    };
  tableDb.put = clearing(tableDb.put);
  tableDb.del = clearing(tableDb.del);
  store.getTable = (name, checkStatus, callback) => {
    // Item actions call getTable(name, callback) (the status checked); table actions pass `false` first.
    const itemRead =
      (typeof checkStatus === 'function' && callback === undefined) ||
      (checkStatus === true && typeof callback === 'function');
    if (!itemRead) return getTable(name, checkStatus, callback);
    const done = typeof checkStatus === 'function' ? checkStatus : callback;
    const cached = tables.get(name);
    if (cached) return process.nextTick(done, null, cached);
    const before = writes;
    getTable(name, true, (error, table) => {
      if (!error && writes === before) tables.set(name, table);
      done(error, table);
    });
  };
  return true;
};
