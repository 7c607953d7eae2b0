import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TimelineEntry } from '../domain/case.js';
import { REDACTED, redactedCaseFields, redactTimelineEntry, type RedactableCase, type RedactionCause } from '../domain/privacy.js';
import { keys, queryAll, setAssignments, writeIf } from './dynamo.js';
import { suppressionKey } from './suppression-store.js';
import type { ShipmentStore } from './shipment-store.js';
import { EXPORTED_PREFIX, PrivacyStore } from './privacy-store.js';
import { shipmentKey } from '../domain/shipment-watch.js';

export type RedactResult = 'redacted' | 'already_redacted' | 'not_closed' | 'not_found';

/**
 * Removes a closed case's personal data, wherever the pipeline keeps it (docs/privacy.md): the contact item (name,
 * email, phone, time zone, the description), the customer's and operators' words on the case and its timeline,
 * evidence links, the survey comment, the follow-up list's copy of it, the case's link on suppression entries, the
 * contact kept for its watched parcel, the case's part of earlier privacy exports. What stays is the business
 * record. One code path for a customer's request and for retention. Idempotent: each write leaves what it already
 * did as it is, the case item's `redactedAt` is written last, so a retry after a crash finishes the job.
 *
 * The timeline is append-only for the pipeline; redaction is the one exception, and it rewrites entries only to put
 * the marker in place of words — the entries, their times, actors and events stay.
 */
export class CaseRedactor {
  private readonly exports: Pick<PrivacyStore, 'eraseExportPart'>;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly shipments?: Pick<ShipmentStore, 'eraseProactiveContact'>,
  ) {
    this.exports = new PrivacyStore(db, tableName);
  }

  async redact(caseId: string, cause: RedactionCause, now: Date): Promise<RedactResult> {
    const items = await this.partition(caseId);
    const record = items.find((item) => item.sk === 'CASE');
    if (!record) return 'not_found';
    if (record.status !== 'closed') return 'not_closed';
    const at = now.toISOString();
    // Contacts live in their own partition; one stored before that may still sit in the case's (keys.legacyContact).
    const legacyContact = items.find((item) => item.sk === 'CONTACT');
    const contact = (await this.contactItem(caseId)) ?? legacyContact;

    if (contact) await this.unlinkSuppressions(caseId, contact);
    const facts = items.find((item) => item.sk === 'CASE#FACTS');
    // The survey link's token: on the case item, or drawn at intake and kept with the facts (adapters/case-store.ts).
    // Both may have a survey (a survey opened again under the previous release after a rollback): erase both comments.
    for (const token of new Set([record.surveyToken, facts?.surveyLinkToken])) {
      if (typeof token === 'string') await this.eraseSurveyComment(token);
    }
    const followUp = record.followUp as { status?: string; openedAt?: string } | undefined;
    if (followUp?.status === 'open' && followUp.openedAt) await this.redactFollowUpListing(caseId, followUp.openedAt);
    // The outbound shipment is on the facts item since 5 December 2026 (adapters/case-store.ts), in the case item before.
    for (const parcel of [record.shipment ?? facts?.shipment, record.returnShipment] as Array<{ carrier?: string; trackingNumber?: string } | undefined>) {
      if (parcel?.carrier && parcel.trackingNumber) await this.shipments?.eraseProactiveContact(shipmentKey(parcel.carrier, parcel.trackingNumber));
    }
    for (const item of items.filter((i) => String(i.sk).startsWith('TL#'))) {
      const redacted = redactedTimelineItem(item);
      if (redacted) await this.db.send(new PutCommand({ TableName: this.tableName, Item: redacted }));
    }
    if (contact && contact.redactedAt === undefined) {
      // The item stays, so the notifier finds it and sends nothing (no address left), instead of failing the notice.
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.contact(caseId), name: REDACTED, description: REDACTED, locale: contact.locale, channels: contact.channels ?? [], redactedAt: at },
        }),
      );
    }
    if (legacyContact) await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.legacyContact(caseId) }));
    // The link goes with the case's words, as the case item's token does below (markCase, redactAgain).
    if (facts?.surveyLinkToken !== undefined) {
      await this.db.send(new UpdateCommand({ TableName: this.tableName, Key: keys.caseFacts(caseId), UpdateExpression: 'REMOVE surveyLinkToken' }));
    }
    if (record.redactedAt !== undefined) {
      // Reopened by a dispute after its redaction: what that round brought (evidence links, an operator's reason) goes too.
      await this.redactAgain(caseId, record as RedactableCase & { surveyToken?: unknown }, at);
      await this.eraseExports(caseId, at);
      return 'already_redacted';
    }
    const marked = await this.markCase(caseId, record as RedactableCase, cause, at);
    await this.eraseExports(caseId, at);
    if (!marked) return 'already_redacted';
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.timeline(caseId, at, 'redacted'),
          at,
          actor: 'pipeline',
          event: 'personal_data_redacted',
          detail: { cause: cause.kind, ...(cause.kind === 'request' ? { privacyRequestId: cause.privacyRequestId } : { retentionDays: cause.retentionDays }) },
        },
      }),
    );
    return 'redacted';
  }

  /**
   * Earlier exports' copies of this case go as well: each stored part left a marker in the case's partition. Read
   * after the case's data is rewritten, so an export gathered meanwhile either read the redacted data or left its
   * marker in time to be found here (the export checks its marker is still there after storing, see
   * PrivacyStore.putExportPart).
   */
  private async eraseExports(caseId: string, at: string): Promise<void> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':prefix': EXPORTED_PREFIX },
        ConsistentRead: true,
      }),
    );
    for (const marker of out.Items ?? []) await this.exports.eraseExportPart(String(marker.privacyRequestId), caseId, at);
  }

  private async contactItem(caseId: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.contact(caseId), ConsistentRead: true }));
    return out.Item;
  }

  /** Every item of the case's partition, with its keys. */
  private async partition(caseId: string): Promise<Array<Record<string, unknown>>> {
    return queryAll(this.db, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CASE#${caseId}` }, ConsistentRead: true });
  }

  /** Sets the redacted fields and `redactedAt`, drops the survey link; once, and only while the case is closed. */
  private async markCase(caseId: string, record: RedactableCase, cause: RedactionCause, at: string): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status', '#version': 'version', '#surveyToken': 'surveyToken' };
    const values: Record<string, unknown> = { ':closed': 'closed', ':one': 1 };
    const sets = setAssignments({ ...redactedCaseFields(record), redactedAt: at, redaction: cause, updatedAt: at }, names, values);
    return writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.case(caseId),
        UpdateExpression: `SET ${sets.join(', ')} REMOVE #surveyToken ADD #version :one`,
        ConditionExpression: '#status = :closed AND attribute_not_exists(redactedAt)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** A case redacted before: the fields left to redact (none, mostly), keeping its first `redactedAt` and `redaction`. */
  private async redactAgain(caseId: string, record: RedactableCase & { surveyToken?: unknown }, at: string): Promise<void> {
    const patch = redactedCaseFields(record);
    if (Object.keys(patch).length === 0 && record.surveyToken === undefined) return;
    const names: Record<string, string> = { '#status': 'status', '#version': 'version', '#surveyToken': 'surveyToken' };
    const values: Record<string, unknown> = { ':closed': 'closed', ':one': 1 };
    const sets = setAssignments({ ...patch, updatedAt: at }, names, values);
    await writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.case(caseId),
        UpdateExpression: `SET ${sets.join(', ')} REMOVE #surveyToken ADD #version :one`,
        ConditionExpression: '#status = :closed',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Suppression entries are kept (an address that bounced or opted out must stay unsent-to, and the entry holds only
   * a hash of it), but no longer lead to this case.
   */
  private async unlinkSuppressions(caseId: string, contact: Record<string, unknown>): Promise<void> {
    const addresses = [
      ['email', contact.email],
      ['sms', contact.phone],
    ] as const;
    for (const [channel, address] of addresses) {
      if (typeof address !== 'string' || address === '') continue;
      await writeIf(
        this.db,
        new UpdateCommand({
          TableName: this.tableName,
          Key: suppressionKey(channel, address),
          UpdateExpression: 'REMOVE caseId',
          ConditionExpression: 'caseId = :c',
          ExpressionAttributeValues: { ':c': caseId },
        }),
      );
    }
  }

  private async eraseSurveyComment(token: string): Promise<void> {
    await writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.survey(token),
        UpdateExpression: 'REMOVE #comment',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#comment': 'comment' },
      }),
    );
  }

  /** An open call-back task keeps its line in the operators' list, without the customer's words. */
  private async redactFollowUpListing(caseId: string, openedAt: string): Promise<void> {
    await writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: 'FOLLOWUPS#open', sk: `${openedAt}#${caseId}` },
        UpdateExpression: 'SET #comment = :r',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#comment': 'comment' },
        ExpressionAttributeValues: { ':r': REDACTED },
      }),
    );
  }
}

/** A timeline item with the words of its entry, or of each of its entries (adapters/case-store.ts), redacted; undefined when there are none. */
function redactedTimelineItem(item: Record<string, unknown>): Record<string, unknown> | undefined {
  const { pk, sk, entries, ...entry } = item;
  if (!Array.isArray(entries)) {
    const redacted = redactTimelineEntry(entry as unknown as TimelineEntry);
    return redacted && { pk, sk, ...redacted };
  }
  const redacted = (entries as TimelineEntry[]).map((e) => redactTimelineEntry(e));
  if (redacted.every((e) => e === undefined)) return undefined;
  return { pk, sk, entries: redacted.map((e, i) => e ?? entries[i]) };
}
