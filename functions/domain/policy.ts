import * as z from 'zod/mini';
import type { CaseType, Locale, MinorUnits, RemedyChoice } from './case.js';
import { LOCALES } from './locale.js';
import type { ServiceCenter } from './notices/types.js';
import type { CalendarYear } from './working-days.js';

/**
 * The after-sales policy as data (docs/domain.md; source documents 000 §4-§5, 002, 003). One file per market under
 * functions/policies/, written by the deployer, validated by `parsePolicy` when a function starts: a wrong
 * policy stops the function loudly instead of deciding cases by it. Every rule in review-policy.ts names the
 * window or threshold it applied, and the policy's version is recorded with each decision.
 */
export interface AftersalesPolicy {
  version: string;
  market: string;
  currency: string;
  /**
   * The market's notice language: a customer whose locale is absent or one we do not write in gets notices, the
   * status page and the survey in it (functions/domain/locale.ts).
   */
  locale: Locale;
  /** Calendar days after the local day of delivery. */
  windows: {
    noReasonReturnDays: number;
    qualityReturnDays: number;
    qualityExchangeDays: number;
    exchangeDays: number;
    warrantyDays: number;
    damagedReportDays: number;
    missingPartReportDays: number;
  };
  /** Categories the 7-day no-reason return excludes (custom-made, perishable, opened digital, periodicals). */
  noReasonExcludedCategories: string[];
  /** Who pays the return shipping, per case type; the platform's prepaid label costs this much. */
  returnShipping: { platformPays: CaseType[]; prepaidLabelCost: MinorUnits };
  /** Where items are sent back: recipient, address and phone as the courier needs them, in each notice language. */
  serviceCenter: Record<Locale, ServiceCenter>;
  /** Working days (standard, expedited) counted from arrival at the service center (000 §5). */
  serviceLimits: Record<'return' | 'exchange' | 'repair', { standard: number; expedited: number }>;
  /** Subsidy per working day late, by tier (from the n-th day late on), capped per case. */
  delaySubsidy: { tiers: Array<{ fromDay: number; perDay: MinorUnits }>; cap: MinorUnits };
  /** Carrier lookups for an unconfirmed lost or still-moving delayed parcel before the case is decided. */
  carrierMaxChecks: number;
  manualReview: {
    /** Compensation above this amount always needs an operator's approval. */
    approvalThreshold: MinorUnits;
    /** The most an agent may approve; above it a supervisor decides (functions/domain/decision-rules.ts). */
    agentLimit: MinorUnits;
    /** Above this an approval is a proposal until a second supervisor, not the proposer, confirms it (four eyes). */
    secondApprovalAbove: MinorUnits;
    /** Internal targets by priority band: a reminder, then an escalation, this many hours after the review opens. */
    reminderHours: Record<'high' | 'normal' | 'low', number>;
    escalationHours: Record<'high' | 'normal' | 'low', number>;
  };
  /** Where the documents let the customer choose the remedy (002 §3.3, §4.3), and what happens without an answer. */
  customerChoice: Partial<Record<CaseType, { options: RemedyChoice[]; default: RemedyChoice; timeoutHours: number }>>;
  /** Replacement shipped before the return arrives (exchange), for these customer tiers; charged back if the return is late. */
  advanceExchange: { tiers: string[]; returnDeadlineDays: number };
  /** Satisfaction survey: an overall score at or below this opens a call-back task for operations (DOMAIN: surveys). */
  survey: { followUpAtOrBelow: number };
  /** Statutory calendar years the market calendar's library lacks (holidays and make-up working days), docs/sla.md. */
  calendar: { extraYears: CalendarYear[] };
  /** SLA monitor: warn this much working time before a service due time; internal first-response targets by band. */
  sla: { dueSoonWorkingHours: number; firstResponseHours: Record<'high' | 'normal' | 'low', number> };
  /**
   * A statutory right of withdrawal (EU: Directive 2011/83/EU art. 9-16; Germany: BGB §§312g, 355-357): the no-reason
   * return is the consumer's right and its refund has rules of its own. Optional: without it (CN) the no-reason return is
   * the platform's rule and its refund waits for the item, as before.
   */
  withdrawal?: WithdrawalPolicy;
  /** Watching parcels (docs/carrier-tracking.md). Optional: without it, no silence counts as a loss and detection is off. */
  tracking?: TrackingPolicy;
  /**
   * Personal data (docs/privacy.md): a closed case's is redacted this many days after it closed (the business record
   * stays). Long enough for what may still need the person after a close; no longer.
   */
  privacy: { retentionDays: number };
}

export interface WithdrawalPolicy {
  /**
   * The refund of a withdrawal waits until the item is back at the service center (the trader may withhold it until the
   * goods are received or the consumer proves they were sent: art. 13(3), §357(4) BGB): true. false refunds as soon as
   * the return is approved, before the item comes back (a merchant's choice the law allows, at its own risk). Applied by
   * planCompensation, rule `withdrawal.refund_awaits_return` / `withdrawal.refund_before_return`.
   */
  refundAwaitsReturn: boolean;
  /**
   * The no-reason window (`windows.noReasonReturnDays`) ends on a working day: a period whose last day is a Saturday,
   * Sunday or public holiday ends at the end of the next working day (Regulation (EEC, Euratom) No 1182/71 art. 3(4),
   * which recital 41 of 2011/83/EU applies to its periods; §193 BGB). Applied by reviewCase with the market's calendar.
   */
  periodEndsOnWorkingDay: boolean;
  /**
   * The refund is due this many calendar days after the withdrawal (the case's acceptance), or on the day the item
   * arrives if that is later (art. 13(1), (3); §357(1), (4) BGB). The service clock of a withdrawal is never due after
   * it, and pauses do not move it (sla.ts `statutoryDueAt`).
   */
  refundWithinDays: number;
}

export interface TrackingPolicy {
  /** A parcel with no carrier scan for this many days counts as lost (002 §4.1): per carrier code, else `default`. */
  noScanLostDays: { default: number; byCarrier?: Record<string, number> };
  /**
   * Proactive detection: shipments the order platform announces (`shipment.created`) are watched, and a `delayed`
   * case opens when one is delivered late, a `lost` case when it is lost or silent for `noScanLostDays`, before the
   * customer complains. Off unless enabled here or by the deployment (PROACTIVE_DETECTION=on).
   */
  proactiveDetection: { enabled: boolean };
}

const choice = z.enum(['return', 'exchange', 'refund', 'reship']);
const caseType = z.enum(['return', 'exchange', 'repair', 'damaged', 'lost', 'delayed', 'quality', 'missing_part']);
const days = z.int().check(z.minimum(0), z.maximum(3650));
const money = z.int().check(z.minimum(0));
const serviceCenter = z.strictObject({ name: z.string().check(z.minLength(1)), address: z.string().check(z.minLength(5)), phone: z.string().check(z.minLength(5)) });
const localDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));
const hoursByBand = z.object({ high: z.number().check(z.positive()), normal: z.number().check(z.positive()), low: z.number().check(z.positive()) });

const policySchema = z.strictObject({
  version: z.string().check(z.minLength(1)),
  market: z.string().check(z.minLength(2)),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
  locale: z.enum(LOCALES),
  windows: z.strictObject({
    noReasonReturnDays: days,
    qualityReturnDays: days,
    qualityExchangeDays: days,
    exchangeDays: days,
    warrantyDays: days,
    damagedReportDays: days,
    missingPartReportDays: days,
  }),
  noReasonExcludedCategories: z.array(z.string()),
  returnShipping: z.strictObject({ platformPays: z.array(caseType), prepaidLabelCost: money }),
  serviceCenter: z.strictObject({ 'zh-CN': serviceCenter, en: serviceCenter, de: serviceCenter }),
  serviceLimits: z.strictObject({
    return: z.strictObject({ standard: days, expedited: days }),
    exchange: z.strictObject({ standard: days, expedited: days }),
    repair: z.strictObject({ standard: days, expedited: days }),
  }),
  delaySubsidy: z.strictObject({
    tiers: z.array(z.strictObject({ fromDay: z.int().check(z.minimum(1)), perDay: money })).check(z.minLength(1)),
    cap: money,
  }),
  carrierMaxChecks: z.int().check(z.minimum(1), z.maximum(50)),
  manualReview: z.strictObject({
    approvalThreshold: money,
    agentLimit: z.int().check(z.positive()),
    secondApprovalAbove: z.int().check(z.positive()),
    reminderHours: hoursByBand,
    escalationHours: hoursByBand,
  }),
  customerChoice: z.partialRecord(caseType, z.strictObject({ options: z.array(choice).check(z.minLength(2)), default: choice, timeoutHours: z.number().check(z.positive()) })),
  advanceExchange: z.strictObject({ tiers: z.array(z.string()), returnDeadlineDays: days }),
  // 0 turns follow-ups off; 5 would call back every customer.
  survey: z.strictObject({ followUpAtOrBelow: z.int().check(z.minimum(0), z.maximum(5)) }),
  calendar: z.strictObject({
    extraYears: z.array(
      z.strictObject({
        year: z.int().check(z.minimum(2000), z.maximum(2100)),
        source: z.string().check(z.minLength(1)),
        holidays: z.array(localDate),
        makeUpWorkdays: z.array(localDate),
      }),
    ),
  }),
  sla: z.strictObject({ dueSoonWorkingHours: z.number().check(z.positive(), z.maximum(24 * 30)), firstResponseHours: hoursByBand }),
  // At least 30 days: a case's last notices and the survey follow it; at most 10 years.
  privacy: z.strictObject({ retentionDays: z.int().check(z.minimum(30), z.maximum(3650)) }),
  withdrawal: z.optional(z.strictObject({ refundAwaitsReturn: z.boolean(), periodEndsOnWorkingDay: z.boolean(), refundWithinDays: z.int().check(z.minimum(1), z.maximum(90)) })),
  tracking: z.optional(
    z.strictObject({
      noScanLostDays: z.strictObject({
        default: z.int().check(z.minimum(1), z.maximum(365)),
        byCarrier: z.optional(z.record(z.string(), z.int().check(z.minimum(1), z.maximum(365)))),
      }),
      proactiveDetection: z.strictObject({ enabled: z.boolean() }),
    }),
  ),
});

/** Validates a policy and its internal consistency; throws with every problem listed. */
export function parsePolicy(input: unknown): AftersalesPolicy {
  const parsed = policySchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.join('.') || '(root)';
      return issue.code === 'unrecognized_keys' ? `${where}: unknown field(s) ${issue.keys.join(', ')}` : `${where}: ${issue.code}`;
    });
    throw new Error(`invalid after-sales policy: ${problems.join('; ')}`);
  }
  const policy = parsed.data as AftersalesPolicy;
  const problems: string[] = [];
  for (const [type, choice] of Object.entries(policy.customerChoice)) {
    if (choice && !choice.options.includes(choice.default)) problems.push(`customerChoice.${type}.default is not one of its options`);
  }
  const tiers = policy.delaySubsidy.tiers;
  if (tiers[0]?.fromDay !== 1) problems.push('delaySubsidy.tiers must start from day 1');
  if (tiers.some((tier, i) => i > 0 && tier.fromDay <= tiers[i - 1]!.fromDay)) problems.push('delaySubsidy.tiers must be in increasing fromDay order');
  for (const band of ['high', 'normal', 'low'] as const) {
    if (policy.manualReview.escalationHours[band] <= policy.manualReview.reminderHours[band]) problems.push(`manualReview.escalationHours.${band} must come after the reminder`);
  }
  // An agent's limit above the four-eyes threshold would let one person alone approve what needs two.
  if (policy.manualReview.agentLimit > policy.manualReview.secondApprovalAbove) problems.push('manualReview.agentLimit must not exceed secondApprovalAbove');
  const years = policy.calendar.extraYears.map((y) => y.year);
  if (new Set(years).size !== years.length) problems.push('calendar.extraYears lists a year twice');
  if (policy.windows.qualityReturnDays > policy.windows.qualityExchangeDays) problems.push('windows.qualityReturnDays must not exceed qualityExchangeDays');
  if (problems.length > 0) throw new Error(`invalid after-sales policy: ${problems.join('; ')}`);
  return policy;
}

/** Case types whose item travels back to the service center before the remedy (unless the remedy needs no item). */
export const RETURN_FIRST_TYPES: ReadonlySet<CaseType> = new Set(['return', 'exchange', 'repair', 'quality']);
/** Case types decided by what the carrier's tracking says. */
export const CARRIER_TYPES: ReadonlySet<CaseType> = new Set(['lost', 'delayed']);
