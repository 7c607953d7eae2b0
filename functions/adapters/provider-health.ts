import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionally } from './dynamo.js';

const healthKey = (provider: string) => ({ pk: `PROVIDER#${provider}`, sk: 'HEALTH' });

/** Case ids listed per outage at most (about 160 KB of the 400 KB item); beyond it the count says "at least". */
export const MAX_LISTED_WAITING_CASES = 10_000;

/** A provider's outage as its health item holds it. `version` grows with every change, to order the alert's writes. */
export interface ProviderOutageState {
  failingSince: string;
  failures: number;
  /** The stored alert of this outage (its id in the alert list), once one was raised. */
  alertId?: string;
  alertedAt?: string;
  /** Cases that went to wait for this provider during the outage. */
  waitingCases: number;
  waitingCapped: boolean;
  lastError?: string;
  version: number;
}

/**
 * How a tracking provider has been answering: one item per provider (`PROVIDER#<name>`) counting consecutive
 * failures since the first one, the cases waiting for it (a string set: adding a case twice counts it once) and the
 * one alert of the outage. The transitions are conditional writes, so however many functions see the outage,
 * exactly one raises its alert and exactly one closes it.
 */
export class ProviderHealthStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** A call failed (down, throttled, refused). */
  async failure(provider: string, now: Date, error: string): Promise<ProviderOutageState> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: healthKey(provider),
        UpdateExpression: 'SET failingSince = if_not_exists(failingSince, :now), lastFailureAt = :now, lastError = :e ADD failures :one',
        ExpressionAttributeValues: { ':now': now.toISOString(), ':e': error.slice(0, 200), ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return stateOf(out.Attributes);
  }

  /**
   * A case went to wait for the provider (its lookup failed through the workflow's retries). Undefined when the
   * case was counted already in this outage, or the list is full (then `waitingCapped` shows on the alert).
   */
  async caseWaiting(provider: string, caseId: string, now: Date): Promise<ProviderOutageState | undefined> {
    const written = await conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: healthKey(provider),
          UpdateExpression: 'SET failingSince = if_not_exists(failingSince, :now) ADD waiting :case, version :one',
          ConditionExpression: 'attribute_not_exists(waiting) OR (NOT contains(waiting, :id) AND size(waiting) < :max)',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':case': new Set([caseId]), ':id': caseId, ':one': 1, ':max': MAX_LISTED_WAITING_CASES },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (!written.applied) return undefined;
    const out = written.output;
    return stateOf(out.Attributes);
  }

  /** Claims the one alert of this outage (`alertId`); undefined if it was claimed already or the outage ended. */
  async claimDownAlert(provider: string, now: Date, alertId: string): Promise<ProviderOutageState | undefined> {
    const written = await conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: healthKey(provider),
          UpdateExpression: 'SET alertedAt = :now, alertId = :alert ADD version :one',
          ConditionExpression: 'attribute_exists(failingSince) AND attribute_not_exists(alertId)',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':alert': alertId, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (!written.applied) return undefined;
    const out = written.output;
    return stateOf(out.Attributes);
  }

  /**
   * A call succeeded: ends the outage, if there was one. Returns what the outage was (with the version of this
   * change), for closing its alert, to the one caller that ended it (a provider answering normally costs one
   * read, no write: an eventually consistent read costs a tenth of the failed conditional write it replaces; an
   * outage that read misses by a moment is ended by the next success).
   */
  async success(provider: string, now: Date): Promise<ProviderOutageState | undefined> {
    const seen = await this.db.send(new GetCommand({ TableName: this.tableName, Key: healthKey(provider), ProjectionExpression: 'failingSince' }));
    if (seen.Item?.failingSince === undefined) return undefined;
    const written = await conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: healthKey(provider),
          UpdateExpression: 'SET lastSuccessAt = :now REMOVE failingSince, failures, alertedAt, alertId, waiting, lastError ADD version :one',
          ConditionExpression: 'attribute_exists(failingSince)',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':one': 1 },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    if (!written.applied) return undefined;
    const out = written.output;
    const before = stateOf(out.Attributes);
    return { ...before, version: before.version + 1 };
  }
}

function stateOf(item: Record<string, unknown> | undefined): ProviderOutageState {
  const waiting = item?.waiting instanceof Set ? item.waiting.size : 0;
  return {
    failingSince: String(item?.failingSince),
    failures: Number(item?.failures ?? 0),
    ...(typeof item?.alertId === 'string' ? { alertId: item.alertId } : {}),
    ...(typeof item?.alertedAt === 'string' ? { alertedAt: item.alertedAt } : {}),
    ...(typeof item?.lastError === 'string' ? { lastError: item.lastError } : {}),
    waitingCases: waiting,
    waitingCapped: waiting >= MAX_LISTED_WAITING_CASES,
    version: Number(item?.version ?? 0),
  };
}
