/**
 * Markets (issue 12): each case is decided under its own market's policy and calendar (order.market), a case without
 * one under the deployment's default market (POLICY_MARKET, default CN), and every decision names the market and the
 * policy version it was made under. A second, test-only market (tests/test-market.ts: a 14-day no-reason window, EUR,
 * lower operator limits, a weekdays-only calendar in Europe/Berlin) is registered by mocking the market registry.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CaseRecord } from '../../functions/domain/case-record.js';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { DedupeStore } from '../../functions/adapters/dedupe-store.js';
import { OpsAlerts } from '../../functions/adapters/ops-alerts.js';
import { ReportCounters } from '../../functions/adapters/report-counters.js';
import { SlaStore } from '../../functions/adapters/sla-store.js';
import { WaitStore } from '../../functions/adapters/wait-store.js';
import type { CaseWorkflow } from '../../functions/adapters/workflow.js';
import { caseIdFor } from '../../functions/domain/case-id.js';
import { createMarkets } from '../../functions/domain/markets.js';
import { localDateOf } from '../../functions/domain/working-days.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { MARKET_REGISTRY } from '../../functions/policies/index.js';
import { applyIntakeEvent, type IntakeDeps } from '../../functions/use-cases/apply-intake-event.js';
import { startServiceClock } from '../../functions/use-cases/sla-clock.js';
import { runSlaMonitor } from '../../functions/use-cases/sla-monitor.js';
import { slaIndexPlace, type ServiceSla } from '../../functions/domain/sla.js';
import { TEST_MARKET, testMarketPolicy } from '../test-market.js';
import { closeCaseConfig, opsApiConfig, privacyRetentionConfig, readConfig, reviewConfig } from '../../functions/config/functions.js';
import { callOpsApi, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { requestedEvent, seedCase, unique } from './fixtures.js';

vi.mock('../../functions/policies/index.js', async (importOriginal) =>
  (await import('../test-market.js')).withTestMarketPolicies(await importOriginal<typeof import('../../functions/policies/index.js')>()),
);

const DAY = 86_400_000;
const OPS_TOKEN = 'ops-token-for-market-tests-5e1a';
let env: HandlerEnv;
let cases: CaseStore;

beforeAll(async () => {
  env = await startHandlerEnv({});
  cases = new CaseStore(env.db, TABLE_NAME);
});

afterAll(async () => {
  await env?.close();
});

/** A no-reason return of the keyboard, delivered `daysAgo` days ago, in `market` (none: a case from before markets). */
const returnDelivered = (daysAgo: number, market?: string, extra: Partial<CaseRecord> = {}) =>
  seedCase(env.db, {
    record: {
      status: 'in_review',
      ...(market ? { market } : {}),
      currency: market === TEST_MARKET ? 'EUR' : 'CNY',
      shipment: {
        carrier: 'sf-express',
        trackingNumber: unique('SF'),
        shippedAt: new Date(Date.now() - (daysAgo + 2) * DAY).toISOString(),
        promisedBy: new Date(Date.now() - (daysAgo + 1) * DAY).toISOString(),
        deliveredAt: new Date(Date.now() - daysAgo * DAY).toISOString(),
      },
      ...extra,
    },
  });

const timelineOf = async (caseId: string) => (await cases.view(caseId))!.timeline;

describe('the policy review decides each case under its own market', () => {
  let review: typeof import('../../functions/handlers/review.js')['handler'];
  beforeAll(async () => {
    // The default market unset (CN); the variants below set it in their own configurations.
    review = (await import('../../functions/handlers/review.js')).createHandler(readConfig(reviewConfig, { TABLE_NAME }));
  });

  it('the same return, 10 days after delivery: refused under CN (7 days), approved under the test market (14 days)', async () => {
    const cn = await returnDelivered(10, 'CN');
    const qz = await returnDelivered(10, TEST_MARKET);
    await expect(review({ caseId: cn.caseId })).resolves.toEqual({ decision: 'reject', rule: 'return.no_reason_window', reasonCode: 'window_expired' });
    await expect(review({ caseId: qz.caseId })).resolves.toEqual({ decision: 'approve', rule: 'return.no_reason_window' });
  });

  it('records the market and the policy version with the decision, on the case and its timeline', async () => {
    const cn = await returnDelivered(3, 'CN');
    const qz = await returnDelivered(3, TEST_MARKET);
    await review({ caseId: cn.caseId });
    await review({ caseId: qz.caseId });
    expect((await cases.get(cn.caseId))!.decision).toMatchObject({ decision: 'approve', market: 'CN', policyVersion: cnPolicy.version });
    expect((await cases.get(qz.caseId))!.decision).toMatchObject({ decision: 'approve', market: TEST_MARKET, policyVersion: testMarketPolicy.version });
    expect((await timelineOf(qz.caseId)).find((e) => e.event === 'review_approve')!.detail).toEqual({
      rule: 'return.no_reason_window',
      market: TEST_MARKET,
      policyVersion: testMarketPolicy.version,
    });
    expect((await timelineOf(cn.caseId)).find((e) => e.event === 'review_approve')!.detail).toMatchObject({ market: 'CN', policyVersion: cnPolicy.version });
  });

  it('a case without a market is decided under the default market: CN, or POLICY_MARKET', async () => {
    const old = await returnDelivered(10);
    await expect(review({ caseId: old.caseId })).resolves.toMatchObject({ decision: 'reject' });
    expect((await cases.get(old.caseId))!.decision).toMatchObject({ market: 'CN' });

    const { createHandler } = await import('../../functions/handlers/review.js');
    const underTestMarket = createHandler(readConfig(reviewConfig, { TABLE_NAME, POLICY_MARKET: TEST_MARKET }));
    const other = await returnDelivered(10);
    await expect(underTestMarket({ caseId: other.caseId })).resolves.toMatchObject({ decision: 'approve' });
    expect((await cases.get(other.caseId))!.decision).toMatchObject({ market: TEST_MARKET, policyVersion: testMarketPolicy.version });
  });

  it('a deployment whose default market has no policy does not start', async () => {
    const { createHandler } = await import('../../functions/handlers/review.js');
    await expect(async () => createHandler(readConfig(reviewConfig, { TABLE_NAME, POLICY_MARKET: 'ZZ' }))).rejects.toThrow(/no after-sales policy for the default market ZZ/);
  });
});

describe('intake: the case keeps its market', () => {
  const deps = (defaultMarket: string): IntakeDeps => ({
    cases,
    waits: new WaitStore(env.db, TABLE_NAME),
    dedupe: new DedupeStore(env.db, TABLE_NAME),
    workflow: { start: async () => undefined } as unknown as CaseWorkflow,
    notices: () => {
      throw new Error('no notice expected');
    },
    sla: new SlaStore(env.db, TABLE_NAME),
    alerts: new OpsAlerts(env.db, TABLE_NAME),
    reports: new ReportCounters(env.db, TABLE_NAME),
    markets: createMarkets(MARKET_REGISTRY, defaultMarket),
  });
  const open = async (defaultMarket: string, order: Record<string, unknown>) => {
    const base = requestedEvent();
    const event = { ...base, data: { ...base.data, order: { ...base.data.order, ...order } } };
    const caseId = caseIdFor(String(event.data.requestId));
    await applyIntakeEvent(deps(defaultMarket), { webhookId: unique('msg'), caseId, receivedAt: new Date().toISOString(), event: event as never }, new Date());
    return (await cases.view(caseId))!;
  };

  it('order.market is stored on the case and on its case_received entry', async () => {
    const view = await open('CN', { market: TEST_MARKET, currency: 'EUR' });
    expect(view.case.market).toBe(TEST_MARKET);
    expect(view.timeline.find((e) => e.event === 'case_received')!.detail).toMatchObject({ market: TEST_MARKET });
  });

  it('without order.market the deployment’s default market is stored, so a later change of the default does not move the case', async () => {
    expect((await open('CN', {})).case.market).toBe('CN');
    expect((await open(TEST_MARKET, { currency: 'EUR' })).case.market).toBe(TEST_MARKET);
  });
});

describe('the service clock runs on the case’s market’s calendar', () => {
  it('a return arriving Tuesday 2026-09-29 22:00 in Berlin: 7 weekdays in Berlin under the test market; past Golden Week under CN', async () => {
    const markets = createMarkets(MARKET_REGISTRY, 'CN');
    const deps = { cases, sla: new SlaStore(env.db, TABLE_NAME), alerts: new OpsAlerts(env.db, TABLE_NAME), markets };
    const arrival = new Date('2026-09-29T20:00:00Z');
    const qz = await seedCase(env.db, { record: { status: 'compensating', market: TEST_MARKET, currency: 'EUR' } });
    const cn = await seedCase(env.db, { record: { status: 'compensating', market: 'CN' } });
    const qzClock = (await startServiceClock(deps, qz.caseId, arrival, arrival))!;
    const cnClock = (await startServiceClock(deps, cn.caseId, arrival, arrival))!;
    // Wed 30, Thu 1, Fri 2, Mon 5, Tue 6, Wed 7, Thu 8 October: the end of Thursday in Berlin (CEST, UTC+2).
    expect(qzClock).toMatchObject({ workingDays: 7, dueAt: '2026-10-08T21:59:59.999Z' });
    // In Shanghai the parcel arrived on Wednesday the 30th; 1-7 October are the National Day holidays.
    expect(localDateOf(new Date(cnClock.dueAt!), 'Asia/Shanghai') > '2026-10-09').toBe(true);
    expect(cnClock.dueAt).not.toBe(qzClock.dueAt);
  });
});

describe('operator decisions: each market’s limits, recorded with the market and policy version', () => {
  let opsApi: typeof import('../../functions/handlers/ops-api.js')['handler'];
  beforeAll(async () => {
    opsApi = (await import('../../functions/handlers/ops-api.js')).createHandler(readConfig(opsApiConfig, { TABLE_NAME }));
  });
  const inReview = (market: string) => {
    const openedAt = new Date().toISOString();
    return returnDelivered(2, market, {
      status: 'awaiting_review',
      review: { openedAt, reminderAt: openedAt, escalateAt: openedAt, reasonCode: 'operator_review' },
    });
  };
  const decide = (role: 'agent' | 'supervisor', caseId: string, amount: number) =>
    callOpsApi(opsApi, OPS_TOKEN, 'POST', `/ops/cases/${caseId}/decision`, {
      operator: { name: `${role}-1`, role },
      body: JSON.stringify({ decision: 'approve', reason: 'goodwill', remedy: 'partial_refund', amount }),
    });

  it('an agent may approve 60.00 under CN (limit 2000.00) but not under the test market (limit 50.00)', async () => {
    const cn = await inReview('CN');
    const qz = await inReview(TEST_MARKET);
    expect(await decide('agent', cn.caseId, 6000)).toMatchObject({ status: 202 });
    expect(await decide('agent', qz.caseId, 6000)).toMatchObject({ status: 403, json: { error: 'forbidden', needs: 'supervisor' } });
    expect((await cases.get(cn.caseId))!.decision).toMatchObject({ rule: 'operator', market: 'CN', policyVersion: cnPolicy.version });
    expect((await timelineOf(cn.caseId)).find((e) => e.event === 'operator_approve')!.detail).toMatchObject({ market: 'CN', policyVersion: cnPolicy.version, amount: 6000 });
  });

  it('a supervisor’s 120.00 is a decision under CN, and a four-eyes proposal under the test market (above 100.00)', async () => {
    const cn = await inReview('CN');
    const qz = await inReview(TEST_MARKET);
    const decided = await decide('supervisor', cn.caseId, 12000);
    expect(decided).toMatchObject({ status: 202 });
    expect(decided.json.proposal).toBeUndefined();
    const proposed = await decide('supervisor', qz.caseId, 12000);
    expect(proposed).toMatchObject({ status: 202, json: { proposal: { amount: 12000 } } });
    expect((await timelineOf(qz.caseId)).find((e) => e.event === 'operator_proposed')!.detail).toMatchObject({ market: TEST_MARKET, policyVersion: testMarketPolicy.version });
    const confirmed = await callOpsApi(opsApi, OPS_TOKEN, 'POST', `/ops/cases/${qz.caseId}/decision`, {
      operator: { name: 'supervisor-2', role: 'supervisor' },
      body: JSON.stringify({ decision: 'confirm' }),
    });
    expect(confirmed.status).toBe(202);
    expect((await cases.get(qz.caseId))!.decision).toMatchObject({ decision: 'approve', market: TEST_MARKET, policyVersion: testMarketPolicy.version });
    const view = await callOpsApi(opsApi, OPS_TOKEN, 'GET', `/ops/cases/${qz.caseId}`, { operator: { name: 'vic', role: 'viewer' } });
    expect(view.json.order).toMatchObject({ market: TEST_MARKET, currency: 'EUR' });
  });
});

describe('privacy retention: each closed case is kept for its own market’s retentionDays', () => {
  it('the test market’s case (90 days) is redacted after 91 days; the CN case (365 days) only after a year', async () => {
    const close = (await import('../../functions/handlers/close-case.js')).createHandler(readConfig(closeCaseConfig, { TABLE_NAME }));
    const retention = (await import('../../functions/handlers/privacy-retention.js')).createHandler(readConfig(privacyRetentionConfig, { TABLE_NAME }));
    const cn = await seedCase(env.db, { record: { status: 'resolved', market: 'CN' } });
    const qz = await seedCase(env.db, { record: { status: 'resolved', market: TEST_MARKET, currency: 'EUR' } });
    await close({ caseId: cn.caseId, reason: 'completed' });
    await close({ caseId: qz.caseId, reason: 'completed' });
    const closedAt = Date.parse((await cases.get(cn.caseId))!.closedAt!);

    await retention({ time: new Date(closedAt + 91 * DAY).toISOString() });
    expect(await cases.get(qz.caseId)).toMatchObject({ redaction: { kind: 'retention', retentionDays: testMarketPolicy.privacy.retentionDays } });
    expect((await cases.get(cn.caseId))!.redactedAt).toBeUndefined();

    await retention({ time: new Date(closedAt + (cnPolicy.privacy.retentionDays + 1) * DAY).toISOString() });
    expect(await cases.get(cn.caseId)).toMatchObject({ redaction: { kind: 'retention', retentionDays: cnPolicy.privacy.retentionDays } });
  });
});

describe('the SLA monitor warns each case by its own market’s working hours', () => {
  it('Thursday 1 October 2026: a clock due Monday the 5th is due soon in CN (National Day holidays until the 7th), not yet in the test market (24 working hours reach Friday)', async () => {
    const sla = new SlaStore(env.db, TABLE_NAME);
    const markets = createMarkets(MARKET_REGISTRY, 'CN');
    const now = new Date('2026-10-01T12:00:00Z');
    const dueAt = '2026-10-05T12:00:00.000Z';
    const running = async (market: string) => {
      const seeded = await seedCase(env.db, { record: { status: 'compensating', market, currency: market === TEST_MARKET ? 'EUR' : 'CNY' } });
      const clock: ServiceSla = {
        service: 'return',
        startsAt: 'arrival',
        startedAt: '2026-09-25T02:00:00.000Z',
        expedited: false,
        workingDays: 7,
        state: 'running',
        pauses: [],
        baseDueAt: dueAt,
        dueAt,
      };
      expect(await sla.write(seeded.caseId, seeded.record.version, { set: { sla: clock, dueAt }, index: slaIndexPlace(clock, undefined), at: now.toISOString() })).toBe(true);
      return seeded.caseId;
    };
    const cn = await running('CN');
    const qz = await running(TEST_MARKET);
    const report = await runSlaMonitor({ cases, sla, alerts: new OpsAlerts(env.db, TABLE_NAME), markets, metrics: { count: () => undefined } }, now);
    expect(report.dueSoon).toContain(cn);
    expect(report.dueSoon).not.toContain(qz);
    expect((await cases.get(qz))!.sla!.state).toBe('running');
    // On Friday afternoon in Berlin, Monday noon is within one working day: now it is due soon there too.
    const friday = await runSlaMonitor({ cases, sla, alerts: new OpsAlerts(env.db, TABLE_NAME), markets, metrics: { count: () => undefined } }, new Date('2026-10-02T13:00:00Z'));
    expect(friday.dueSoon).toContain(qz);
  });
});
