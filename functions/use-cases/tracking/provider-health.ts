import { randomBytes } from 'node:crypto';
import { OpsAlerts } from '../../adapters/ops-alerts.js';
import type { ProviderHealthStore, ProviderOutageState } from '../../adapters/provider-health.js';
import { PROVIDER_DOWN_KIND, PROVIDER_RECOVERED_KIND, providerOutageAlert, waitingCountWorthAMessage } from '../../domain/provider-outage.js';
import { providerDownTooLong } from '../../domain/shipment-watch.js';

export interface ProviderHealthDeps {
  health: ProviderHealthStore;
  alerts: OpsAlerts;
  /** How long a provider may fail before operators are told (policy of the deployment; 1 hour in AWS). */
  outageAlertSeconds: number;
}

/**
 * Reports how a call to a tracking provider went. A provider failing for longer than the threshold opens ONE
 * `carrier_provider_down` alert for the outage; the first success afterwards closes it (`resolvedAt`, and a
 * `carrier_provider_recovered` message). Cases keep waiting meanwhile (polls back off, lookups wait in
 * `awaiting_carrier`): nothing is dropped.
 */
export async function reportProviderCall(deps: ProviderHealthDeps, provider: string, outcome: { ok: true } | { ok: false; error: string }, now: Date): Promise<void> {
  if (outcome.ok) {
    const ended = await deps.health.success(provider, now);
    if (ended?.alertId) await writeOutageAlert(deps, provider, { ...ended, alertId: ended.alertId }, now, { resolved: true, publish: true });
    return;
  }
  const state = await deps.health.failure(provider, now, outcome.error);
  if (state.alertId || !providerDownTooLong(state.failingSince, now, deps.outageAlertSeconds)) return;
  await openOutageAlert(deps, provider, now);
}

/**
 * A case went to wait for the provider (called on each of its waiting rounds; counted once per outage). The
 * outage's alert counts it: opened now if there is none yet (a case waiting is reason enough to tell operators),
 * otherwise updated in place.
 */
export async function caseWaitsForProvider(deps: ProviderHealthDeps, provider: string, caseId: string, now: Date): Promise<void> {
  const state = await deps.health.caseWaiting(provider, caseId, now);
  if (!state) return;
  if (!state.alertId) {
    await openOutageAlert(deps, provider, now);
    return;
  }
  await writeOutageAlert(deps, provider, { ...state, alertId: state.alertId }, now, { publish: waitingCountWorthAMessage(state.waitingCases) });
}

async function openOutageAlert(deps: ProviderHealthDeps, provider: string, now: Date): Promise<void> {
  // A random tail: two outages of one provider opened in the same millisecond still get an alert each.
  const alertId = OpsAlerts.idFor(now.toISOString(), PROVIDER_DOWN_KIND, `${provider}#${randomBytes(4).toString('hex')}`);
  const claimed = await deps.health.claimDownAlert(provider, now, alertId);
  if (claimed?.alertId) await writeOutageAlert(deps, provider, { ...claimed, alertId: claimed.alertId }, now, { publish: true });
}

async function writeOutageAlert(
  deps: ProviderHealthDeps,
  provider: string,
  state: ProviderOutageState & { alertId: string },
  now: Date,
  opts: { resolved?: boolean; publish: boolean },
): Promise<void> {
  const at = now.toISOString();
  const alert = {
    id: state.alertId,
    ...providerOutageAlert({ provider, ...state, ...(opts.resolved ? { resolvedAt: at } : {}) }, state.alertedAt ?? at, at),
  };
  const written = await deps.alerts.upsert(alert, state.version);
  if (written && opts.publish) await deps.alerts.publish(alert, opts.resolved ? PROVIDER_RECOVERED_KIND : PROVIDER_DOWN_KIND);
}
