// The local DynamoDB-compatible server (dynalite) in a process of its own, so that its request parsing and
// LevelDB work run on another core than the handlers. Plain JavaScript: it is started with `node` alone.
// Protocol with the parent (IPC): `{ listening: port, tableCache }` or `{ error: { code, message } }` once; the parent
// sends `'stop'` to close it (the database flushed); losing the parent closes it too.
import dynalite from 'dynalite';
import dynaliteStore from 'dynalite/db/index.js';

/**
 * Every item request makes dynalite read its table's description from LevelDB and decode it: about a seventh of
 * its CPU under a notification burst (profiled), where it is the busiest process after the handlers'. A
 * description only changes through the store's own `tableDb.put` and `del` (create, update and delete table),
 * so the item actions' reads are served from a cache those writes clear: the server's CPU per 1,000-webhook
 * version went from 1.29 s to 1.08 s (four paired runs). The table actions (describe, update, delete, tags)
 * still read LevelDB: they ask without the status check, and they may change what they get. Should a dynalite
 * upgrade move these internals, the store is left as it is (`tableCache` says which, and a test checks it).
 */
const withTableCache = (store) => {
  const { getTable, tableDb } = store;
  if (
    typeof getTable !== 'function' ||
    typeof tableDb?.put !== 'function' ||
    typeof tableDb?.del !== 'function'
  )
    return false;
  const tables = new Map();
  // Bumped by every write: a read that started before one must not refill the cache with what it replaced.
  let writes = 0;
  const clearing =
    (write) =>
    (key, ...rest) => {
      writes++;
      tables.delete(key);
      return write.call(tableDb, key, ...rest);
    };
  tableDb.put = clearing(tableDb.put);
  tableDb.del = clearing(tableDb.del);
  store.getTable = (name, checkStatus, callback) => {
    // Item actions call getTable(name, callback): the status checked, the description only read.
    if (typeof checkStatus !== 'function' || callback !== undefined)
      return getTable(name, checkStatus, callback);
    const cached = tables.get(name);
    if (cached) return process.nextTick(checkStatus, null, cached);
    const before = writes;
    getTable(name, (error, table) => {
      if (!error && writes === before) tables.set(name, table);
      checkStatus(error, table);
    });
  };
  return true;
};

let tableCache = false;
const createStore = dynaliteStore.create;
dynaliteStore.create = (options) => {
  const store = createStore(options);
  tableCache = withTableCache(store);
  return store;
};

const [port, directory] = [Number(process.argv[2]), process.argv[3] || undefined];
const server = dynalite({ path: directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

let closing = false;
const close = () => {
  if (closing) return;
  closing = true;
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
};

// Ctrl-C (or a stop signal to the process group) reaches this process too: the parent decides when the
// database closes, after its last write.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.on('message', (message) => {
  if (message === 'stop') close();
});
process.on('disconnect', close);

server.once('error', (error) => {
  // Exit once the parent has the reason (EADDRINUSE …): it names the port and the variable that moves it.
  process.send?.({ error: { code: error.code, message: error.message } }, () => process.exit(1));
});
server.listen(port, '127.0.0.1', () => process.send?.({ listening: server.address().port, tableCache }));
