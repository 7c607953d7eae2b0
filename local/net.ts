import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Connections the kernel holds for a server that has not accepted them yet. Node's default is 511; a burst of webhooks
 * (each open-loop client request on a connection of its own while earlier ones wait) fills that in well under a
 * second when the accepting thread is busy, and the kernel then drops or resets the rest (measured: the accept queue
 * at 512/511 and hundreds of TcpExtListenOverflows a second at 100 req/s). API Gateway refuses no connection, so the
 * local servers queue as many as the kernel allows (net.core.somaxconn caps it; 4096 on Linux since 5.4).
 */
export const LISTEN_BACKLOG = 65_535;

/** Listens on the given port (0: any free one) and resolves with the port; a taken port rejects instead of crashing. */
export async function listen(server: Server, port: number | undefined, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: port ?? 0, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Closes the server, dropping kept-alive connections (SDK clients keep them open) so close() returns at once. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

/**
 * Closes the server once the requests it is answering are answered: idle kept-alive connections go at once, busy ones
 * after their response (or after `graceMs`). For dynalite, whose close() also closes its database: a request dropped
 * half-way would read the closed database and throw an uncaught "Database is closed" from its own callback.
 */
export function closeServerGracefully(server: Server, graceMs = 2000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close((err) => {
      clearTimeout(force);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
