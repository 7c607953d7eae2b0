import type { CaseStatus } from './case.js';

/**
 * The statuses operators list cases from: only a case in one of these has an entry in the status index (gsi1,
 * `STATUS#<status>`), so a status change costs index writes only when it enters or leaves one of them (docs/case-status.md,
 * "Listing by status").
 * - `awaiting_review`: the review queue (GET /ops/reviews, the console), in its own order (priority, then escalation);
 * - `needs_attention`: a step failed for good and an operator must act;
 * - `awaiting_carrier`: the backlog of a carrier outage, open-ended;
 * - `awaiting_evidence`, `awaiting_return`: waits of days to weeks on the customer that operators follow up (photos
 *   asked for, items in the post to the service center).
 * Left out: the moving statuses (`received`, `in_review`, `checking_carrier`, `compensating`, `resolved`: seconds to
 * hours, nothing to pick from a list, and the SLA lists show the late ones), the waits that end by themselves within
 * days (`awaiting_choice`: the policy's default after its timeout; `awaiting_survey`: the survey's expiry, and nearly
 * every approved case passes through it) and `closed` (the largest partition, growing with every case). A search by
 * any status still answers (domain/case-search.ts): the unlisted ones month by month from the lookup index.
 */
export const LISTED_STATUSES = ['awaiting_review', 'needs_attention', 'awaiting_carrier', 'awaiting_evidence', 'awaiting_return'] as const satisfies readonly CaseStatus[];
export type ListedStatus = (typeof LISTED_STATUSES)[number];

export const isListedStatus = (status: CaseStatus): status is ListedStatus => (LISTED_STATUSES as readonly CaseStatus[]).includes(status);

/** The status index's partition of a listed status. */
export const statusPartition = (status: ListedStatus) => `STATUS#${status}`;
