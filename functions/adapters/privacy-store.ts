import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PrivacyRequestStatus } from '../domain/privacy.js';
import { LOOKUP_INDEX, lookupPartition } from './case-index.js';
import { conditionally, queryAll, writeIf } from './dynamo.js';
import { PrivacyRequests, privacyRequestKey as requestKey } from './privacy-requests.js';

export type { PrivacyHistoryEntry, PrivacyRequest } from './privacy-requests.js';

/** On an open case: a redaction waiting for it to close (close-case reads its own partition for these). */
const pendingKey = (caseId: string, id: string) => ({ pk: `CASE#${caseId}`, sk: `REDACT#${id}` });
/** On a closed case: when its personal data falls due (the due index, GSI2 `REDACT_DUE`, sorted by that time). */
const retentionKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'RETENTION' });
const RETENTION_PARTITION = 'REDACT_DUE';
const EXPORT_PREFIX = 'EXPORT#';
export const WATCHED_PARCELS_PART = 'WATCHED_PARCELS';
/**
 * Where an export part is findable by whoever must erase it: a case's part from the case's partition (the redactor
 * reads it whole), the customer's watched parcels from the customer's (a redaction without orderIds reads it).
 */
export const EXPORTED_PREFIX = 'EXPORTED#';
const exportedCaseKey = (caseId: string, id: string) => ({ pk: `CASE#${caseId}`, sk: `${EXPORTED_PREFIX}${id}` });
const customerExportKey = (customerId: string, id: string) => ({ pk: `PRIVACY_CUSTOMER#${customerId}`, sk: `${EXPORT_PREFIX}${id}` });
/**
 * An export is personal data in one place: it is kept long enough to hand over (platforms answer within 30 days),
 * then DynamoDB's TTL deletes it, and the route stops showing it at that time whatever TTL's delay.
 */
export const EXPORT_DAYS = 30;

/**
 * Privacy requests (docs/privacy.md) in the case table: the request item `PRIVACY#<id>` / `REQUEST` with its status
 * and audit trail, its export one item per case beside it (`EXPORT#<caseId>`: a case's data stays well inside
 * DynamoDB's 400 KB item limit, a customer's many cases might not), markers of redactions waiting on open cases in
 * those cases' partitions, and retention marks in the due index. Single-item conditional writes only.
 */
export class PrivacyStore extends PrivacyRequests {
  /** Every case of a customer, oldest first, from the lookup index's `CUSTOMER#` partition (never a scan). */
  async caseIdsOfCustomer(customerId: string): Promise<string[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: LOOKUP_INDEX,
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': lookupPartition.customer(customerId) },
    });
    return [...new Set(items.map((item) => String(item.caseId)))];
  }

  /**
   * Stores one part of the export (a case, or the customer's watched parcels), replacing an earlier attempt's; it
   * expires with the export. Its marker is written before the data is read (`read`; undefined: no such part), so a
   * part is never stored where a redaction cannot find it. When the marker is gone once the part is stored, a
   * redaction erased the part meanwhile (and noted it on the request), and what was read may predate it: the part
   * is deleted again. Answers whether the part is kept.
   */
  async putExportPart(id: string, part: string, read: () => Promise<unknown>, expiresAt: string, customerId: string): Promise<'stored' | 'none' | 'erased'> {
    const ttl = Math.floor(Date.parse(expiresAt) / 1000);
    const marker = part === WATCHED_PARCELS_PART ? customerExportKey(customerId, id) : exportedCaseKey(part, id);
    const partKey = { pk: `PRIVACY#${id}`, sk: `${EXPORT_PREFIX}${part}` };
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...marker, privacyRequestId: id, ttl } }));
    const data = await read();
    if (data === undefined) {
      await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: marker }));
      return 'none';
    }
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...partKey, data: JSON.stringify(data), ttl } }));
    const still = await this.db.send(new GetCommand({ TableName: this.tableName, Key: marker, ConsistentRead: true }));
    if (still.Item) return 'stored';
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: partKey }));
    return 'erased';
  }

  /** The exports holding this customer's watched parcels (their markers; TTL takes them with the exports). */
  async exportsWithWatchedParcels(customerId: string): Promise<string[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `PRIVACY_CUSTOMER#${customerId}`, ':prefix': EXPORT_PREFIX },
      ConsistentRead: true,
    });
    return items.map((item) => String(item.privacyRequestId));
  }

  /**
   * A redaction reached a part of an earlier export: the part is deleted, the request notes it (`erasedParts`, and
   * `export_erased` on its trail once per part), then the marker goes. Each step may be repeated after a crash.
   */
  async eraseExportPart(id: string, part: string, at: string, customerId?: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: `PRIVACY#${id}`, sk: `${EXPORT_PREFIX}${part}` } }));
    await writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: requestKey(id),
        UpdateExpression: 'ADD erasedParts :parts SET #history = list_append(#history, :h)',
        ConditionExpression: 'attribute_exists(pk) AND NOT contains(erasedParts, :part)',
        ExpressionAttributeNames: { '#history': 'history' },
        ExpressionAttributeValues: { ':parts': new Set([part]), ':part': part, ':h': [{ at, event: 'export_erased', part }] },
      }),
    );
    const marker = part === WATCHED_PARCELS_PART ? (customerId ? customerExportKey(customerId, id) : undefined) : exportedCaseKey(part, id);
    if (marker) await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: marker }));
  }

  async exportParts(id: string): Promise<Array<{ part: string; data: unknown }>> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `PRIVACY#${id}`, ':prefix': EXPORT_PREFIX },
      ConsistentRead: true,
    });
    return items.map((item) => ({ part: String(item.sk).slice(EXPORT_PREFIX.length), data: JSON.parse(String(item.data)) as unknown }));
  }

  /**
   * Moves a pending request on: `ready` (an export), `waiting_for_open_cases` (with the cases it waits for) or
   * `completed`. Only from `pending`, so a redelivered message does not rewrite what a later step recorded.
   */
  async settle(id: string, status: Exclude<PrivacyRequestStatus, 'pending'>, caseIds: string[], waitingFor: string[], at: string, exportExpiresAt?: string): Promise<boolean> {
    const names = { '#status': 'status', '#history': 'history' };
    const values: Record<string, unknown> = { ':status': status, ':pending': 'pending', ':at': at, ':ids': caseIds, ':h': [{ at, event: status }] };
    const sets = ['#status = :status', 'updatedAt = :at', 'caseIds = :ids', '#history = list_append(#history, :h)'];
    if (waitingFor.length > 0) {
      values[':w'] = new Set(waitingFor);
      sets.push('waitingFor = :w');
    }
    if (status !== 'waiting_for_open_cases') sets.push('completedAt = :at');
    if (exportExpiresAt) {
      values[':expires'] = exportExpiresAt;
      sets.push('exportExpiresAt = :expires');
    }
    return writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: requestKey(id),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * An open case the request waited for is redacted: it leaves `waitingFor` (a string set, so a repeat removes
   * nothing twice). When none is left the request is `completed`, once.
   */
  async caseRedacted(id: string, caseId: string, at: string): Promise<'completed' | 'waiting' | 'not_waiting'> {
    const write = await conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: requestKey(id),
          UpdateExpression: 'DELETE waitingFor :c SET updatedAt = :at, #history = list_append(#history, :h)',
          ConditionExpression: 'contains(waitingFor, :id)',
          ExpressionAttributeNames: { '#history': 'history' },
          ExpressionAttributeValues: { ':c': new Set([caseId]), ':id': caseId, ':at': at, ':h': [{ at, event: 'case_redacted', caseId }] },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    const removed = write.applied ? write.output.Attributes : undefined;
    if (!removed) {
      // Removed before (a retry): the request may still need its completion written.
      const current = await this.get(id);
      if (current?.status !== 'waiting_for_open_cases' || (current.waitingFor?.length ?? 0) > 0) return 'not_waiting';
    } else if (removed.waitingFor && (removed.waitingFor as Set<string>).size > 0) return 'waiting';
    const completed = await writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: requestKey(id),
        UpdateExpression: 'SET #status = :completed, completedAt = :at, updatedAt = :at, #history = list_append(#history, :h)',
        ConditionExpression: '#status = :waiting AND attribute_not_exists(waitingFor)',
        ExpressionAttributeNames: { '#status': 'status', '#history': 'history' },
        ExpressionAttributeValues: { ':completed': 'completed', ':waiting': 'waiting_for_open_cases', ':at': at, ':h': [{ at, event: 'completed' }] },
      }),
    );
    return completed ? 'completed' : 'not_waiting';
  }

  /** A supervisor read the request (its export): appended to its audit trail. */
  async noteRead(id: string, operator: string, role: string, at: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: requestKey(id),
        UpdateExpression: 'SET #history = list_append(#history, :h)',
        ExpressionAttributeNames: { '#history': 'history' },
        ExpressionAttributeValues: { ':h': [{ at, event: 'read', operator, role }] },
      }),
    );
  }

  /** Marks an open case: redact it when it closes, for this request. */
  async awaitClose(caseId: string, id: string, at: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...pendingKey(caseId, id), privacyRequestId: id, at } }));
  }

  /** The redaction requests waiting for this case to close. */
  async awaitingClose(caseId: string): Promise<string[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':prefix': 'REDACT#' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((item) => String(item.privacyRequestId));
  }

  async clearAwaitClose(caseId: string, id: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: pendingKey(caseId, id) }));
  }

  /** Files a closed case in the due index for retention (written again on a later close: the latest due time wins). */
  async scheduleRetention(caseId: string, dueAt: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...retentionKey(caseId), caseId, dueAt, gsi2pk: RETENTION_PARTITION, gsi2sk: `${dueAt}#${caseId}` } }));
  }

  /** Cases whose retention ended by `now`, oldest first, from the due index (never a scan). */
  async dueForRetention(now: Date, limit: number): Promise<Array<{ caseId: string; dueAt: string }>> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
        ExpressionAttributeValues: { ':pk': RETENTION_PARTITION, ':now': `${now.toISOString()}#~` },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => {
      const sortKey = String(item.gsi2sk);
      const cut = sortKey.lastIndexOf('#');
      return { dueAt: sortKey.slice(0, cut), caseId: sortKey.slice(cut + 1) };
    });
  }

  /** Takes the case out of the retention index, only if its due time is still the one handled (a re-close moved it). */
  async dropRetention(caseId: string, dueAt: string): Promise<void> {
    await writeIf(
      this.db,
      new DeleteCommand({ TableName: this.tableName, Key: retentionKey(caseId), ConditionExpression: 'dueAt = :due', ExpressionAttributeValues: { ':due': dueAt } }),
    );
  }
}
