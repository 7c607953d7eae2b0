import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FollowUp, FollowUpOutcome } from '../domain/satisfaction.js';
import { conditionally, keys, writeIf } from './dynamo.js';

const OPEN_PARTITION = 'FOLLOWUPS#open';

/** One line of the operators' follow-up list: enough to call back (through the order platform's customer record). */
export interface OpenFollowUp {
  caseId: string;
  openedAt: string;
  overall: number;
  caseType: string;
  orderId: string;
  customerId: string;
  /** The customer's own words from the survey, for the person calling back; never logged or alerted. */
  comment: string;
}

export type CloseResult = { status: 'closed'; followUp: FollowUp } | { status: 'not_found' } | { status: 'not_open'; followUp?: FollowUp };

/**
 * Operator follow-up tasks from low survey scores. The task lives on the case (`followUp`, set once, conditionally)
 * and, while open, as an item in one small partition listing open tasks oldest first (sort key `<openedAt>#<caseId>`),
 * so the list is one Query, never a scan. Closing sets the case's record and removes the list item.
 */
export class FollowUpStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Opens the task once; a repeat (a retried answer) finds it and only makes sure it is listed. */
  async open(task: OpenFollowUp, now: Date): Promise<{ opened: boolean; followUp: FollowUp }> {
    const followUp: FollowUp = { status: 'open', reason: 'low_score', overall: task.overall, openedAt: task.openedAt };
    const written = await writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.case(task.caseId),
        UpdateExpression: 'SET followUp = :f, updatedAt = :now ADD #version :one',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(followUp)',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':f': followUp, ':now': now.toISOString(), ':one': 1 },
      }),
    );
    if (!written) {
      const existing = await this.current(task.caseId);
      if (!existing) throw new Error(`case ${task.caseId} does not exist`);
      if (existing.status === 'open') await this.list({ ...task, openedAt: existing.openedAt, overall: existing.overall });
      return { opened: false, followUp: existing };
    }
    await this.list(task);
    return { opened: true, followUp };
  }

  /** Open tasks, oldest first. */
  async listOpen(limit = 100): Promise<OpenFollowUp[]> {
    const out = await this.db.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': OPEN_PARTITION }, Limit: limit }),
    );
    return (out.Items ?? []).map(
      ({ caseId, openedAt, overall, caseType, orderId, customerId, comment }) => ({ caseId, openedAt, overall, caseType, orderId, customerId, comment }) as OpenFollowUp,
    );
  }

  /** Records the call-back and closes the task, once: a second call finds it closed (`not_open`). */
  async close(caseId: string, record: { outcome: FollowUpOutcome; note: string; by: string; at: string }): Promise<CloseResult> {
    const written = await conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.case(caseId),
          UpdateExpression:
            'SET followUp.#status = :closed, followUp.closedAt = :at, followUp.outcome = :outcome, followUp.note = :note, followUp.#by = :by, updatedAt = :at ADD #version :one',
          ConditionExpression: 'followUp.#status = :open',
          ExpressionAttributeNames: { '#status': 'status', '#by': 'by', '#version': 'version' },
          ExpressionAttributeValues: { ':closed': 'closed', ':open': 'open', ':at': record.at, ':outcome': record.outcome, ':note': record.note, ':by': record.by, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (written.applied) {
      const followUp = written.output.Attributes!.followUp as FollowUp;
      await this.unlist(caseId, followUp.openedAt);
      return { status: 'closed', followUp };
    }
    const item = (await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.case(caseId), ConsistentRead: true }))).Item;
    if (!item) return { status: 'not_found' };
    const followUp = item.followUp as FollowUp | undefined;
    // Closed before, but the list item may have outlived a crash: remove it now.
    if (followUp) await this.unlist(caseId, followUp.openedAt);
    return { status: 'not_open', ...(followUp ? { followUp } : {}) };
  }

  private async current(caseId: string): Promise<FollowUp | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.case(caseId), ProjectionExpression: 'followUp', ConsistentRead: true }));
    return out.Item?.followUp as FollowUp | undefined;
  }

  private async list(task: OpenFollowUp): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: OPEN_PARTITION, sk: `${task.openedAt}#${task.caseId}`, ...task } }));
  }

  private async unlist(caseId: string, openedAt: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: OPEN_PARTITION, sk: `${openedAt}#${caseId}` } }));
  }
}
