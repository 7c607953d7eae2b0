import type { DelayReason } from './notices/types.js';

/**
 * An operator's pause for special circumstances (000 §5.3: force majeure, factory repair, other causes beyond the
 * platform's control). While `pause` is on the case its service clock stands still; the customer is told (the
 * delay notice, round = `count`) and may keep waiting or cancel. The notifier and the status page read this shape.
 */
export interface CasePause {
  since: string;
  reason: DelayReason;
  /** When the operator expects to resume, if known; the customer is told the due time it would give. */
  expectedResumeBy?: string;
  /** This is the case's n-th pause (the delay notice's round). */
  count: number;
}

export type PauseRefusal = 'case_closed' | 'already_paused' | 'not_paused';

/** Whether an operator may pause (or resume) a case in this state; a refusal names why (409). */
export function pauseRefusal(record: { status: string; pause?: CasePause }, action: 'pause' | 'resume'): PauseRefusal | undefined {
  if (record.status === 'closed') return 'case_closed';
  if (action === 'pause' && record.pause) return 'already_paused';
  if (action === 'resume' && !record.pause) return 'not_paused';
  return undefined;
}
