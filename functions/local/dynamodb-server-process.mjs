// The local DynamoDB-compatible server (dynalite) in a process of its own, so that its request parsing and
// LevelDB work run on another core than the handlers. Plain JavaScript: it is started with `node` alone.
// Protocol with the parent (IPC): `{ listening: port, tableCache }` or `{ error: { code, message } }` once; the
// parent sends `'stop'` to close it (the database flushed); losing the parent closes it too.
import dynalite from 'dynalite';
import dynaliteStore from 'dynalite/db/index.js';
import { withTableCache } from './dynamodb-table-cache.mjs';

// Every item request would read its table's description from LevelDB (see dynamodb-table-cache.mjs).
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
