import type { CaseRepository } from '../ports.js';
import type { Markets } from '../../domain/markets.js';
import { applyPrivacyRequest, type PrivacyDeps, type PrivacyOutcome } from './apply-privacy-request.js';
import { afterCaseClosed } from './retention.js';

/**
 * What the intake consumer does about privacy (docs/privacy.md): carry out a privacy request the webhook accepted, and
 * file a case it closes (a duplicate request) for retention and waiting redactions. Both are rare on the intake: the
 * consumer loads this, the privacy store and the redaction code with the first one (handlers/start-case.ts).
 */
export interface IntakePrivacy {
  applyRequest(privacyRequestId: string, now: Date): Promise<PrivacyOutcome>;
  afterClose(closing: { caseId: string; market?: string }, closedAt: string, now: Date): Promise<void>;
}

export function intakePrivacy(deps: Omit<PrivacyDeps, 'cases'> & { cases: CaseRepository; markets: Pick<Markets, 'of'> }): IntakePrivacy {
  return {
    applyRequest: (privacyRequestId, now) => applyPrivacyRequest(deps, privacyRequestId, now),
    afterClose: (closing, closedAt, now) => afterCaseClosed(deps, closing, closedAt, now),
  };
}
