import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import * as sesLocal from 'aws-ses-v2-local';
// The package's own store module (the one its server writes to): the package has no `exports` map, so this is the
// same CommonJS module instance.
import * as sesStore from 'aws-ses-v2-local/dist/store.js';
import type { Email, Store } from 'aws-ses-v2-local/dist/store.js';

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
 * With `dataFile` (JSON Lines, as the SMS fake keeps its messages) the inbox is loaded from it and every
 * mail is appended to it, so mail survives a restart; the viewer's "clear" empties the file too.
 * close() stops the HTTP server cleanly (it holds no timers).
 */
export async function startSes(opts: { port?: number; dataFile?: string } = {}): Promise<SesEmulator> {
  const server = await startServer()({ host: '127.0.0.1', port: opts.port ?? 0 });
  // Express 5 resolves the package's promise even when listen fails (e.g. the port is taken).
  const address = server.address() as AddressInfo | null;
  if (!server.listening || !address) {
    server.close();
    throw new Error(`aws-ses-v2-local could not listen on 127.0.0.1:${opts.port ?? 0}`);
  }
  const port = address.port;
  const endpoint = `http://127.0.0.1:${port}`;
  // An earlier start in this process may have made the store write through to its file: this one starts plain.
  Object.defineProperty(storeModule().getStoreReadonly(), 'emails', { value: [], writable: true, configurable: true, enumerable: true });
  await fetch(`${endpoint}/clear-store`, { method: 'POST' });
  if (opts.dataFile) persistMail(opts.dataFile);
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

/**
 * Keeps the store's mail in a JSON Lines file: loads it, then appends each mail the server pushes. The store's
 * `emails` array is replaced by one that writes through (and `clearStore`, which assigns a new array, empties the file).
 */
function persistMail(dataFile: string): void {
  mkdirSync(dirname(dataFile), { recursive: true });
  const store = storeModule().getStoreReadonly() as Store;
  const writeThrough = (emails: Email[]): Email[] => {
    const kept = [...emails];
    kept.push = (...mail: Email[]) => {
      for (const email of mail) appendFileSync(dataFile, `${JSON.stringify(email)}\n`);
      return Array.prototype.push.apply(kept, mail);
    };
    return kept;
  };
  let emails = writeThrough(loadMail(dataFile));
  Object.defineProperty(store, 'emails', {
    configurable: true,
    enumerable: true,
    get: () => emails,
    set: (value: Email[]) => {
      writeFileSync(dataFile, value.map((email) => `${JSON.stringify(email)}\n`).join(''));
      emails = writeThrough(value);
    },
  });
}

function loadMail(dataFile: string): Email[] {
  if (!existsSync(dataFile)) return [];
  const mail: Email[] = [];
  for (const line of readFileSync(dataFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      mail.push(JSON.parse(line) as Email);
    } catch {
      // A line cut short by a crash mid-write: the mail before it is kept.
    }
  }
  return mail;
}

/** Same CommonJS interop as the server factory below. */
function storeModule(): { getStoreReadonly: () => unknown } {
  const mod = sesStore as unknown as { getStoreReadonly?: () => unknown; default?: { getStoreReadonly?: () => unknown } };
  const get = mod.getStoreReadonly ?? mod.default?.getStoreReadonly;
  if (typeof get !== 'function') throw new Error('aws-ses-v2-local: store not found');
  return { getStoreReadonly: get };
}

/** The package is CommonJS with `exports.default`; depending on the loader that is `default` or `default.default`. */
function startServer(): StartServer {
  const mod = sesLocal as unknown as { default?: StartServer | { default?: StartServer } };
  const candidate = typeof mod.default === 'function' ? mod.default : mod.default?.default;
  if (typeof candidate !== 'function') throw new Error('aws-ses-v2-local: server factory not found');
  return candidate;
}
