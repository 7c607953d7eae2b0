import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on the given port (0: any free one) and resolves with the port; a taken port rejects instead of crashing. */
export async function listen(server: Server, port: number | undefined, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port ?? 0, host, () => {
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
