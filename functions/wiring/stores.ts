import { DedupeStore } from '../adapters/dedupe-store.js';
import { tableAccess, type TableConfig } from './table.js';
import { FollowUpStore } from '../adapters/follow-up-store.js';
import { LedgerStore } from '../adapters/ledger-store.js';
import { NoticeStore, STALE_CLAIM_MS } from '../adapters/notice-store.js';
import { RefundStore } from '../adapters/refund-store.js';
import { ReportCounters } from '../adapters/report-counters.js';
import { ReviewStore } from '../adapters/review-store.js';
import { SatisfactionStore } from '../adapters/satisfaction-store.js';
import { SlaStore } from '../adapters/sla-store.js';
import { SuppressionStore } from '../adapters/suppression-store.js';
import { SurveyStore } from '../adapters/survey-store.js';
import { WaitStore } from '../adapters/wait-store.js';

/**
 * One builder per DynamoDB store, each called at module scope by the handlers that use it: a function's bundle holds
 * only the stores it builds (esbuild drops the unused builders and their classes), where one builder of them all made
 * every function carry every store. They share one document client per cold start.
 */
export { caseStore, tableAccess, type TableConfig } from './table.js';

export function waitStore(config: TableConfig): WaitStore {
  return new WaitStore(...tableAccess(config));
}

export function dedupeStore(config: TableConfig): DedupeStore {
  return new DedupeStore(...tableAccess(config));
}

export function surveyStore(config: TableConfig): SurveyStore {
  return new SurveyStore(...tableAccess(config));
}

export function ledgerStore(config: TableConfig): LedgerStore {
  return new LedgerStore(...tableAccess(config));
}

export function satisfactionStore(config: TableConfig): SatisfactionStore {
  return new SatisfactionStore(...tableAccess(config));
}

export function followUpStore(config: TableConfig): FollowUpStore {
  return new FollowUpStore(...tableAccess(config));
}

export function slaStore(config: TableConfig): SlaStore {
  return new SlaStore(...tableAccess(config));
}

export function refundStore(config: TableConfig): RefundStore {
  return new RefundStore(...tableAccess(config));
}

export function reviewStore(config: TableConfig): ReviewStore {
  return new ReviewStore(...tableAccess(config));
}

export function reportCounters(config: TableConfig): ReportCounters {
  return new ReportCounters(...tableAccess(config));
}

/** Addresses no notice goes to any more (hard bounces, complaints, dead numbers). */
export function suppressionStore(config: TableConfig): SuppressionStore {
  return new SuppressionStore(...tableAccess(config));
}

/** A claim older than NOTICE_CLAIM_STALE_SECONDS (default 5 minutes) is taken over by a redelivered message. */
export function noticeStore(config: TableConfig & { readonly NOTICE_CLAIM_STALE_SECONDS?: number }): NoticeStore {
  return new NoticeStore(...tableAccess(config), config.NOTICE_CLAIM_STALE_SECONDS === undefined ? STALE_CLAIM_MS : config.NOTICE_CLAIM_STALE_SECONDS * 1000);
}
