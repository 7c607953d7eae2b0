import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CaseRedactor } from '../adapters/case-redactor.js';
import { CaseStore } from '../adapters/case-store.js';
import { DedupeStore } from '../adapters/dedupe-store.js';
import { documentClient } from '../adapters/dynamo.js';
import { FollowUpStore } from '../adapters/follow-up-store.js';
import { LedgerStore } from '../adapters/ledger-store.js';
import { NoticeStore, STALE_CLAIM_MS } from '../adapters/notice-store.js';
import { PrivacyStore } from '../adapters/privacy-store.js';
import { RefundStore } from '../adapters/refund-store.js';
import { ReportCounters } from '../adapters/report-counters.js';
import { ReviewStore } from '../adapters/review-store.js';
import { SatisfactionStore } from '../adapters/satisfaction-store.js';
import { ShipmentStore } from '../adapters/shipment-store.js';
import { SlaStore } from '../adapters/sla-store.js';
import { SuppressionStore } from '../adapters/suppression-store.js';
import { SurveyStore } from '../adapters/survey-store.js';
import { WaitStore } from '../adapters/wait-store.js';
import { required, seconds } from '../config.js';

/**
 * One builder per DynamoDB store, each called at module scope by the handlers that use it: a function's bundle holds
 * only the stores it builds (esbuild drops the unused builders and their classes), where one builder of them all made
 * every function carry every store. They share one document client per cold start.
 */
let db: DynamoDBDocumentClient | undefined;
/** The shared document client and the table (TABLE_NAME). */
export function tableAccess(): [DynamoDBDocumentClient, string] {
  db ??= documentClient();
  return [db, required('TABLE_NAME')];
}

export function caseStore(): CaseStore {
  return new CaseStore(...tableAccess());
}

export function waitStore(): WaitStore {
  return new WaitStore(...tableAccess());
}

export function dedupeStore(): DedupeStore {
  return new DedupeStore(...tableAccess());
}

export function surveyStore(): SurveyStore {
  return new SurveyStore(...tableAccess());
}

export function ledgerStore(): LedgerStore {
  return new LedgerStore(...tableAccess());
}

export function satisfactionStore(): SatisfactionStore {
  return new SatisfactionStore(...tableAccess());
}

export function followUpStore(): FollowUpStore {
  return new FollowUpStore(...tableAccess());
}

export function slaStore(): SlaStore {
  return new SlaStore(...tableAccess());
}

export function refundStore(): RefundStore {
  return new RefundStore(...tableAccess());
}

export function reviewStore(): ReviewStore {
  return new ReviewStore(...tableAccess());
}

export function reportCounters(): ReportCounters {
  return new ReportCounters(...tableAccess());
}

export function privacyStore(): PrivacyStore {
  return new PrivacyStore(...tableAccess());
}

/** Addresses no notice goes to any more (hard bounces, complaints, dead numbers). */
export function suppressionStore(): SuppressionStore {
  return new SuppressionStore(...tableAccess());
}

export function noticeStore(): NoticeStore {
  return new NoticeStore(...tableAccess(), seconds('NOTICE_CLAIM_STALE_SECONDS', STALE_CLAIM_MS / 1000) * 1000);
}

/** Redaction of a closed case's personal data (docs/privacy.md), with the watched parcels' kept contacts. */
export function caseRedactor(): CaseRedactor {
  return new CaseRedactor(...tableAccess(), new ShipmentStore(...tableAccess()));
}
