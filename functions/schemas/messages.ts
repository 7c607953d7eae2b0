import * as z from 'zod/mini';
import { CLOSE_REASONS, DELAY_REASONS } from '../domain/notices/types.js';
import { WEBHOOK_EVENT_TYPES } from './webhook-event-types.js';

/** What the ingest function puts on the intake queue: the verified event, addressed to its case. */
export const intakeMessage = z.object({
  webhookId: z.string(),
  caseId: z.string(),
  receivedAt: z.string(),
  /** Who sent it: the order platform's webhook (absent), carrier tracking (a return's arrival), or the pipeline itself (proactive detection). */
  source: z.optional(z.enum(['order_platform', 'carrier', 'pipeline'])),
  event: z.object({ type: z.enum(WEBHOOK_EVENT_TYPES), timestamp: z.string(), data: z.record(z.string(), z.unknown()) }),
});
export type IntakeMessage = z.infer<typeof intakeMessage>;

export const MILESTONES = [
  'received',
  'evidence_needed',
  'decided',
  'remedy_choice_needed',
  'ship_back',
  'resolved',
  'cancelled',
  'charged_back',
  'survey_invitation',
  'survey_reminder',
  'closed',
  'delay_notice',
  'dispute_received',
] as const;
export type Milestone = (typeof MILESTONES)[number];

/**
 * What the workflow (or a function) puts on the notice queue: which case, which milestone. No contact data.
 * `round` counts reopenings (disputes, pauses): each round notifies its milestones afresh.
 */
export const noticeMessage = z.object({
  caseId: z.string(),
  milestone: z.enum(MILESTONES),
  round: z.optional(z.number()),
  /** Seconds the customer has to act (send photos, ship the item, choose), from the moment the milestone was reached. */
  dueInSeconds: z.optional(z.int().check(z.nonnegative())),
  /** That moment; absent, the time the message was first queued. Set when a notice is queued again later. */
  at: z.optional(z.iso.datetime()),
  /** Why a `closed` notice closes the case (the wait for photos or for the item ran out). */
  reason: z.optional(z.enum(CLOSE_REASONS)),
  /** Only this channel: a deferred SMS released at the end of quiet hours by its dispatcher. */
  channel: z.optional(z.enum(['email', 'sms'])),
  release: z.optional(z.boolean()),
  /**
   * The pause a `delay_notice` announces, as it was when the operator paused. The notice may go out after a resume
   * (quiet hours, retries) or a later pause, so it must not be read back from the case.
   */
  pause: z.optional(z.object({ since: z.iso.datetime(), reason: z.enum(DELAY_REASONS), expectedResumeBy: z.optional(z.iso.datetime()), count: z.int() })),
  /**
   * A `survey_invitation`'s link expiry, as the survey step opened it: the notifier then need not read the survey item
   * for it (a case whose token was drawn at intake keeps no expiry on the case item). Absent (a message queued by an
   * earlier release), the notifier reads it as before; a release that does not know the field ignores it.
   */
  surveyExpiresAt: z.optional(z.iso.datetime()),
});
export type NoticeMessage = z.infer<typeof noticeMessage>;
