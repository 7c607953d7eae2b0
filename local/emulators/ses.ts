import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as sesLocal from 'aws-ses-v2-local';

export interface SesEmulator {
  /** SESv2 API endpoint for SESv2Client({ endpoint }). */
  endpoint: string;
  /** Web inbox; `GET <endpoint>/store` returns the sent mail as JSON. */
  viewerUrl: string;
  port: number;
  close(): Promise<void>;
}

type StartServer = (config?: Partial<{ host: string; port: number }>) => Promise<Server>;

/**
 * SES on aws-ses-v2-local, in process, bound to 127.0.0.1. Its mail store is a module-level
 * singleton that outlives the server, so a start clears it: a fresh emulator shows an empty inbox.
 * close() stops the HTTP server cleanly (it holds no timers); sent mail stays in memory until the
 * next start or the end of the process.
 */
export async function startSes(opts: { port?: number } = {}): Promise<SesEmulator> {
  const server = await startServer()({ host: '127.0.0.1', port: opts.port ?? 0 });
  // Express 5 resolves the package's promise even when listen fails (e.g. the port is taken).
  const address = server.address() as AddressInfo | null;
  if (!server.listening || !address) {
    server.close();
    throw new Error(`aws-ses-v2-local could not listen on 127.0.0.1:${opts.port ?? 0}`);
  }
  const port = address.port;
  const endpoint = `http://127.0.0.1:${port}`;
  await fetch(`${endpoint}/clear-store`, { method: 'POST' });
  return {
    endpoint,
    viewerUrl: `${endpoint}/`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // The viewer polls /store every second over keep-alive; drop those sockets too.
        server.closeAllConnections();
      }),
  };
}

/** The package is CommonJS with `exports.default`; depending on the loader that is `default` or `default.default`. */
function startServer(): StartServer {
  const mod = sesLocal as unknown as { default?: StartServer | { default?: StartServer } };
  const candidate = typeof mod.default === 'function' ? mod.default : mod.default?.default;
  if (typeof candidate !== 'function') throw new Error('aws-ses-v2-local: server factory not found');
  return candidate;
}
