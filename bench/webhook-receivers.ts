import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/*
 * The consumers' webhook receivers, in a process of their own as they would be on their own machines: each
 * subscription has its own path on this one server. Tells the parent (IPC) `{ port }` once listening,
 * `{ allArrived: true }` each time another `expected` requests came, and answers `'arrivals'` with every arrival time by
 * path (wall-clock milliseconds, comparable across processes).
 */
const expected = Number(process.argv[2]);
const arrivals: Record<string, number[]> = {};
let received = 0;

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const path = req.url ?? '';
    arrivals[path] = [...(arrivals[path] ?? []), performance.timeOrigin + performance.now()];
    res.writeHead(204).end();
    // Once per round of `expected` deliveries.
    if (++received % expected === 0) process.send?.({ allArrived: true });
  });
});

process.on('message', (message) => {
  if (message === 'arrivals') process.send?.({ arrivals });
});
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
