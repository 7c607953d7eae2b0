import { CASE_TYPES, REMEDY_CHOICES } from '../case.js';
import {
  AFTER_ARRIVAL_STEPS,
  APPROVAL_BASES,
  APPROVAL_NEXT_STEPS,
  CLOSE_REASONS,
  COMPENSATION_REASONS,
  DELAY_REASONS,
  EVIDENCE_KINDS,
  NOTICE_MILESTONES,
  PROACTIVE_FINDINGS,
  REFUND_DESTINATIONS,
  REJECTION_REASONS,
  type NoticeData,
  type NoticeDataFor,
  type NoticeMilestone,
} from './types.js';
import { isCustomerWords } from './operator-note.js';

/** A notice whose data lacks a field, or has one no customer should see; names the field, never its value. */
export class NoticeDataError extends Error {
  override readonly name = 'NoticeDataError';
  constructor(
    readonly milestone: string,
    readonly field: string,
    readonly problem: 'missing' | string,
  ) {
    super(problem === 'missing' ? `${milestone} notice is missing ${field}` : `${milestone} notice has an invalid ${field}: ${problem}`);
  }
}

class Invalid {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {}
}

type Check = (value: unknown, path: string) => void;

const absent = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
/** Strings that only get into data by a slip (`${undefined}`, String(null)...). */
const SLIPS = new Set(['undefined', 'null', 'NaN', '[object Object]', 'Invalid Date']);

const required =
  (check: Check): Check =>
  (value, path) => {
    if (absent(value)) throw new Invalid(path, 'missing');
    check(value, path);
  };
const optional =
  (check: Check): Check =>
  (value, path) => {
    if (!absent(value)) check(value, path);
  };

const isText: Check = (value, path) => {
  if (typeof value !== 'string') throw new Invalid(path, 'not text');
  if (SLIPS.has(value.trim())) throw new Invalid(path, 'a placeholder, not a value');
};
const isUrl: Check = (value, path) => {
  isText(value, path);
  let url: URL;
  try {
    url = new URL(value as string);
  } catch {
    throw new Invalid(path, 'not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Invalid(path, 'not an http(s) URL');
};
const isInstant: Check = (value, path) => {
  isText(value, path);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value as string) || Number.isNaN(new Date(value as string).getTime())) throw new Invalid(path, 'not an ISO 8601 instant');
};
/** An operator's words: text, and never a bare internal code (a rule id or reason code typed as the reason). */
const isNote: Check = (value, path) => {
  isText(value, path);
  if (!isCustomerWords(value as string)) throw new Invalid(path, 'no words for the customer (blank, or an internal code)');
};
const isMinorUnits: Check = (value, path) => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new Invalid(path, 'not a whole, non-negative number of minor units');
};
// ICU's currency list, read when a notice with an amount is first checked rather than at every cold start.
let currencies: ReadonlySet<string> | undefined;
const isCurrency: Check = (value, path) => {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  if (typeof value !== 'string' || !currencies.has(value)) throw new Invalid(path, 'not an ISO 4217 currency code');
};
const oneOf =
  (values: readonly string[]): Check =>
  (value, path) => {
    if (typeof value !== 'string' || !values.includes(value)) throw new Invalid(path, `not one of ${values.join(', ')}`);
  };
const object =
  (spec: Record<string, Check>): Check =>
  (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Invalid(path, 'not an object');
    for (const [key, check] of Object.entries(spec)) check((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
  };
const list =
  (item: Check, min: number): Check =>
  (value, path) => {
    if (!Array.isArray(value)) throw new Invalid(path, 'not a list');
    if (value.length < min) throw new Invalid(path, value.length === 0 ? 'missing' : `fewer than ${min} entries`);
    value.forEach((entry, i) => required(item)(entry, `${path}[${i}]`));
  };
const variant =
  (key: string, specs: Record<string, Record<string, Check>>): Check =>
  (value, path) => {
    object({ [key]: required(oneOf(Object.keys(specs))) })(value, path);
    object(specs[(value as Record<string, string>)[key]!]!)(value, path);
  };

const text = required(isText);
const url = required(isUrl);
const instant = required(isInstant);
const minor = required(isMinorUnits);
const currency = required(isCurrency);
const is = (values: readonly string[]) => required(oneOf(values));

/** A check for every field of the milestone's type, optional ones included: the compiler keeps this list complete. */
type Spec<M extends NoticeMilestone> = { [K in Exclude<keyof NoticeDataFor<M>, 'milestone'>]-?: Check };

const base = {
  caseId: text,
  caseType: is(CASE_TYPES),
  customerName: text,
  statusUrl: url,
  orderId: optional(isText),
  itemSummary: optional(isText),
  proactive: optional(oneOf(PROACTIVE_FINDINGS)),
};
const amount = { amount: minor, currency };

const SPECS: { [M in NoticeMilestone]: Spec<M> } = {
  received: { ...base, replyBy: optional(isInstant) },
  evidence_needed: { ...base, requested: required(list(oneOf(EVIDENCE_KINDS), 1)), respondBy: instant, uploadUrl: url, operatorNote: optional(isNote) },
  approved: { ...base, next: is(APPROVAL_NEXT_STEPS), nextBy: optional(isInstant), basis: optional(is(APPROVAL_BASES)) },
  rejected: { ...base, reasonCode: is(REJECTION_REASONS), operatorNote: optional(isNote) },
  remedy_choice_needed: {
    ...base,
    options: required(list(object({ choice: is(REMEDY_CHOICES), url }), 2)),
    defaultChoice: is(REMEDY_CHOICES),
    decideBy: instant,
    refund: optional(object(amount)),
  },
  ship_back: {
    ...base,
    serviceCenter: required(object({ name: text, address: text, phone: text })),
    method: required(
      variant('kind', {
        prepaid_label: { carrier: text, labelUrl: url },
        pickup: { carrier: text, pickupFrom: instant, pickupUntil: instant },
        self_ship: { postage: is(['customer_pays', 'reimbursed']) },
      }),
    ),
    shipBy: instant,
  },
  item_received: { ...base, receivedAt: instant, next: is(AFTER_ARRIVAL_STEPS), dueBy: instant },
  refund_issued: { ...base, ...amount, refundTo: is(REFUND_DESTINATIONS), expectedBy: optional(isInstant) },
  compensation_issued: { ...base, ...amount, reason: is(COMPENSATION_REASONS), validUntil: optional(isInstant) },
  replacement_shipped: {
    ...base,
    carrier: text,
    trackingNumber: text,
    trackingUrl: optional(isUrl),
    expectedBy: optional(isInstant),
    returnOriginalBy: optional(isInstant),
  },
  repair_done: { ...base, carrier: text, trackingNumber: text, trackingUrl: optional(isUrl), expectedBy: optional(isInstant) },
  delay_notice: { ...base, reason: is(DELAY_REASONS), newExpectedBy: optional(isInstant), keepWaitingUrl: url, cancelUrl: url },
  cancelled: { ...base },
  charged_back: { ...base, ...amount, returnWasDueBy: instant },
  case_closed: { ...base, closeReason: optional(oneOf(CLOSE_REASONS)) },
  survey_invitation: { ...base, surveyUrl: url, expiresAt: instant },
  survey_reminder: { ...base, surveyUrl: url, expiresAt: instant },
  dispute_received: { ...base, about: optional(oneOf(['appeal', 'message'])) },
};

/** Rules across fields. */
function consistent(data: NoticeData): void {
  if (data.milestone === 'remedy_choice_needed') {
    const choices = data.options.map((o) => o.choice);
    if (new Set(choices).size !== choices.length) throw new Invalid('options', 'a choice is offered twice');
    if (!choices.includes(data.defaultChoice)) throw new Invalid('defaultChoice', 'not one of the options offered');
  }
  if (data.milestone === 'ship_back' && data.method.kind === 'pickup' && new Date(data.method.pickupUntil) <= new Date(data.method.pickupFrom)) {
    throw new Invalid('method.pickupUntil', 'not after pickupFrom');
  }
}

/**
 * The run-time half of the typing: data built from stored records is checked before anything is rendered. Throws
 * a `NoticeDataError` naming the first missing or invalid field (`method.labelUrl`, `options[1].url`...). Returns
 * the data without null or blank values: an optional field that is "" or null counts as not given.
 */
export function checkNoticeData(data: unknown): NoticeData {
  const milestone = typeof data === 'object' && data !== null ? (data as { milestone?: unknown }).milestone : undefined;
  if (typeof milestone !== 'string' || !(NOTICE_MILESTONES as readonly string[]).includes(milestone)) {
    throw new NoticeDataError('unknown', 'milestone', absent(milestone) ? 'missing' : `not one of ${NOTICE_MILESTONES.join(', ')}`);
  }
  const spec: Record<string, Check> = SPECS[milestone as NoticeMilestone];
  const pruned = prune(data);
  try {
    object(spec)(pruned, '');
    consistent(pruned as NoticeData);
  } catch (error) {
    if (error instanceof Invalid) throw new NoticeDataError(milestone, error.path, error.problem);
    throw error;
  }
  return pruned as NoticeData;
}

/** A copy without null or blank values, so templates see an absent optional value as `undefined`, never as "". */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => !absent(v))
      .map(([k, v]) => [k, prune(v)]),
  );
}
