import type { CaseRepository } from '../ports.js';
import type { CaseRedactor } from '../../adapters/case-redactor.js';
import { EXPORT_DAYS, WATCHED_PARCELS_PART, type PrivacyRequest, type PrivacyStore } from '../../adapters/privacy-store.js';
import type { ShipmentStore } from '../../adapters/shipment-store.js';
import type { SurveyStore } from '../../adapters/survey-store.js';
import { caseExport, watchedParcelsExport } from './customer-export.js';

export interface PrivacyDeps {
  cases: Pick<CaseRepository, 'get' | 'view' | 'contact'>;
  surveys: Pick<SurveyStore, 'get'>;
  privacy: PrivacyStore;
  redactor: Pick<CaseRedactor, 'redact'>;
  /** Watched parcels' kept contacts (absent where carrier tracking is not configured: then there are none). */
  shipments?: Pick<ShipmentStore, 'watchedContactsOf' | 'eraseProactiveContact'>;
}

export type PrivacyOutcome = { status: PrivacyRequest['status']; cases: number; waiting: number } | { status: 'unknown_request' };

/**
 * Carries out a privacy request the intake accepted (it is stored `pending` before the 202): gathers the customer's
 * export, or redacts their closed cases and marks the open ones to be redacted when they close. Runs on the intake
 * queue's consumer, asynchronously, as every webhook does. Safe to run again: a request no longer pending is done,
 * and every step of a pending one may be repeated.
 */
export async function applyPrivacyRequest(deps: PrivacyDeps, privacyRequestId: string, now: Date): Promise<PrivacyOutcome> {
  const request = await deps.privacy.get(privacyRequestId);
  if (!request) return { status: 'unknown_request' };
  if (request.status !== 'pending') return { status: request.status, cases: request.caseIds?.length ?? 0, waiting: request.waitingFor?.length ?? 0 };
  const caseIds = await casesOf(deps, request);
  return request.kind === 'export' ? gather(deps, request, caseIds, now) : redact(deps, request, caseIds, now);
}

/** The customer's cases, limited to the request's orders when it names some. */
async function casesOf(deps: PrivacyDeps, request: PrivacyRequest): Promise<string[]> {
  const ids = await deps.privacy.caseIdsOfCustomer(request.customerId);
  if (!request.orderIds) return ids;
  const orders = new Set(request.orderIds);
  const kept: string[] = [];
  for (const id of ids) {
    const record = await deps.cases.get(id);
    if (record && orders.has(record.orderId)) kept.push(id);
  }
  return kept;
}

async function gather(deps: PrivacyDeps, request: PrivacyRequest, caseIds: string[], now: Date): Promise<PrivacyOutcome> {
  const exported: string[] = [];
  const expiresAt = new Date(now.getTime() + EXPORT_DAYS * 86_400_000).toISOString();
  for (const caseId of caseIds) {
    // An 'erased' part was in the export until a redaction running meanwhile took it: listed, as any erased part.
    const kept = await deps.privacy.putExportPart(request.privacyRequestId, caseId, () => caseExport(deps, caseId), expiresAt, request.customerId);
    if (kept !== 'none') exported.push(caseId);
  }
  if (!request.orderIds) {
    const parcels = async () => {
      const list = await watchedParcelsExport(deps.shipments, request.customerId);
      return list.length > 0 ? list : undefined;
    };
    await deps.privacy.putExportPart(request.privacyRequestId, WATCHED_PARCELS_PART, parcels, expiresAt, request.customerId);
  }
  await deps.privacy.settle(request.privacyRequestId, 'ready', exported, [], now.toISOString(), expiresAt);
  return { status: 'ready', cases: exported.length, waiting: 0 };
}

async function redact(deps: PrivacyDeps, request: PrivacyRequest, caseIds: string[], now: Date): Promise<PrivacyOutcome> {
  const id = request.privacyRequestId;
  const cause = { kind: 'request' as const, privacyRequestId: id };
  const waiting: string[] = [];
  for (const caseId of caseIds) {
    // Marked first, then redacted if closed: a case closing meanwhile finds the mark (close-case redacts it) or is
    // seen closed here; either way it is redacted.
    const record = await deps.cases.get(caseId);
    if (!record) continue;
    if (record.status !== 'closed') await deps.privacy.awaitClose(caseId, id, now.toISOString());
    const result = await deps.redactor.redact(caseId, cause, now);
    if (result === 'not_closed') waiting.push(caseId);
    else await deps.privacy.clearAwaitClose(caseId, id);
  }
  if (!request.orderIds && deps.shipments) {
    for (const { key } of await deps.shipments.watchedContactsOf(request.customerId)) await deps.shipments.eraseProactiveContact(key);
  }
  if (!request.orderIds) {
    // Earlier exports' copies of those contacts go too (their cases' parts go with each case's redaction).
    for (const exportId of await deps.privacy.exportsWithWatchedParcels(request.customerId)) {
      await deps.privacy.eraseExportPart(exportId, WATCHED_PARCELS_PART, now.toISOString(), request.customerId);
    }
  }
  await deps.privacy.settle(id, waiting.length > 0 ? 'waiting_for_open_cases' : 'completed', caseIds, waiting, now.toISOString());
  // A case that closed between its check and the request's new status was redacted by close-case, which found the
  // request not yet waiting: record it here (each is redacted at most once; a repeat is harmless).
  for (const caseId of waiting) {
    const record = await deps.cases.get(caseId);
    if (record?.status !== 'closed') continue;
    await deps.redactor.redact(caseId, cause, now);
    await deps.privacy.caseRedacted(id, caseId, now.toISOString());
    await deps.privacy.clearAwaitClose(caseId, id);
  }
  const settled = await deps.privacy.get(id);
  return { status: settled?.status ?? 'pending', cases: caseIds.length, waiting: settled?.waitingFor?.length ?? 0 };
}

/**
 * A case just closed: redact it for every request waiting on it, then let each request know (the last case makes it
 * `completed`). Called by close-case after the case is closed.
 */
export async function redactOnClose(
  deps: { privacy: Pick<PrivacyStore, 'awaitingClose' | 'caseRedacted' | 'clearAwaitClose'>; redactor: PrivacyDeps['redactor'] },
  caseId: string,
  now: Date,
): Promise<void> {
  for (const id of await deps.privacy.awaitingClose(caseId)) {
    const result = await deps.redactor.redact(caseId, { kind: 'request', privacyRequestId: id }, now);
    if (result === 'not_closed') continue;
    await deps.privacy.caseRedacted(id, caseId, now.toISOString());
    await deps.privacy.clearAwaitClose(caseId, id);
  }
}
