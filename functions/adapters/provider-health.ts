import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './dynamo.js';

const healthKey = (provider: string) => ({ pk: `PROVIDER#${provider}`, sk: 'HEALTH' });

/**
 * How a tracking provider has been answering: one item per provider (`PROVIDER#<name>`) counting consecutive
 * failures since the first one. The alert transitions are conditional writes, so however many functions see the
 * outage, exactly one raises "down" and exactly one raises "recovered".
 */
export class ProviderHealthStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** A call failed (down, throttled, refused). Returns since when the provider has been failing. */
  async failure(provider: string, now: Date, error: string): Promise<{ failingSince: string; failures: number; alerted: boolean }> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: healthKey(provider),
        UpdateExpression: 'SET failingSince = if_not_exists(failingSince, :now), lastFailureAt = :now, lastError = :e ADD failures :one',
        ExpressionAttributeValues: { ':now': now.toISOString(), ':e': error.slice(0, 200), ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const item = out.Attributes ?? {};
    return { failingSince: String(item.failingSince), failures: Number(item.failures ?? 1), alerted: item.alertedAt !== undefined };
  }

  /** Claims the one "provider down" alert of this outage; false if it was claimed already or the outage ended. */
  async claimDownAlert(provider: string, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: healthKey(provider),
          UpdateExpression: 'SET alertedAt = :now',
          ConditionExpression: 'attribute_exists(failingSince) AND attribute_not_exists(alertedAt)',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * A call succeeded: ends the outage, if there was one. Returns what the outage was, for the "recovered" alert, to
   * the one caller that ended it (a provider answering normally costs one failed conditional write, no more).
   */
  async success(provider: string, now: Date): Promise<{ failingSince: string; failures: number; alerted: boolean } | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: healthKey(provider),
          UpdateExpression: 'SET lastSuccessAt = :now REMOVE failingSince, failures, alertedAt, lastError',
          ConditionExpression: 'attribute_exists(failingSince)',
          ExpressionAttributeValues: { ':now': now.toISOString() },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const item = out.Attributes ?? {};
      return { failingSince: String(item.failingSince), failures: Number(item.failures ?? 0), alerted: item.alertedAt !== undefined };
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
