import { createRequire } from 'node:module';

type Callback = (err: Error | null, value?: unknown) => void;
/** The part of dynalite's store (dynalite/db: `create(options)`) the cache wraps: its table definitions' sub-database. */
interface TableDb {
  get(key: string, cb: Callback): void;
  put(key: string, value: unknown, cb: Callback): void;
  del(key: string, cb: Callback): void;
  batch(ops: Array<{ key: string }>, cb: Callback): void;
}
interface DynaliteStore {
  tableDb: TableDb;
  lifecycleManager?: { getState(): string };
}
interface DynaliteDbModule {
  create(options: unknown): DynaliteStore;
  tableCacheInstalled?: boolean;
}

/**
 * dynalite reads the table's definition from LevelDB on every request (`getTable`: a get through the native binding
 * and its thread pool, then a JSON decode), before the item's own reads and writes: about an eighth of the storage
 * thread's CPU under load (docs/performance.md, "Throughput"). Only dynalite's own table actions (CreateTable,
 * UpdateTable, DeleteTable and their lifecycle) write those definitions, through the same sub-database, in this
 * thread. So a definition read once is kept as its JSON text until the next write to that table's key, and each read
 * still gets a fresh object decoded from it, answered asynchronously, as LevelDB answered: what dynalite sees is
 * unchanged, only the LevelDB round trip is saved. A read that was under way when the key was written is not kept.
 *
 * Installed on dynalite's db module (its `create`, which dynalite's server calls once per server), before a server
 * is made; idempotent.
 */
export function installDynaliteTableCache(): void {
  const require = createRequire(import.meta.url);
  const { version } = require('dynalite/package.json') as { version: string };
  if (version !== CHECKED_DYNALITE_VERSION) outdated(`dynalite is ${version}, the cache was checked against ${CHECKED_DYNALITE_VERSION}`);
  const db = require('dynalite/db') as DynaliteDbModule;
  if (db.tableCacheInstalled) return;
  const create = db.create;
  db.create = (options: unknown) => {
    const store = create(options);
    const tableDb = store.tableDb as Partial<TableDb> | undefined;
    const missing = (['get', 'put', 'del', 'batch'] as const).filter((method) => typeof tableDb?.[method] !== 'function');
    if (missing.length > 0) outdated(`dynalite's store has no tableDb.${missing.join('/')}`);
    cacheTableDefinitions(store);
    return store;
  };
  db.tableCacheInstalled = true;
}

/**
 * The cache relies on dynalite's internals (dynalite/db's `create` and the store's `tableDb`, and that only its table
 * actions write through it): another version may write table definitions some other way, and the cache would then
 * serve stale ones without a word. So it refuses to run on any version it was not checked against.
 */
const CHECKED_DYNALITE_VERSION = '4.0.0';
function outdated(what: string): never {
  throw new Error(
    `local/emulators/dynalite-table-cache.ts: ${what}. Re-check the table-definition cache against this dynalite ` +
      '(where it reads and writes table definitions), then update CHECKED_DYNALITE_VERSION, or remove the cache.',
  );
}

function cacheTableDefinitions(store: DynaliteStore): void {
  const tableDb = store.tableDb;
  const { get, put, del, batch } = tableDb;
  const kept = new Map<string, string>();
  /** Bumped by every write to a key: a read that started before it must not be kept. */
  const writes = new Map<string, number>();
  const written = (key: string) => {
    kept.delete(key);
    writes.set(key, (writes.get(key) ?? 0) + 1);
  };
  const open = () => store.lifecycleManager?.getState() !== 'closed';

  tableDb.get = (key, cb) => {
    const json = open() ? kept.get(key) : undefined;
    if (json !== undefined) {
      setImmediate(cb, null, JSON.parse(json));
      return;
    }
    const generation = writes.get(key) ?? 0;
    get.call(tableDb, key, (err, value) => {
      if (!err && value !== undefined && (writes.get(key) ?? 0) === generation) kept.set(key, JSON.stringify(value));
      cb(err, value);
    });
  };
  tableDb.put = (key, value, cb) => {
    written(key);
    put.call(tableDb, key, value, (err) => {
      written(key); // a read between the two writes' calls and this answer may have kept the older definition
      cb(err);
    });
  };
  tableDb.del = (key, cb) => {
    written(key);
    del.call(tableDb, key, (err) => {
      written(key);
      cb(err);
    });
  };
  tableDb.batch = (ops, cb) => {
    for (const op of ops) written(op.key);
    batch.call(tableDb, ops, (err) => {
      for (const op of ops) written(op.key);
      cb(err);
    });
  };
}
