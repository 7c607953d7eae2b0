import type { Router } from '@aws-lambda-powertools/event-handler/http';
import type { AccessLog } from '../adapters/access-log.js';
import type { PrivacyStore } from '../adapters/privacy-store.js';
import { IDENTIFIER_PATTERN } from '../domain/identifiers.js';
import { EXPORT_FORMAT } from '../use-cases/privacy/customer-export.js';
import { operatorOf } from './ops-auth.js';

type Reply = (status: number, body: unknown) => Response;

const ROUTE = 'GET /ops/privacy/{privacyRequestId}';

/**
 * `GET /ops/privacy/{privacyRequestId}` (supervisors; docs/privacy.md): a privacy request's progress and audit trail,
 * and, once an export is `ready` (for EXPORT_DAYS, then it is deleted), the export itself, less the parts a later
 * redaction erased (`erasedParts`: caseIds, WATCHED_PARCELS; `export_erased` on the trail). Reading an export is
 * reading personal data: each read is put in the access log for every case it holds, and on the request's own
 * trail, before the export is read.
 */
export function registerPrivacyRoutes(app: Router, deps: { privacy: PrivacyStore; accessLog: Pick<AccessLog, 'record'> }, reply: Reply): void {
  const notFound = () => reply(404, { error: 'privacy_request_not_found', message: 'No privacy request has this id.' });

  app.get('/ops/privacy/:privacyRequestId', async ({ params, event }) => {
    const id = params.privacyRequestId ?? '';
    if (!id || id.length > 128 || !IDENTIFIER_PATTERN.test(id)) return notFound();
    const request = await deps.privacy.get(id);
    if (!request) return notFound();
    const operator = operatorOf(event);
    const at = new Date().toISOString();
    const { history, ...progress } = request;
    const expired = request.exportExpiresAt !== undefined && request.exportExpiresAt <= at;
    const showsExport = request.kind === 'export' && request.status === 'ready' && !expired;
    if (showsExport) {
      // A case's part a later redaction erased is not read any more (the request lists it in `erasedParts`).
      const erased = new Set(request.erasedParts ?? []);
      for (const caseId of (request.caseIds ?? []).filter((c) => !erased.has(c))) {
        await deps.accessLog.record({ at, operator: operator.name, role: operator.role, caseId, read: ['privacy_export'], route: ROUTE });
      }
    }
    await deps.privacy.noteRead(id, operator.name, operator.role, at);
    const body: Record<string, unknown> = {
      ...progress,
      ...(expired ? { exportExpired: true } : {}),
      history: [...history, { at, event: 'read', operator: operator.name, role: operator.role }],
    };
    if (showsExport) {
      const parts = await deps.privacy.exportParts(id);
      body.export = {
        format: EXPORT_FORMAT,
        privacyRequestId: id,
        customerId: request.customerId,
        ...(request.orderIds ? { orderIds: request.orderIds } : {}),
        generatedAt: request.completedAt,
        cases: parts.filter((p) => p.part !== 'WATCHED_PARCELS').map((p) => p.data),
        watchedParcels: parts.find((p) => p.part === 'WATCHED_PARCELS')?.data ?? [],
      };
    }
    return reply(200, body);
  });
}
