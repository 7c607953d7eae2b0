import type { CaseStatus, CaseType, Outcome } from './case.js';
import { CARRIER_TYPES, RETURN_FIRST_TYPES } from './policy.js';

/**
 * Where a case stands, as its customer sees it on the status page: a short list of steps (done, current, to come)
 * and the next thing to happen, in the customer's terms. Derived from the case record alone; no clock, no I/O.
 */
export const PROGRESS_STEPS = ['received', 'review', 'carrier', 'choice', 'return', 'resolution', 'closed'] as const;
export type ProgressStep = (typeof PROGRESS_STEPS)[number];
export type StepState = 'done' | 'current' | 'upcoming';

/** What happens next, and who acts: the customer (send_photos, choose_remedy, ship_item, answer_survey, paused) or us. */
export type NextStep =
  | 'wait_review'
  | 'send_photos'
  | 'choose_remedy'
  | 'wait_carrier'
  | 'ship_item'
  | 'wait_return_arrival'
  | 'wait_compensation'
  | 'answer_survey'
  | 'wait_close'
  | 'wait_team'
  | 'cancelling'
  | 'paused'
  | 'none';

/** The facts the page needs; a case record has them all. `offersChoice`: the policy lets the customer pick the remedy. */
export interface ProgressFacts {
  type: CaseType;
  status: CaseStatus;
  outcome?: Outcome;
  offersChoice: boolean;
  choice?: { remedy: string };
  returnShipment?: unknown;
  returnReceivedAt?: string;
  compensation?: { status?: string };
  cancelRequested?: boolean;
  /** Present while the case is paused for special circumstances (see the SLA's pause). */
  pause?: { since: string; reason: string; expectedResumeBy?: string };
}

export interface CaseProgress {
  steps: Array<{ step: ProgressStep; state: StepState }>;
  next: NextStep;
  /** Set once the case is closed. */
  outcome?: Outcome;
  pause?: { since: string; reason: string; expectedResumeBy?: string };
}

const REVIEW_STATUSES: ReadonlySet<CaseStatus> = new Set(['received', 'in_review', 'awaiting_review', 'awaiting_evidence']);

/** The steps this case goes through; a step appears once it is known to apply (a damaged item returns only if chosen). */
function stepsOf(f: ProgressFacts): ProgressStep[] {
  if (f.status === 'closed' && f.outcome !== 'approved') return ['received', 'review', 'closed'];
  const returns =
    RETURN_FIRST_TYPES.has(f.type) ||
    f.status === 'awaiting_return' ||
    f.returnShipment !== undefined ||
    f.returnReceivedAt !== undefined ||
    (f.type === 'damaged' && (f.choice?.remedy === 'return' || f.choice?.remedy === 'exchange'));
  return [
    'received',
    'review',
    ...(CARRIER_TYPES.has(f.type) ? (['carrier'] as const) : []),
    ...(f.offersChoice ? (['choice'] as const) : []),
    ...(returns ? (['return'] as const) : []),
    'resolution',
    'closed',
  ];
}

/** The step in progress; `closed` when the remedy is done and only the survey or the closing is left. */
function currentStep(f: ProgressFacts): ProgressStep {
  if (REVIEW_STATUSES.has(f.status)) return 'review';
  switch (f.status) {
    case 'checking_carrier':
      return 'carrier';
    case 'awaiting_choice':
      return 'choice';
    case 'awaiting_return':
      return 'return';
    case 'compensating':
      return 'resolution';
    case 'resolved':
    case 'awaiting_survey':
    case 'closed':
      return 'closed';
    case 'needs_attention':
      // A failed step: place it by what the case has reached.
      if (f.compensation?.status === 'completed') return 'closed';
      if (f.compensation || f.returnReceivedAt) return 'resolution';
      return 'review';
  }
  return 'review';
}

function nextStep(f: ProgressFacts): NextStep {
  if (f.status === 'closed') return 'none';
  if (f.cancelRequested && !f.compensation) return 'cancelling';
  if (f.pause) return 'paused';
  switch (f.status) {
    case 'received':
    case 'in_review':
    case 'awaiting_review':
      return 'wait_review';
    case 'awaiting_evidence':
      return 'send_photos';
    case 'checking_carrier':
      return 'wait_carrier';
    case 'awaiting_choice':
      return 'choose_remedy';
    case 'awaiting_return':
      return f.returnShipment ? 'wait_return_arrival' : 'ship_item';
    case 'compensating':
      return 'wait_compensation';
    case 'awaiting_survey':
      return 'answer_survey';
    case 'resolved':
      return 'wait_close';
    case 'needs_attention':
      return 'wait_team';
  }
}

export function caseProgress(f: ProgressFacts): CaseProgress {
  const steps = stepsOf(f);
  const closed = f.status === 'closed';
  // A step the list lacks (an inconsistent record) counts as the review, never as nothing in progress.
  const current = Math.max(steps.indexOf(currentStep(f)), steps.indexOf('review'));
  return {
    steps: steps.map((step, i) => ({ step, state: closed || i < current ? 'done' : i === current ? 'current' : 'upcoming' })),
    next: nextStep(f),
    ...(closed && f.outcome ? { outcome: f.outcome } : {}),
    ...(f.pause && !closed ? { pause: { since: f.pause.since, reason: f.pause.reason, ...(f.pause.expectedResumeBy ? { expectedResumeBy: f.pause.expectedResumeBy } : {}) } } : {}),
  };
}
