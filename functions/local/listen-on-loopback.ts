import { once } from 'node:events';
import type { Server } from 'node:http';
import type { Server as NetServer } from 'node:net';

/**
 * Listens on 127.0.0.1 (port 0 picks a free one) and resolves with the endpoint, or rejects with the listen
 * error (EADDRINUSE …) instead of letting it escape as an unhandled 'error' event. `close` also drops
 * keep-alive connections, so a stop never waits for idle clients.
 */
export const listenOnLoopback = async (server: Server | NetServer, port: number) => {
  server.listen(port, '127.0.0.1');
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error)),
  ]);
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
};
