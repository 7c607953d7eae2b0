import { createRequire } from 'node:module';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { closeServerGracefully, listen } from './net.js';

/**
 * Meters for the cost benchmark (scripts/bench/cost.ts): an HTTP proxy in front of an emulator that speaks the AWS
 * JSON protocol (DynamoDB, SQS), counting requests by action and, for DynamoDB, the capacity units AWS would bill.
 * Reads: dynalite's own ConsumedCapacity (the proxy asks for ReturnConsumedCapacity INDEXES). Writes: dynalite reports
 * no index units, so the proxy reads the item before and after each write (unmetered, straight to the emulator) and
 * applies DynamoDB's rules: ceil(max(old, new) size / 1 KB) on the table, and per global secondary index a put and/or a
 * delete of the projected entry when the item enters, leaves, moves in, or changes a projected attribute of it.
 * Not used by the pipeline itself; it only adapts transport.
 */

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;
interface IndexShape {
  name: string;
  keys: string[];
  /** undefined = ALL */
  projected?: string[];
}
interface TableShape {
  keys: string[];
  indexes: IndexShape[];
}

export interface DynamoCounts {
  requests: Record<string, number>;
  readUnits: number;
  indexReadUnits: number;
  writeUnits: number;
  indexWriteUnits: number;
  /** Write units by index name (plus `table`), to see which index costs what. */
  writeUnitsBy: Record<string, number>;
  /** Write requests by the item's sort-key prefix (CASE, NOTICE#...), to see which record costs what. */
  writesByItem: Record<string, number>;
  /** Write units by partition key, `table|<pk>` or `<index>|<index pk>`: what a hot partition would take. */
  writeUnitsByPartition: Record<string, number>;
}

/** One metered write, for `npm run bench -- --cost --cost-trace <file>`: which item, what it cost, how. */
export interface WriteRecord {
  action: string;
  pk: string;
  sk: string;
  tableUnits: number;
  indexUnits: number;
  status: number;
  expression?: string;
  /** The attribute names the expression sets or tests, and the item's size after the write (bytes, DynamoDB's rule). */
  names?: string[];
  bytes?: number;
}

/**
 * One metered read (GetItem, Query, Scan, BatchGetItem), for the same trace: which table and keys, how it was asked, what it
 * cost. The proxy cannot tell which function made it (the functions share a few threads and one SDK endpoint); `at`
 * (ms since the epoch) places it against the workflow's history.
 */
export interface ReadRecord {
  action: string;
  table: string;
  /** GetItem: the item's key; BatchGetItem: each requested key, `table|pk|sk`. */
  pk?: string;
  sk?: string;
  keys?: string[];
  /** Query: the key condition with its key values put in, and the index when one is queried. */
  keyCondition?: string;
  index?: string;
  filter?: string;
  consistent: boolean;
  /** Read units on the table and on indexes, as DynamoDB reports them (ReturnConsumedCapacity INDEXES). */
  readUnits: number;
  indexReadUnits: number;
  /** Items returned (GetItem: 0 or 1). */
  items: number;
  status: number;
  at: number;
  /** The function invocation that made it, `<function>#<n>`, when the local runtime tags its requests (local/workers/functions.ts). */
  invocation?: string;
}

export interface Meter<C> {
  endpoint: string;
  counts(): C;
  close(): Promise<void>;
}

const dynaliteDb = createRequire(import.meta.url)('dynalite/db/index.js') as { itemSize(item: Item): number };
const units = (item: Item | undefined): number => (item ? Math.max(1, Math.ceil(dynaliteDb.itemSize(item) / 1024)) : 0);
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

/** A metering proxy for the DynamoDB emulator at `target`. */
export async function meterDynamoDb(target: string, onWrite?: (write: WriteRecord) => void, onRead?: (read: ReadRecord) => void): Promise<Meter<DynamoCounts>> {
  const counts: DynamoCounts = { requests: {}, readUnits: 0, indexReadUnits: 0, writeUnits: 0, indexWriteUnits: 0, writeUnitsBy: {}, writesByItem: {}, writeUnitsByPartition: {} };
  const shapes = new Map<string, Promise<TableShape>>();
  // dynalite wants a well-formed (unverified) SigV4 authorization: the metered request's own headers serve.
  let auth: IncomingHttpHeaders = {};
  const call = (action: string, body: unknown) =>
    forward(target, { ...auth, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${action}` }, JSON.stringify(body));
  const shape = (table: string): Promise<TableShape> => {
    let known = shapes.get(table);
    if (!known) {
      known = call('DescribeTable', { TableName: table }).then(({ body }) => tableShape(JSON.parse(body).Table));
      shapes.set(table, known);
    }
    return known;
  };
  const getItem = async (table: string, key: Item): Promise<Item | undefined> =>
    JSON.parse((await call('GetItem', { TableName: table, Key: key, ConsistentRead: true })).body).Item;
  const addWrite = (by: string, n: number) => (counts.writeUnitsBy[by] = (counts.writeUnitsBy[by] ?? 0) + n);
  const addPartition = (where: string, pk: unknown, n: number) => {
    const name = `${where}|${String((pk as { S?: string } | undefined)?.S ?? JSON.stringify(pk))}`;
    counts.writeUnitsByPartition[name] = (counts.writeUnitsByPartition[name] ?? 0) + n;
  };

  const meterWrite = async (action: string, request: Record<string, any>, send: () => Promise<Forwarded>): Promise<Forwarded> => {
    const table = String(request.TableName);
    const tableShapeOf = await shape(table);
    const key = (request.Key ?? pick(request.Item ?? {}, tableShapeOf.keys)) as Item;
    const before = await getItem(table, key);
    const response = await send();
    const after = await getItem(table, key);
    const kind = String((key.sk as { S?: string } | undefined)?.S ?? '').split('#')[0] || '?';
    counts.writesByItem[kind] = (counts.writesByItem[kind] ?? 0) + 1;
    // A failed conditional write still consumes the item's size (at least one unit); no index changes.
    const tableUnits = Math.max(1, units(before), response.status === 200 ? units(after) : 0);
    counts.writeUnits += tableUnits;
    addWrite('table', tableUnits);
    addPartition('table', key[tableShapeOf.keys[0]!], tableUnits);
    let indexUnits = 0;
    if (response.status === 200) {
      for (const index of tableShapeOf.indexes) {
        for (const [pk, n] of indexWrites(index, tableShapeOf.keys, before, after)) {
          counts.indexWriteUnits += n;
          indexUnits += n;
          addWrite(index.name, n);
          addPartition(index.name, pk, n);
        }
      }
    }
    const keyText = (name: string | undefined) => String((name && (key[name] as { S?: string } | undefined)?.S) ?? '');
    const expression = request.UpdateExpression ?? request.ConditionExpression;
    onWrite?.({
      action,
      pk: keyText(tableShapeOf.keys[0]),
      sk: keyText(tableShapeOf.keys[1]),
      tableUnits,
      indexUnits,
      status: response.status,
      ...(expression ? { expression: String(expression) } : {}),
      ...(request.ExpressionAttributeNames ? { names: Object.values(request.ExpressionAttributeNames as Record<string, string>) } : {}),
      ...(after ? { bytes: dynaliteDb.itemSize(after) } : {}),
    });
    return response;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const action =
          String(req.headers['x-amz-target'] ?? '')
            .split('.')
            .pop() ?? '?';
        auth = { authorization: req.headers.authorization, 'x-amz-date': req.headers['x-amz-date'] };
        counts.requests[action] = (counts.requests[action] ?? 0) + 1;
        let body = Buffer.concat(chunks).toString('utf8');
        const request = body ? (JSON.parse(body) as Record<string, any>) : {};
        if (READS.has(action)) body = JSON.stringify({ ...request, ReturnConsumedCapacity: 'INDEXES' });
        const send = () => forward(target, req.headers, body);
        const out = WRITES.has(action) ? await meterWrite(action, request, send) : await send();
        if (READS.has(action)) {
          const answer = out.status === 200 ? (JSON.parse(out.body) as Record<string, any>) : {};
          const read = addReadUnits(counts, answer.ConsumedCapacity);
          const invocation = req.headers['x-local-invocation'];
          onRead?.({ ...readRecord(action, request, answer, read, out.status), ...(typeof invocation === 'string' ? { invocation } : {}) });
        }
        if (action === 'BatchWriteItem') counts.writeUnits += batchWriteUnits(request);
        res.writeHead(out.status, out.headers);
        res.end(out.body);
      })().catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'InternalServerError', message: String(error) }));
      });
    });
  });
  const port = await listen(server, undefined);
  return { endpoint: `http://127.0.0.1:${port}`, counts: () => structuredClone(counts), close: () => closeServerGracefully(server) };
}

/** A counting proxy for the SQS emulator: requests by action; a ReceiveMessage that returns nothing is an idle poll. */
export async function meterSqs(target: string): Promise<Meter<Record<string, number>>> {
  const counts: Record<string, number> = {};
  let self = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void forward(target, req.headers, Buffer.concat(chunks).toString('utf8')).then(
        (out) => {
          let action =
            String(req.headers['x-amz-target'] ?? '')
              .split('.')
              .pop() || 'query-protocol';
          if (action === 'ReceiveMessage' && !(JSON.parse(out.body || '{}').Messages ?? []).length) action = 'ReceiveMessage (empty)';
          counts[action] = (counts[action] ?? 0) + 1;
          // Queue URLs name the emulator's host: name the proxy's instead, so the SDK keeps coming through it.
          const body = out.body.replaceAll(new URL(target).host, self);
          res.writeHead(out.status, { ...out.headers, 'content-length': String(Buffer.byteLength(body)) });
          res.end(body);
        },
        (error: unknown) => {
          res.writeHead(502);
          res.end(String(error));
        },
      );
    });
  });
  const port = await listen(server, undefined);
  self = `127.0.0.1:${port}`;
  return { endpoint: `http://127.0.0.1:${port}`, counts: () => ({ ...counts }), close: () => closeServerGracefully(server) };
}

interface Forwarded {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function forward(target: string, headers: IncomingHttpHeaders, body: string): Promise<Forwarded> {
  const url = new URL(target);
  const sent = { ...headers, host: url.host, 'content-length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname: url.hostname, port: url.port, path: '/', method: 'POST', headers: sent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const out = Buffer.concat(chunks).toString('utf8');
        const { 'content-length': _length, 'content-encoding': _encoding, ...rest } = res.headers;
        resolve({ status: res.statusCode ?? 500, headers: { ...rest, 'content-length': String(Buffer.byteLength(out)) }, body: out });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function tableShape(table: Record<string, any>): TableShape {
  const keyNames = (schema: Array<{ AttributeName: string }>) => schema.map((k) => k.AttributeName);
  return {
    keys: keyNames(table.KeySchema),
    indexes: (table.GlobalSecondaryIndexes ?? []).map((index: Record<string, any>) => ({
      name: index.IndexName,
      keys: keyNames(index.KeySchema),
      projected: index.Projection?.ProjectionType === 'ALL' ? undefined : index.Projection?.ProjectionType === 'INCLUDE' ? index.Projection.NonKeyAttributes : [],
    })),
  };
}

function pick(item: Item, names: string[]): Item {
  return Object.fromEntries(names.filter((n) => n in item).map((n) => [n, item[n]!]));
}

/** The index entry an item has in `index`, or undefined when it lacks one of the index's key attributes. */
function entry(index: IndexShape, tableKeys: string[], item: Item | undefined): Item | undefined {
  if (!item || index.keys.some((k) => !(k in item))) return undefined;
  return index.projected === undefined ? item : pick(item, [...new Set([...tableKeys, ...index.keys, ...index.projected])]);
}

/**
 * DynamoDB's index write rules, as [index partition key, units]: enter = a put, leave = a delete, key change = delete
 * + put, a projected attribute changed = a put.
 */
function indexWrites(index: IndexShape, tableKeys: string[], before: Item | undefined, after: Item | undefined): Array<[unknown, number]> {
  const old = entry(index, tableKeys, before);
  const now = entry(index, tableKeys, after);
  const pk = index.keys[0]!;
  if (!old && !now) return [];
  if (!old) return [[now![pk], units(now)]];
  if (!now) return [[old[pk], units(old)]];
  const keyOf = (e: Item) => JSON.stringify(index.keys.map((k) => e[k]));
  if (keyOf(old) !== keyOf(now))
    return [
      [old[pk], units(old)],
      [now[pk], units(now)],
    ];
  return JSON.stringify(sorted(old)) === JSON.stringify(sorted(now)) ? [] : [[now[pk], units(now)]];
}

function sorted(item: Item): Array<[string, unknown]> {
  return Object.entries(item).sort(([a], [b]) => a.localeCompare(b));
}

function addReadUnits(counts: DynamoCounts, consumed: unknown): { readUnits: number; indexReadUnits: number } {
  const added = { readUnits: 0, indexReadUnits: 0 };
  for (const c of (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as Array<Record<string, any>>) {
    const indexUnits = Object.values({ ...(c.GlobalSecondaryIndexes ?? {}), ...(c.LocalSecondaryIndexes ?? {}) }).reduce(
      (sum: number, i: any) => sum + Number(i.CapacityUnits ?? 0),
      0,
    );
    counts.indexReadUnits += indexUnits;
    counts.readUnits += Number(c.CapacityUnits ?? 0) - indexUnits;
    added.indexReadUnits += indexUnits;
    added.readUnits += Number(c.CapacityUnits ?? 0) - indexUnits;
  }
  return added;
}

const text = (value: unknown): string => {
  const v = value as { S?: string; N?: string } | undefined;
  return String(v?.S ?? v?.N ?? JSON.stringify(value));
};

/** The trace line of one read: its keys (a Query's key condition with the key values put in), consistency and units. */
function readRecord(action: string, request: Record<string, any>, answer: Record<string, any>, units: { readUnits: number; indexReadUnits: number }, status: number): ReadRecord {
  const common = { consistent: request.ConsistentRead === true, ...units, status, at: Date.now() };
  if (action === 'BatchGetItem') {
    const asked = Object.entries((request.RequestItems ?? {}) as Record<string, { Keys?: Item[]; ConsistentRead?: boolean }>);
    const returned = Object.values((answer.Responses ?? {}) as Record<string, unknown[]>).reduce((n, list) => n + list.length, 0);
    return {
      action,
      table: asked.map(([table]) => table).join(','),
      keys: asked.flatMap(([table, r]) => (r.Keys ?? []).map((key) => [table, ...Object.values(key).map(text)].join('|'))),
      ...common,
      consistent: asked.every(([, r]) => r.ConsistentRead === true),
      items: returned,
    };
  }
  const base = { action, table: String(request.TableName), ...common };
  if (action === 'GetItem') {
    const [pk, sk] = Object.values((request.Key ?? {}) as Item).map(text);
    return { ...base, pk, ...(sk !== undefined ? { sk } : {}), items: answer.Item ? 1 : 0 };
  }
  const names = (request.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (request.ExpressionAttributeValues ?? {}) as Item;
  const condition = String(request.KeyConditionExpression ?? '')
    .replace(/#[A-Za-z0-9_]+/g, (n) => names[n] ?? n)
    .replace(/:[A-Za-z0-9_]+/g, (v) => (v in values ? JSON.stringify(text(values[v])) : v));
  return {
    ...base,
    ...(condition ? { keyCondition: condition } : {}),
    ...(request.IndexName ? { index: String(request.IndexName) } : {}),
    ...(request.FilterExpression ? { filter: String(request.FilterExpression) } : {}),
    items: Number(answer.Count ?? 0),
  };
}

/** BatchWriteItem is not used by the pipeline's per-case path; counted at one unit per request item, tables only. */
function batchWriteUnits(request: Record<string, any>): number {
  return Object.values((request.RequestItems ?? {}) as Record<string, unknown[]>).reduce((sum, list) => sum + list.length, 0);
}
