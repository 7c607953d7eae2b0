import * as z from 'zod/mini';
import { WEBHOOK_EVENT_TYPES } from './webhook.js';

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
] as const;
export type Milestone = (typeof MILESTONES)[number];

/** What the workflow (or a function) puts on the notice queue: which case, which milestone. No contact data. */
/** `round` counts reopenings (disputes): each round notifies its milestones afresh. */
export const noticeMessage = z.object({ caseId: z.string(), milestone: z.enum(MILESTONES), round: z.optional(z.number()) });
export type NoticeMessage = z.infer<typeof noticeMessage>;
