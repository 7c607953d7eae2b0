/**
 * The one operator alert of a tracking provider's outage (`carrier_provider_down`): it names how many cases wait
 * for the provider, is updated in place as more go to wait, and is closed (`resolvedAt`) when the provider answers
 * again. It replaces one alert per waiting case, which buried the alert that matters under dozens of copies.
 */
export interface ProviderOutageFacts {
  provider: string;
  failingSince: string;
  failures: number;
  waitingCases: number;
  /** The waiting list is full: at least `waitingCases` wait. */
  waitingCapped: boolean;
  lastError?: string;
  resolvedAt?: string;
}

export const PROVIDER_DOWN_KIND = 'carrier_provider_down';
/** The subject of the message sent when the outage ends (the stored alert keeps its kind, closed by `resolvedAt`). */
export const PROVIDER_RECOVERED_KIND = 'carrier_provider_recovered';

export function providerOutageAlert(facts: ProviderOutageFacts, openedAt: string, now: string) {
  const { provider, failingSince, failures, waitingCases, waitingCapped, lastError, resolvedAt } = facts;
  const count = `${waitingCapped ? 'at least ' : ''}${waitingCases} case${waitingCases === 1 ? '' : 's'}`;
  const message = resolvedAt
    ? `Tracking provider ${provider} answers again since ${resolvedAt} (failing since ${failingSince}). ${count} waited for it; each is looked up again after its pause and carries on.`
    : `Tracking provider ${provider} has been failing since ${failingSince}${lastError ? ` (last: ${lastError})` : ''}. ${count} wait for it in awaiting_carrier; polls back off.`;
  return {
    kind: PROVIDER_DOWN_KIND,
    at: openedAt,
    updatedAt: now,
    count: waitingCases,
    message,
    detail: { provider, failingSince, failures, waitingCases, ...(waitingCapped ? { waitingCapped } : {}) },
    ...(resolvedAt ? { resolvedAt } : {}),
  };
}

/**
 * Whether reaching this many waiting cases is worth a message to the operators' topic besides the stored alert's
 * update: at 10, 100, 1,000… So an outage sends a few messages (opened, a growth by tenfold, recovered), not one
 * per case.
 */
export function waitingCountWorthAMessage(waitingCases: number): boolean {
  return waitingCases >= 10 && Number.isInteger(Math.log10(waitingCases));
}
