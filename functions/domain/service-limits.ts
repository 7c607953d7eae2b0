import type { CaseType } from './case.js';
import type { AftersalesPolicy } from './policy.js';
import { addWorkingDays, type WorkingDayCalendar } from './working-days.js';

/** Which service limit applies to a case type once its item reaches the service center (000 §5.1). */
export function serviceFor(type: CaseType): 'return' | 'exchange' | 'repair' | undefined {
  if (type === 'return' || type === 'quality') return 'return';
  if (type === 'exchange') return 'exchange';
  if (type === 'repair') return 'repair';
  return undefined;
}

/** The due time of the service: n working days after arrival, n standard or expedited. */
export function serviceDueAt(
  type: CaseType,
  expedited: boolean,
  arrivedAt: Date,
  policy: AftersalesPolicy,
  calendar: WorkingDayCalendar,
): { dueAt: Date; workingDays: number } | undefined {
  const service = serviceFor(type);
  if (!service) return undefined;
  const limits = policy.serviceLimits[service];
  const workingDays = expedited ? limits.expedited : limits.standard;
  return { dueAt: addWorkingDays(arrivedAt, workingDays, calendar), workingDays };
}
