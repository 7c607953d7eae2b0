import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PrivacyRequestKind, PrivacyRequestStatus } from '../domain/privacy.js';
import { writeIf } from './dynamo.js';

/** One step of a privacy request, as its audit trail keeps it: what happened, when, and (a read) by whom. */
export interface PrivacyHistoryEntry {
  at: string;
  event: 'received' | 'ready' | 'waiting_for_open_cases' | 'case_redacted' | 'completed' | 'read' | 'export_erased';
  caseId?: string;
  /** `export_erased`: the part of the export a later redaction deleted (a caseId, or WATCHED_PARCELS). */
  part?: string;
  operator?: string;
  role?: string;
}

export interface PrivacyRequest {
  privacyRequestId: string;
  kind: PrivacyRequestKind;
  customerId: string;
  orderIds?: string[];
  status: PrivacyRequestStatus;
  receivedAt: string;
  updatedAt: string;
  /** The cases the request covers (an export: those in it; a redaction: those redacted or waiting). */
  caseIds?: string[];
  /** A redaction: the open cases still to be redacted when they close. */
  waitingFor?: string[];
  completedAt?: string;
  /** An export: when it is deleted (EXPORT_DAYS after it was gathered). */
  exportExpiresAt?: string;
  /** An export: its parts a later redaction deleted (caseIds, WATCHED_PARCELS), sorted. */
  erasedParts?: string[];
  history: PrivacyHistoryEntry[];
}

/** A privacy request's item in the case table. */
export const privacyRequestKey = (id: string) => ({ pk: `PRIVACY#${id}`, sk: 'REQUEST' });

/**
 * Recording and reading a privacy request's item (`PRIVACY#<id>` / `REQUEST`): all the webhook intake does with
 * privacy requests (it records each as pending before its 202). Apart from PrivacyStore, which extends it with the
 * exports, redactions and retention, so the intake's bundle carries these two methods and not the whole store.
 */
export class PrivacyRequests {
  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  /** Records the request once: false when one with this id exists (a repeat changes nothing). */
  async open(request: Omit<PrivacyRequest, 'status' | 'updatedAt' | 'history'>): Promise<boolean> {
    const item: PrivacyRequest = { ...request, status: 'pending', updatedAt: request.receivedAt, history: [{ at: request.receivedAt, event: 'received' }] };
    return writeIf(
      this.db,
      new PutCommand({ TableName: this.tableName, Item: { ...privacyRequestKey(request.privacyRequestId), ...item }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  async get(id: string): Promise<PrivacyRequest | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: privacyRequestKey(id), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, waitingFor, erasedParts, ...request } = out.Item;
    return {
      ...(request as PrivacyRequest),
      ...(waitingFor ? { waitingFor: [...(waitingFor as Set<string>)].sort() } : {}),
      ...(erasedParts ? { erasedParts: [...(erasedParts as Set<string>)].sort() } : {}),
    };
  }
}
