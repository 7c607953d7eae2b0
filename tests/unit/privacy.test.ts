import { describe, expect, it } from 'vitest';
import { REDACTED, redactedCaseFields, redactTimelineEntry, retentionDueAt } from '../../functions/domain/privacy.js';
import { parsePolicy } from '../../functions/domain/policy.js';
import { cnPolicy } from '../../functions/policies/cn.js';

describe('redaction rules (functions/domain/privacy.ts)', () => {
  it("replaces a customer's and an operator's words on the timeline, keeps codes, ids and amounts", () => {
    const at = '2026-11-20T10:00:00.000Z';
    expect(redactTimelineEntry({ at, actor: 'customer', event: 'dispute_opened', detail: { reason: 'Call me at 138…', round: 1 } })).toEqual({
      at,
      actor: 'customer',
      event: 'dispute_opened',
      detail: { reason: REDACTED, round: 1 },
    });
    expect(
      redactTimelineEntry({ at, actor: 'operator:ann', event: 'operator_reject', detail: { role: 'agent', reason: 'Mr Li admitted dropping it', amount: 0 } })?.detail,
    ).toEqual({
      role: 'agent',
      reason: REDACTED,
      amount: 0,
    });
    expect(redactTimelineEntry({ at, actor: 'operator:ann', event: 'case_paused', detail: { reason: 'force_majeure', note: 'typhoon near her address' } })?.detail).toEqual({
      reason: REDACTED,
      note: REDACTED,
    });
    // The pipeline's reasons are codes: nothing to redact, the entry is left as it is.
    expect(redactTimelineEntry({ at, actor: 'pipeline', event: 'case_closed', detail: { reason: 'completed', outcome: 'approved' } })).toBeUndefined();
    expect(redactTimelineEntry({ at, actor: 'customer', event: 'cancellation_requested' })).toBeUndefined();
    // Already redacted: nothing to do (redaction runs again harmlessly).
    expect(redactTimelineEntry({ at, actor: 'customer', event: 'dispute_opened', detail: { reason: REDACTED } })).toBeUndefined();
  });

  it('keeps evidence kinds without links, decisions with their rule, drops label and parcel-page links', () => {
    const record = {
      evidence: [{ kind: 'photo', url: 'https://cdn.example.com/li-wei.jpg' }],
      decision: { decision: 'reject', rule: 'operator', reasonCode: 'manual_rejected', reason: 'Mr Li admitted it' },
      operatorDecision: { decision: 'reject', reason: 'Mr Li admitted it', operator: 'ann' },
      review: { openedAt: 'x', proposal: { by: 'ann', reason: 'her third claim', amount: 100 } },
      followUp: { status: 'closed', note: 'spoke to her husband' },
      returnLabel: { instructionId: 'ins-1', labelUrl: 'https://labels.example.com/1.pdf', carrier: 'SF' },
      compensation: { instructionId: 'ins-2', amount: 39900, shipment: { carrier: 'SF', trackingNumber: 'SF1', trackingUrl: 'https://sf.example.com/SF1' } },
    };
    expect(redactedCaseFields(record)).toEqual({
      evidence: [{ kind: 'photo', url: REDACTED }],
      decision: { decision: 'reject', rule: 'operator', reasonCode: 'manual_rejected', reason: REDACTED },
      operatorDecision: { decision: 'reject', reason: REDACTED, operator: 'ann' },
      review: { openedAt: 'x', proposal: { by: 'ann', reason: REDACTED, amount: 100 } },
      followUp: { status: 'closed', note: REDACTED },
      returnLabel: { instructionId: 'ins-1', carrier: 'SF' },
      compensation: { instructionId: 'ins-2', amount: 39900, shipment: { carrier: 'SF', trackingNumber: 'SF1' } },
    });
    const byPolicy = { evidence: [], decision: { decision: 'approve', rule: 'return.no_reason' } };
    expect(redactedCaseFields(byPolicy)).toEqual({});
  });

  it('retention falls due whole days after the close', () => {
    expect(retentionDueAt('2026-01-31T16:00:00.000Z', 365)).toBe('2027-01-31T16:00:00.000Z');
  });

  it('the policy must say how long (CN: 365 days), at least 30 days and at most 10 years', () => {
    expect(parsePolicy(cnPolicy).privacy.retentionDays).toBe(365);
    for (const retentionDays of [29, 3651, 1.5]) expect(() => parsePolicy({ ...cnPolicy, privacy: { retentionDays } }), String(retentionDays)).toThrow();
    const { privacy: _privacy, ...without } = cnPolicy;
    expect(() => parsePolicy(without)).toThrow();
  });
});
