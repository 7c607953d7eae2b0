import type { CaseType } from './case.js';

/** Which service limit applies to a case type once its item reaches the service center (000 §5.1). */
export function serviceFor(type: CaseType): 'return' | 'exchange' | 'repair' | undefined {
  if (type === 'return' || type === 'quality') return 'return';
  if (type === 'exchange') return 'exchange';
  if (type === 'repair') return 'repair';
  return undefined;
}

/**
 * What a case's service clock is, named for what it measures. The plan's three services run from the item's arrival;
 * a damaged, lost, late or incomplete parcel has no return leg, so its clock is the settlement of the claim from its
 * acceptance (it borrows the refund service's days: docs/sla.md), never a "return service".
 */
export type ServiceLimitName = 'return' | 'exchange' | 'repair' | 'claim_settlement';

export function serviceLimitName(type: CaseType): ServiceLimitName {
  return serviceFor(type) ?? 'claim_settlement';
}

const WHAT: Record<ServiceLimitName, string> = {
  return: 'return service (review + refund)',
  exchange: 'exchange service (review + reship)',
  repair: 'repair service (repair + ship back)',
  claim_settlement: 'claim settlement (no return leg: review + remedy)',
};

/** The limit in words for the team's alerts: "claim settlement (no return leg: review + remedy), 7 working days from acceptance". */
export function describeServiceLimit(type: CaseType, limit: { workingDays: number; expedited: boolean }): string {
  const name = serviceLimitName(type);
  const from = name === 'claim_settlement' ? 'acceptance' : 'arrival';
  return `${WHAT[name]}, ${limit.workingDays} working days from ${from}${limit.expedited ? ', expedited' : ''}`;
}
