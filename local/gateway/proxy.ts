import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * Passes a request on to another local server unchanged (method, path, headers, body) and its answer back, status,
 * headers and body as they come. The client's address travels in x-forwarded-for, which the gateway honours.
 */
export function proxyTo(targetUrl: string): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const target = new URL(targetUrl);
  const agent = new Agent({ keepAlive: true });
  return (req, res) =>
    new Promise<void>((resolve) => {
      const headers = { ...req.headers };
      headers['x-forwarded-for'] ??= (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
      const upstream = request({ agent, host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer: IncomingMessage) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.once('end', resolve);
        answer.once('error', () => {
          res.destroy();
          resolve();
        });
      });
      upstream.once('error', () => {
        if (!res.headersSent) {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: 'Bad Gateway' }));
        } else res.destroy();
        resolve();
      });
      req.pipe(upstream);
    });
}
