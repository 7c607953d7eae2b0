import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { OpsAlerts } from '../../functions/adapters/ops-alerts.js';
import { ShipmentStore } from '../../functions/adapters/shipment-store.js';
import { startCarrierSimulator, type CarrierSimulator } from '../../local/simulators/carrier.js';
import { closedPort, importFresh, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { carrierLookupConfig, readConfig } from '../../functions/config/functions.js';
import type { ConfigOf } from '../../functions/config/read.js';
import { seedCase, unique } from './fixtures.js';

type Handler = typeof import('../../functions/handlers/carrier-lookup.js')['handler'];

const DAY = 86_400_000;
let env: HandlerEnv;
let carrier: CarrierSimulator;
let handler: Handler;
let createHandler: typeof import('../../functions/handlers/carrier-lookup.js')['createHandler'];
let config: ConfigOf<typeof carrierLookupConfig>;
let cases: CaseStore;

/** A lost-parcel claim for a parcel shipped four days ago and promised two days ago. */
function lostCase(trackingNumber: string, type: 'lost' | 'delayed' = 'lost') {
  const now = Date.now();
  return seedCase(env.db, {
    type,
    record: {
      status: 'in_review',
      shipment: { carrier: 'sf-express', trackingNumber, shippedAt: new Date(now - 4 * DAY).toISOString(), promisedBy: new Date(now - 2 * DAY).toISOString() },
    },
  });
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

beforeAll(async () => {
  env = await startHandlerEnv({});
  carrier = await startCarrierSimulator();
  cases = new CaseStore(env.db, TABLE_NAME);
  // The module's own handler reads the environment at its cold start; the variant below is built from a config object.
  const module = await importFresh(() => import('../../functions/handlers/carrier-lookup.js'), { CARRIER_API_URL: `${carrier.url}/` });
  handler = module.handler;
  createHandler = module.createHandler;
  config = readConfig(carrierLookupConfig, { TABLE_NAME, CARRIER_API_URL: `${carrier.url}/` });
});

afterAll(async () => {
  await carrier?.close();
  await env?.close();
});

describe('carrier-lookup', () => {
  it('SIM-LOST: the carrier confirms the loss → verdict confirmed, recorded on the case', async () => {
    const trackingNumber = unique('SIM-LOST').toUpperCase();
    const { caseId } = await lostCase(trackingNumber);
    const result = await handler({ caseId });
    expect(result).toEqual({ verdict: 'confirmed', rule: 'lost.carrier_confirmed', trackingStatus: 'exception' });
    expect(carrier.lookupCount(trackingNumber)).toBe(1);

    const after = await cases.get(caseId);
    expect(after).toMatchObject({
      status: 'checking_carrier',
      carrier: { status: 'exception', checks: 1, rule: 'lost.carrier_confirmed' },
      decision: { decision: 'approve', rule: 'lost.carrier_confirmed' },
    });
    const events = (await cases.view(caseId))!.timeline.map((e) => e.event);
    expect(events).toContain('carrier_confirmed');
  });

  it("reads the case once: the lookup decides on the record the step read to pick the carrier's provider", async () => {
    const { caseId } = await lostCase(unique('SIM-LOST').toUpperCase());
    // The handler's own CaseStore (its module instance, imported fresh in beforeAll).
    const { CaseStore: HandlerCaseStore } = await import('../../functions/adapters/case-store.js');
    const reads = vi.spyOn(HandlerCaseStore.prototype, 'require');
    try {
      expect(await handler({ caseId })).toMatchObject({ verdict: 'confirmed' });
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
  });

  it("writes the case item once: the status goes in the verdict's conditional write; a case that moved on keeps its status and gets the verdict", async () => {
    const { CaseStore: HandlerCaseStore } = await import('../../functions/adapters/case-store.js');
    const writes = vi.spyOn(HandlerCaseStore.prototype, 'update');
    try {
      const { caseId } = await lostCase(unique('SIM-LOST').toUpperCase());
      await expect(handler({ caseId })).resolves.toMatchObject({ verdict: 'confirmed' });
      expect(writes).toHaveBeenCalledTimes(1);
      expect(writes.mock.calls[0]![2]).toEqual(expect.arrayContaining(['in_review', 'checking_carrier', 'awaiting_carrier']));
      expect(await cases.get(caseId)).toMatchObject({ status: 'checking_carrier', waitingFor: '', outcome: 'approved' });

      // Not in a status a lookup runs from: the condition refuses the status, the verdict is recorded as it always was.
      writes.mockClear();
      const moved = await lostCase(unique('SIM-DELIVERED').toUpperCase());
      await cases.update(moved.caseId, { status: 'needs_attention' });
      await expect(handler({ caseId: moved.caseId })).resolves.toMatchObject({ verdict: 'refuted' });
      expect(await cases.get(moved.caseId)).toMatchObject({ status: 'needs_attention', outcome: 'rejected', carrier: { checks: 1 } });

      // A case that shows a wait stops showing it before the carrier is asked (then the verdict on its own).
      writes.mockClear();
      const waiting = await lostCase(unique('SIM-LOST').toUpperCase());
      await cases.update(waiting.caseId, { status: 'awaiting_review', waitingFor: 'manual_review' });
      writes.mockClear();
      await expect(handler({ caseId: waiting.caseId })).resolves.toMatchObject({ verdict: 'confirmed' });
      expect(writes.mock.calls.map(([, patch]) => Object.keys(patch).sort().join())).toEqual(['status,waitingFor', 'carrier,decision,outcome']);
      expect(await cases.get(waiting.caseId)).toMatchObject({ status: 'checking_carrier', waitingFor: '' });

      // A `received` case (one a duplicate request may still close) leaves that status before the call, as before.
      const received = await lostCase(unique('SIM-LOST').toUpperCase());
      await cases.update(received.caseId, { status: 'received' });
      writes.mockClear();
      await expect(handler({ caseId: received.caseId })).resolves.toMatchObject({ verdict: 'confirmed' });
      expect(writes.mock.calls.map(([, patch]) => Object.keys(patch).sort().join())).toEqual(['status,waitingFor', 'carrier,decision,outcome']);
    } finally {
      writes.mockRestore();
    }
  });

  it('a pending verdict leaves the case in checking_carrier; the recheck from there writes the case item once', async () => {
    const { CaseStore: HandlerCaseStore } = await import('../../functions/adapters/case-store.js');
    const { caseId } = await lostCase(unique('SIM-TRANSIT').toUpperCase());
    await expect(handler({ caseId })).resolves.toMatchObject({ verdict: 'pending' });
    expect(await cases.get(caseId)).toMatchObject({ status: 'checking_carrier', waitingFor: '', carrier: { checks: 1 } });
    const writes = vi.spyOn(HandlerCaseStore.prototype, 'update');
    try {
      await expect(handler({ caseId })).resolves.toMatchObject({ verdict: 'pending' });
      expect(writes.mock.calls.map(([, patch]) => Object.keys(patch).sort().join())).toEqual(['carrier,status,waitingFor']);
      expect(await cases.get(caseId)).toMatchObject({ status: 'checking_carrier', waitingFor: '', carrier: { checks: 2 } });
    } finally {
      writes.mockRestore();
    }
  });

  it('a failed call still leaves the case in checking_carrier for the retries', async () => {
    const { caseId } = await lostCase(unique('SIM-DOWN1-LOST').toUpperCase());
    expect((await failure(handler({ caseId })))?.name).toBe('CarrierUnavailableError');
    expect(await cases.get(caseId)).toMatchObject({ status: 'checking_carrier', waitingFor: '' });
  });

  it('SIM-DOWN…: the carrier API is down → throws CarrierUnavailableError (the workflow retries); recovers later', async () => {
    const trackingNumber = unique('SIM-DOWN1-LOST').toUpperCase();
    const { caseId } = await lostCase(trackingNumber);
    const error = await failure(handler({ caseId }));
    expect(error?.name).toBe('CarrierUnavailableError');
    expect(error?.message).toContain('503');
    expect((await cases.get(caseId))?.carrier).toBeUndefined();

    // The retry after the outage gets the answer.
    await expect(handler({ caseId })).resolves.toMatchObject({ verdict: 'confirmed' });
  });

  it('an unknown tracking number → throws TrackingNotFoundError, after flagging the case for an operator', async () => {
    const trackingNumber = unique('SF').toUpperCase();
    const { caseId } = await lostCase(trackingNumber);
    const error = await failure(handler({ caseId }));
    expect(error?.name).toBe('TrackingNotFoundError');
    const view = (await cases.view(caseId))!;
    expect(view.case.trackingIssue).toMatchObject({ reason: 'tracking_not_found', role: 'outbound', carrier: 'sf-express', trackingNumber });
    expect(view.timeline.map((e) => e.event)).toContain('tracking_issue');
    // Operators are told once, with the case id; a retry of the step does not tell them again.
    expect((await failure(handler({ caseId })))?.name).toBe('TrackingNotFoundError');
    const alerts = (await new OpsAlerts(env.db, TABLE_NAME).recent(100)).filter((a) => a.caseId === caseId);
    expect(alerts).toEqual([expect.objectContaining({ kind: 'tracking_not_found', detail: { carrier: 'sf-express' } })]);
    expect(JSON.stringify(alerts)).not.toContain(trackingNumber);
  });

  it('a delivered parcel refutes a loss claim', async () => {
    const { caseId } = await lostCase(unique('SIM-DELIVERED').toUpperCase());
    await expect(handler({ caseId })).resolves.toMatchObject({ verdict: 'refuted', rule: 'lost.carrier_delivered', reasonCode: 'carrier_delivered', trackingStatus: 'delivered' });
    expect(await cases.get(caseId)).toMatchObject({ outcome: 'rejected', decision: { decision: 'reject', reasonCode: 'carrier_delivered' } });
  });

  it('a parcel still moving leaves the claim pending and counts the check', async () => {
    const { caseId } = await lostCase(unique('SIM-TRANSIT').toUpperCase());
    await expect(handler({ caseId })).resolves.toMatchObject({ verdict: 'pending', rule: 'lost.awaiting_carrier' });
    await expect(handler({ caseId })).resolves.toMatchObject({ verdict: 'pending' });
    expect((await cases.get(caseId))?.carrier?.checks).toBe(2);
    // After the policy's last check, an unconfirmed loss is decided.
    await expect(handler({ caseId })).resolves.toMatchObject({ verdict: 'refuted', reasonCode: 'loss_not_confirmed' });
  });

  it('a global outage and an unreachable carrier API are CarrierUnavailableError too', async () => {
    const { caseId } = await lostCase(unique('SIM-LOST').toUpperCase());
    carrier.setOutage(true);
    try {
      expect((await failure(handler({ caseId })))?.name).toBe('CarrierUnavailableError');
    } finally {
      carrier.setOutage(false);
    }
    const offline = createHandler({ ...config, CARRIER_API_URL: `http://127.0.0.1:${await closedPort()}/` });
    expect((await failure(offline({ caseId })))?.name).toBe('CarrierUnavailableError');
  });

  it('an unknown case is CaseNotFoundError', async () => {
    expect((await failure(handler({ caseId: 'AS-0000000000AB' })))?.name).toBe('CaseNotFoundError');
  });
});

describe('carrier-lookup: the provider stopped tracking the parcel (TRACKING_STOPPED)', () => {
  /** Three lookups of a parcel still moving: the third is the policy's last check, where silence would refute. */
  async function lastCheck(caseId: string) {
    await expect(handler({ caseId })).resolves.toMatchObject({ verdict: 'pending' });
    await expect(handler({ caseId })).resolves.toMatchObject({ verdict: 'pending' });
    return failure(handler({ caseId }));
  }

  it('the watched shipment is flagged: no verdict from silence, the case goes to an operator with the reason', async () => {
    const trackingNumber = unique('SIM-TRANSIT').toUpperCase();
    const { caseId } = await lostCase(trackingNumber);
    const shipments = new ShipmentStore(env.db, TABLE_NAME);
    const key = await shipments.watch({ carrier: 'sf-express', trackingNumber, provider: '17track', watcher: { role: 'outbound', caseId } }, new Date());
    expect(await shipments.flagTrackingIssue(key, 'tracking_stopped', new Date())).toBe(true);

    expect((await lastCheck(caseId))?.name).toBe('TrackingStoppedError');
    const view = (await cases.view(caseId))!;
    expect(view.case).toMatchObject({ carrier: { checks: 3, rule: 'lost.tracking_stopped' } });
    expect(view.case.decision).toBeUndefined();
    expect(view.case.outcome).toBeUndefined();
    expect(view.timeline).toContainEqual(expect.objectContaining({ event: 'carrier_manual', detail: expect.objectContaining({ rule: 'lost.tracking_stopped' }) }));
    const alerts = (await new OpsAlerts(env.db, TABLE_NAME).recent(100)).filter((a) => a.caseId === caseId);
    expect(alerts).toEqual([expect.objectContaining({ kind: 'tracking_stopped', detail: expect.objectContaining({ carrier: 'sf-express' }) })]);
    expect(JSON.stringify(alerts)).not.toContain(trackingNumber);
  });

  it("the case's own trackingIssue says so too; an explicit lost status still confirms", async () => {
    const stoppedIssue = (trackingNumber: string) => ({ reason: 'tracking_stopped', role: 'outbound', carrier: 'sf-express', trackingNumber, at: new Date().toISOString() });
    const moving = unique('SIM-TRANSIT').toUpperCase();
    const { caseId } = await lostCase(moving);
    await cases.update(caseId, { trackingIssue: stoppedIssue(moving) });
    expect((await lastCheck(caseId))?.name).toBe('TrackingStoppedError');

    const lost = unique('SIM-LOST').toUpperCase();
    const { caseId: lostId } = await lostCase(lost);
    await cases.update(lostId, { trackingIssue: stoppedIssue(lost) });
    await expect(handler({ caseId: lostId })).resolves.toMatchObject({ verdict: 'confirmed', rule: 'lost.carrier_confirmed' });
  });
});

describe('carrier-lookup: an outage beyond the retries', () => {
  const alertsOf = async (caseId: string) => (await new OpsAlerts(env.db, TABLE_NAME).recent(100)).filter((a) => a.caseId === caseId);
  /** The simulator provider's outage alerts opened since `since`. */
  const outageAlerts = async (since: string) =>
    (await new OpsAlerts(env.db, TABLE_NAME).recent(100)).filter((a) => a.kind === 'carrier_provider_down' && a.detail?.provider === 'simulator' && a.at >= since);
  const outageRound = (caseId: string) => handler({ caseId, outage: { Error: 'CarrierUnavailableError', Cause: '{"errorMessage":"AfterShip API answered 503"}' } });

  it("the case waits visibly in awaiting_carrier, counted once on its provider's outage alert however many rounds, and carries on when the carrier answers", async () => {
    const since = new Date().toISOString();
    const { caseId } = await lostCase(unique('SIM-LOST').toUpperCase());
    carrier.setOutage(true);
    try {
      expect((await failure(handler({ caseId })))?.name).toBe('CarrierUnavailableError');
      // The workflow's catch: CarrierUnavailable, then a wait, then the lookup again (which fails again), twice.
      for (let round = 0; round < 2; round++) {
        await expect(outageRound(caseId)).resolves.toEqual({ waiting: true });
        expect(await cases.get(caseId)).toMatchObject({ status: 'awaiting_carrier', waitingFor: 'carrier', carrierOutage: { error: 'CarrierUnavailableError' } });
        expect((await failure(handler({ caseId })))?.name).toBe('CarrierUnavailableError');
      }
    } finally {
      carrier.setOutage(false);
    }
    expect(await alertsOf(caseId)).toEqual([]); // no alert per case
    expect(await outageAlerts(since)).toEqual([expect.objectContaining({ count: 1, message: expect.stringContaining('1 case wait') })]);

    await expect(handler({ caseId })).resolves.toMatchObject({ verdict: 'confirmed', rule: 'lost.carrier_confirmed' });
    const view = (await cases.view(caseId))!;
    expect(view.case).toMatchObject({ status: 'checking_carrier', carrierOutage: { since: expect.any(String), endedAt: expect.any(String) } });
    const events = view.timeline.map((e) => e.event);
    expect(events.filter((e) => e === 'carrier_unavailable')).toHaveLength(1);
    expect(events).toEqual(expect.arrayContaining(['carrier_available', 'carrier_confirmed']));
    // The provider answered: the same alert is closed.
    expect(await outageAlerts(since)).toEqual([expect.objectContaining({ count: 1, resolvedAt: expect.any(String) })]);
  });

  it('a later outage is a new alert, the earlier one staying closed', async () => {
    const since = new Date().toISOString();
    const { caseId } = await lostCase(unique('SIM-TRANSIT').toUpperCase());
    await outageRound(caseId);
    await handler({ caseId });
    await outageRound(caseId);
    const alerts = await outageAlerts(since);
    expect(alerts).toHaveLength(2);
    expect(alerts.filter((a) => a.resolvedAt)).toHaveLength(1);
    expect(alerts.map((a) => a.count)).toEqual([1, 1]);
    await handler({ caseId }); // ends it, for the tests after this one
  });

  it('20 cases waiting on a failed provider: one alert naming 20 cases, updated as each went to wait, closed when the provider answers', async () => {
    const since = new Date().toISOString();
    const waiting = await Promise.all(Array.from({ length: 20 }, () => lostCase(unique('SIM-LOST').toUpperCase())));
    carrier.setOutage(true);
    try {
      // All at once, as the workflow's executions would: their lookups fail, then each goes to wait.
      await Promise.all(waiting.map(async ({ caseId }) => expect((await failure(handler({ caseId })))?.name).toBe('CarrierUnavailableError')));
      await Promise.all(waiting.map(({ caseId }) => outageRound(caseId)));
      await outageRound(waiting[0]!.caseId); // a second round of one case counts it once
    } finally {
      carrier.setOutage(false);
    }
    const [alert, ...others] = await outageAlerts(since);
    expect(others).toEqual([]);
    expect(alert).toMatchObject({ count: 20, detail: { provider: 'simulator', waitingCases: 20 }, message: expect.stringContaining('20 cases wait') });
    expect(alert!.resolvedAt).toBeUndefined();
    for (const { caseId } of waiting) expect(await alertsOf(caseId)).toEqual([]);

    await expect(handler({ caseId: waiting[0]!.caseId })).resolves.toMatchObject({ verdict: 'confirmed' });
    expect(await outageAlerts(since)).toEqual([
      expect.objectContaining({ id: alert!.id, count: 20, resolvedAt: expect.any(String), message: expect.stringContaining('answers again') }),
    ]);
  });
});

describe("provider outage alert: messages to the operators' topic", () => {
  it('an outage of 20 cases sends three messages (opened, 10 waiting, recovered), not one per case', async () => {
    const { ProviderHealthStore } = await import('../../functions/adapters/provider-health.js');
    const { caseWaitsForProvider, reportProviderCall } = await import('../../functions/use-cases/tracking/provider-health.js');
    const published: Array<{ Subject?: string; Message?: string }> = [];
    const sns = {
      client: { send: async (command: { input: { Subject?: string; Message?: string } }) => published.push(command.input) },
      topicArn: 'arn:aws:sns:us-east-1:000000000000:ops',
    };
    const deps = { health: new ProviderHealthStore(env.db, TABLE_NAME), alerts: new OpsAlerts(env.db, TABLE_NAME, sns as never), outageAlertSeconds: 3600 };
    const provider = unique('provider');
    const now = new Date();
    for (let i = 0; i < 20; i++) {
      await reportProviderCall(deps, provider, { ok: false, error: 'CarrierUnavailableError: 503' }, now);
      await caseWaitsForProvider(deps, provider, `AS-CASE${String(i).padStart(8, '0')}`, now);
    }
    await reportProviderCall(deps, provider, { ok: true }, new Date());
    expect(published.map((m) => [m.Subject, (JSON.parse(m.Message!) as { count: number }).count])).toEqual([
      ['[after-sales] carrier_provider_down', 1],
      ['[after-sales] carrier_provider_down', 10],
      ['[after-sales] carrier_provider_recovered', 20],
    ]);
    const stored = (await deps.alerts.recent(100)).filter((a) => a.detail?.provider === provider);
    expect(stored).toEqual([expect.objectContaining({ count: 20, resolvedAt: expect.any(String) })]);
  });
});
