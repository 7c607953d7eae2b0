import type { OpsAlerts } from '../../adapters/ops-alerts.js';
import type { ProviderHealthStore } from '../../adapters/provider-health.js';
import { providerDownTooLong } from '../../domain/shipment-watch.js';

export interface ProviderHealthDeps {
  health: ProviderHealthStore;
  alerts: OpsAlerts;
  /** How long a provider may fail before operators are told (policy of the deployment; 1 hour in AWS). */
  outageAlertSeconds: number;
}

/**
 * Reports how a call to a tracking provider went. A provider failing for longer than the threshold raises ONE
 * `carrier_provider_down` alert; the first success afterwards raises ONE `carrier_provider_recovered`. Cases keep
 * waiting meanwhile (polls back off, lookups wait in `awaiting_carrier`): nothing is dropped.
 */
export async function reportProviderCall(deps: ProviderHealthDeps, provider: string, outcome: { ok: true } | { ok: false; error: string }, now: Date): Promise<void> {
  const at = now.toISOString();
  if (outcome.ok) {
    const ended = await deps.health.success(provider, now);
    if (ended?.alerted) {
      await deps.alerts.raise({
        kind: 'carrier_provider_recovered',
        at,
        message: `Tracking provider ${provider} answers again (failing since ${ended.failingSince}, ${ended.failures} failed calls). Waiting cases carry on.`,
        detail: { provider, failingSince: ended.failingSince, failures: ended.failures },
      });
    }
    return;
  }
  const state = await deps.health.failure(provider, now, outcome.error);
  if (state.alerted || !providerDownTooLong(state.failingSince, now, deps.outageAlertSeconds)) return;
  if (await deps.health.claimDownAlert(provider, now)) {
    await deps.alerts.raise({
      kind: 'carrier_provider_down',
      at,
      message: `Tracking provider ${provider} has been failing since ${state.failingSince} (${state.failures} failed calls, last: ${outcome.error}). Cases wait for it; polls back off.`,
      detail: { provider, failingSince: state.failingSince, failures: state.failures },
    });
  }
}
