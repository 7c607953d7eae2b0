import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, type DeleteCommand, type PutCommand, type QueryCommandInput, type UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { awsClient } from './aws-clients.js';

/** One document client per cold start; endpoints come from the SDK's standard settings (AWS_ENDPOINT_URL_DYNAMODB locally). */
export function documentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(awsClient(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** What a conditional write came to: its output when it was applied, or that its condition did not hold. */
export type Conditional<T> = { applied: true; output: T } | { applied: false };

/**
 * The one place a failed condition is told apart from an error: a conditional write (its pending send) comes back
 * `applied` with its output (ReturnValues) or not applied; any other error throws.
 */
export async function conditionally<T>(write: Promise<T>): Promise<Conditional<T>> {
  try {
    return { applied: true, output: await write };
  } catch (error) {
    if (isConditionFailure(error)) return { applied: false };
    throw error;
  }
}

/** Sends a conditional write: true when it was applied, false when its condition did not hold; other errors throw. */
export async function writeIf(db: DynamoDBDocumentClient, command: UpdateCommand | PutCommand | DeleteCommand): Promise<boolean> {
  return (await conditionally(db.send(command as UpdateCommand))).applied;
}

/** Every item a query matches, following its pages (for partitions that are small but may pass one page's 1 MB). */
export async function queryAll(db: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

type ItemKey = Record<string, unknown>;

/** What a batch read asks of each item besides its key: a strongly consistent read, a projection. */
export interface BatchReadOptions {
  consistent?: boolean;
  projection?: { expression: string; names: Record<string, string> };
  /** How often keys DynamoDB left unprocessed (throttling) are asked again, after a growing pause, before giving up. */
  retries?: number;
}

/**
 * Every item of `itemKeys` that exists (BatchGetItem, 100 keys a request). Keys left unprocessed under throttling are
 * asked again after a pause that doubles (100 ms up to 1 s), as AWS advises, never taken for absent; still left after
 * `retries` (8) rounds, it throws rather than answer with items missing.
 */
export async function getAll(db: DynamoDBDocumentClient, tableName: string, itemKeys: ItemKey[], options: BatchReadOptions = {}): Promise<ItemKey[]> {
  const { consistent = false, projection, retries = 8 } = options;
  const items: ItemKey[] = [];
  let pending = [...itemKeys];
  for (let retried = 0; pending.length > 0; ) {
    const batch = pending.slice(0, 100);
    const out = await db.send(
      new BatchGetCommand({
        RequestItems: {
          [tableName]: {
            Keys: batch,
            ...(consistent ? { ConsistentRead: true } : {}),
            ...(projection ? { ProjectionExpression: projection.expression, ExpressionAttributeNames: projection.names } : {}),
          },
        },
      }),
    );
    items.push(...(out.Responses?.[tableName] ?? []));
    const unprocessed = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as ItemKey[];
    pending = [...pending.slice(100), ...unprocessed];
    if (unprocessed.length === 0) continue;
    retried += 1;
    if (retried > retries) throw new Error('BatchGetItem left keys unprocessed');
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** retried)));
  }
  return items;
}

/**
 * `#p0 = :p0, …` for each defined field, with the names and values it uses added to the request's maps. `prefix`
 * keeps the placeholders apart from others in the same expression.
 */
export function setAssignments(fields: Record<string, unknown>, names: Record<string, string>, values: Record<string, unknown>, prefix = 'f'): string[] {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([field, value], i) => {
      names[`#${prefix}${i}`] = field;
      values[`:${prefix}${i}`] = value;
      return `#${prefix}${i} = :${prefix}${i}`;
    });
}

/** The partition prefix of customers' contacts; IAM denies it to every function that does not need them (lib/constructs/contact-access.ts). */
export const CONTACT_PARTITION_PREFIX = 'CONTACT#';

/**
 * Single-table keys. Everything about a case shares its partition so one Query reads it whole, except the customer's
 * contact: its own partition, so reading a case does not read the contact, and IAM (dynamodb:LeadingKeys) can keep
 * it from the functions that do not send notices or show it to operators.
 */
export const keys = {
  case: (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'CASE' }),
  /** The case's immutable bulk (order lines, claimed items, shipment), beside the case item (adapters/case-store.ts). */
  caseFacts: (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'CASE#FACTS' }),
  contact: (caseId: string) => ({ pk: `${CONTACT_PARTITION_PREFIX}${caseId}`, sk: 'CONTACT' }),
  /** Where contacts were kept before they had their own partition; moved from there on first read (CaseStore.contact). */
  legacyContact: (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'CONTACT' }),
  timeline: (caseId: string, at: string, suffix: string) => ({ pk: `CASE#${caseId}`, sk: `TL#${at}#${suffix}` }),
  notice: (caseId: string, milestone: string, channel: string) => ({ pk: `CASE#${caseId}`, sk: `NOTICE#${milestone}#${channel}` }),
  wait: (caseId: string, kind: string) => ({ pk: `CASE#${caseId}`, sk: `WAIT#${kind}` }),
  compensation: (caseId: string, remedy: string) => ({ pk: `CASE#${caseId}`, sk: `COMP#${remedy}` }),
  webhook: (webhookId: string) => ({ pk: `WEBHOOK#${webhookId}`, sk: 'WEBHOOK' }),
  /** An accepted aftersales.requested whose case may not exist yet (it is still on the intake queue). */
  request: (caseId: string) => ({ pk: `REQUEST#${caseId}`, sk: 'REQUEST' }),
  openCase: (orderId: string, type: string) => ({ pk: `OPEN#${orderId}#${type}`, sk: 'OPEN' }),
  survey: (token: string) => ({ pk: `SURVEY#${token}`, sk: 'SURVEY' }),
  refunds: (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'REFUNDS' }),
};
