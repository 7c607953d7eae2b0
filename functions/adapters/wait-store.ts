import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WaitKind, WaitSignal } from '../domain/case-record.js';
import { keys, writeIf } from './dynamo.js';

/**
 * The meeting point of a waiting workflow step (its task token) and the event that ends the wait (a signal).
 * Either may arrive first: whoever writes second finds the other and hands the signal to the workflow.
 * Both writes are single-item atomic updates, so exactly one side sees both.
 */
export class WaitStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Registers the step's token; returns the signal that was already waiting for it, if any. */
  async registerToken(caseId: string, kind: WaitKind, taskToken: string, at: string): Promise<WaitSignal | undefined> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.wait(caseId, kind),
        UpdateExpression: 'SET taskToken = :t, registeredAt = :at',
        ExpressionAttributeValues: { ':t': taskToken, ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes?.pendingSignal as WaitSignal | undefined;
  }

  /** Records a signal; returns the token of the step already waiting for it, if any. */
  async recordSignal(caseId: string, kind: WaitKind, signal: WaitSignal): Promise<string | undefined> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.wait(caseId, kind),
        UpdateExpression: 'SET pendingSignal = :s',
        ExpressionAttributeValues: { ':s': signal },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes?.taskToken as string | undefined;
  }

  /** A signal that met its waiting step but was not delivered (the resume failed), if any. */
  async undelivered(caseId: string, kind: WaitKind): Promise<{ signal: WaitSignal; taskToken: string } | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.wait(caseId, kind), ConsistentRead: true }));
    const signal = out.Item?.pendingSignal as WaitSignal | undefined;
    const taskToken = out.Item?.taskToken as string | undefined;
    return signal && taskToken ? { signal, taskToken } : undefined;
  }

  /** Once delivered, token and signal are cleared so a later wait of the same kind starts afresh. */
  async consume(caseId: string, kind: WaitKind, taskToken: string): Promise<void> {
    await writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.wait(caseId, kind),
        UpdateExpression: 'REMOVE taskToken, pendingSignal',
        ConditionExpression: 'taskToken = :t',
        ExpressionAttributeValues: { ':t': taskToken },
      }),
    );
  }
}
