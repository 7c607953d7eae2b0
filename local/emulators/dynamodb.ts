import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { LocalTable } from '../cfn/types.js';
import { closeServerGracefully, listen } from '../net.js';
import { installDynaliteTableCache } from './dynalite-table-cache.js';
import type { RequestListener } from 'node:http';

// dynalite ships no type declarations; this is the part of its factory we use.
type DynaliteFactory = (options: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;

export interface DynamoDbEmulator {
  endpoint: string;
  port: number;
  /** dynalite's own HTTP request listener, for requests that come without a socket (scripts/bench/transport.ts). */
  listener: RequestListener;
  close(): Promise<void>;
}

/**
 * DynamoDB on dynalite, bound to 127.0.0.1. With `dataDir` the tables live in LevelDB on disk
 * and survive restarts; without it they live in memory. Lifecycle delays are 0 so a created table
 * is ACTIVE at once.
 */
export async function startDynamoDb(opts: { port?: number; dataDir?: string } = {}): Promise<DynamoDbEmulator> {
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  installDynaliteTableCache();
  const server = dynalite({
    ...(opts.dataDir ? { path: opts.dataDir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const port = await listen(server, opts.port);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    listener: server.listeners('request')[0] as RequestListener,
    // dynalite's close() also closes LevelDB, releasing its lock so the same dataDir can be reopened; requests under
    // way finish first, so none reads a closed database.
    close: () => closeServerGracefully(server),
  };
}

export interface EnsureTablesResult {
  created: string[];
  existing: string[];
}

/**
 * Creates the template's tables that do not exist yet (idempotent with on-disk data) and waits until
 * they are ACTIVE. A table kept on disk whose keys or indexes no longer match the template (dynalite
 * cannot add an index in place) is an error, or with `recreateChangedTables` is dropped and recreated.
 */
export async function ensureTables(
  client: DynamoDBClient,
  tables: Record<string, LocalTable>,
  opts: { timeoutMs?: number; recreateChangedTables?: boolean } = {},
): Promise<EnsureTablesResult> {
  const result: EnsureTablesResult = { created: [], existing: [] };
  for (const table of Object.values(tables)) {
    const existing = await describe(client, table.name);
    const drift = existing && schemaDrift(existing, table);
    if (existing && !drift) {
      result.existing.push(table.name);
      continue;
    }
    if (drift) {
      if (!opts.recreateChangedTables) {
        throw new Error(`DynamoDB table ${table.name} kept on disk no longer matches the template (${drift}); delete the local data directory or recreate the table`);
      }
      await client.send(new DeleteTableCommand({ TableName: table.name }));
      await waitUntilGone(client, table.name);
    }
    try {
      await client.send(new CreateTableCommand(table.createTableInput));
      result.created.push(table.name);
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
      result.existing.push(table.name); // created concurrently by another caller
    }
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (const table of Object.values(tables)) {
    for (;;) {
      const description = await describe(client, table.name);
      if (description && isActive(description)) break;
      if (Date.now() > deadline) throw new Error(`DynamoDB table ${table.name} did not become ACTIVE`);
      await pause();
    }
  }
  return result;
}

/** What differs between a stored table and the template, or undefined when they agree. */
function schemaDrift(existing: TableDescription, table: LocalTable): string | undefined {
  const keys = (schema: Array<{ AttributeName?: string; KeyType?: string }> | undefined) => JSON.stringify((schema ?? []).map((k) => [k.AttributeName, k.KeyType]));
  const wanted = table.createTableInput;
  if (keys(existing.KeySchema) !== keys(wanted.KeySchema)) return 'key schema changed';
  const indexes = (list: Array<{ IndexName?: string; KeySchema?: Array<{ AttributeName?: string; KeyType?: string }> }> | undefined) =>
    JSON.stringify((list ?? []).map((i) => `${i.IndexName}:${keys(i.KeySchema)}`).sort());
  if (indexes(existing.GlobalSecondaryIndexes) !== indexes(wanted.GlobalSecondaryIndexes)) return 'global secondary indexes changed';
  if (indexes(existing.LocalSecondaryIndexes) !== indexes(wanted.LocalSecondaryIndexes)) return 'local secondary indexes changed';
  return undefined;
}

async function waitUntilGone(client: DynamoDBClient, name: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (await describe(client, name)) {
    if (Date.now() > deadline) throw new Error(`DynamoDB table ${name} was not deleted`);
    await pause();
  }
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 50));

async function describe(client: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return undefined;
    throw err;
  }
}

function isActive(table: TableDescription): boolean {
  return table.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
}
