import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requestedEvent } from '../../scripts/example-cases.js';
import type { LocalCarrierProvider } from '../../local/config.js';
import { isSettled, startHarness, type Harness } from './harness.js';

/**
 * A tracking provider's real adapter end to end on the local runtime (CARRIER_PROVIDER=aftership|17track|kuaidi100):
 * the carrier simulator speaks that provider's published protocol (AfterShip Tracking API, 17TRACK v2.4 register /
 * gettrackinfo and its signed webhook, Kuaidi100 query.do, the /poll subscription and its signed push).
 * One provider per test file: a file's handlers keep their module state (clients, trackers) for one runtime.
 */
const uniq = () => randomUUID().slice(0, 8).toUpperCase();

/** How each provider confirms a lost parcel: AfterShip and 17TRACK say so; Kuaidi100 has no lost state, so no scan for days. */
const LOST_RULE: Record<LocalCarrierProvider, string> = { aftership: 'lost.carrier_confirmed', '17track': 'lost.carrier_confirmed', kuaidi100: 'lost.no_scan' };

export function providerSuite(provider: LocalCarrierProvider): void {
  describe(`CARRIER_PROVIDER=${provider}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({}, { carrierProvider: provider });
    });
    afterAll(async () => {
      await h?.stop();
    });

    it('a lost-parcel case closes: the loss confirmed through the provider, reshipped', async () => {
      const trackingNumber = `SIM-LOST-${uniq()}`;
      const accepted = await h.platform.send(requestedEvent({ caseType: 'lost', trackingNumber }));
      expect(accepted.status).toBe(202);
      const view = await h.ops.waitFor(String(accepted.body.caseId), isSettled, 90_000);
      expect(view).toMatchObject({ status: 'closed', outcome: 'approved', type: 'lost', remedy: 'reship' });
      expect(view.decision.rule).toBe(LOST_RULE[provider]);
      expect(view.trackingIssue).toBeUndefined();
      expect(h.pipeline.carrier.lookupCount(trackingNumber)).toBeGreaterThan(0);
    }, 120_000);

    it.runIf(provider !== 'aftership')(
      'a watched return is pushed by the provider and resumes its case (Kuaidi100: after the pipeline subscribed it)',
      async () => {
        const event = requestedEvent({ caseType: 'return' });
        const caseId = String((await h.platform.send(event)).body.caseId);
        await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_return');
        const trackingNumber = `SIM-RETURN3-${uniq()}`;
        await h.platform.send({ type: 'return.shipped', data: { requestId: event.data.requestId, carrier: 'SF', trackingNumber } });

        const view = await h.ops.waitFor(caseId, isSettled, 90_000);
        expect(view).toMatchObject({ status: 'closed', outcome: 'approved', remedy: 'refund' });
        expect(view.timeline.find((e: any) => e.event === 'return_received')).toMatchObject({ actor: 'carrier' });
        if (provider === 'kuaidi100') expect(h.pipeline.carrier.kuaidi100Subscriptions()).toContain(trackingNumber.toUpperCase());
        // The provider's pushes were signed as it documents and accepted.
        const pushes = h.pipeline.carrier.pushes().filter((p) => p.trackingNumber === trackingNumber);
        expect(pushes.length).toBeGreaterThan(0);
        expect(pushes.every((p) => p.status === 200)).toBe(true);
      },
      120_000,
    );

    it.runIf(provider === '17track')(
      'TRACKING_STOPPED flags the watching case and alerts operators once; the case keeps waiting, not judged on the silence, and a lost claim on the number goes to an operator unpaid',
      async () => {
        const event = requestedEvent({ caseType: 'return' });
        const caseId = String((await h.platform.send(event)).body.caseId);
        await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_return');
        const trackingNumber = `SIM-STOPPED-TRANSIT-${uniq()}`;
        await h.platform.send({ type: 'return.shipped', data: { requestId: event.data.requestId, carrier: 'SF', trackingNumber } });
        const view = await h.ops.waitFor(caseId, (v) => v.trackingIssue?.reason === 'tracking_stopped', 60_000);
        expect(view).toMatchObject({ status: 'awaiting_return', trackingIssue: { role: 'return', carrier: 'SF', trackingNumber } });
        // The simulator logs a push once its answer arrives, which can be just after the case shows the flag.
        const stopped = await vi.waitFor(
          () => {
            const logged = h.pipeline.carrier.pushes().filter((p) => p.trackingNumber === trackingNumber && p.tag === 'TRACKING_STOPPED');
            expect(logged.length).toBeGreaterThan(0);
            return logged;
          },
          { timeout: 10_000, interval: 100 },
        );
        expect(stopped.every((p) => p.status === 200)).toBe(true);
        // The alert is raised just after the case is flagged: wait for it, then it is the only one.
        const stoppedAlerts = async () => {
          const response = await fetch(`${h.pipeline.urls.api}/ops/alerts`, { headers: { authorization: `Bearer ${h.pipeline.config.opsToken}` } });
          const { alerts } = (await response.json()) as { alerts: Array<{ kind: string; caseId?: string }> };
          return alerts.filter((a) => a.kind === 'tracking_stopped' && a.caseId === caseId);
        };
        await vi.waitFor(async () => expect((await stoppedAlerts()).length).toBeGreaterThan(0), { timeout: 10_000, interval: 200 });
        expect(await stoppedAlerts()).toHaveLength(1);

        // A lost claim on the stopped number: the provider's silence is not a loss; it waits for an operator, unpaid.
        const lost = await h.platform.send(requestedEvent({ caseType: 'lost', trackingNumber }));
        const lostId = String(lost.body.caseId);
        const claim = await h.ops.waitFor(lostId, isSettled, 90_000);
        expect(claim).toMatchObject({ status: 'needs_attention', failure: { error: 'TrackingStoppedError' }, carrier: { rule: 'lost.tracking_stopped' } });
        expect(claim.outcome).toBeUndefined();
        expect(claim.timeline.map((e: { event: string }) => e.event)).toContain('carrier_manual');
        const paid = await fetch(`${h.pipeline.orderPlatform.url}/v1/instructions?caseId=${lostId}`, {
          headers: { authorization: `Bearer ${h.pipeline.config.orderPlatformToken}` },
        });
        expect(((await paid.json()) as { instructions: unknown[] }).instructions).toEqual([]);
      },
      180_000,
    );
  });
}
