import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A receiver that keeps each push's body and answers 503 to the requests `refuse` picks (by their 0-based order),
 * each answer `delayMs` after the request arrived.
 */
export async function startReceiver(refuse: (n: number) => boolean = () => false, delayMs = 0) {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const n = bodies.push(body) - 1;
      setTimeout(() => res.writeHead(refuse(n) ? 503 : 200).end('{}'), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/carriers/aftership`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
