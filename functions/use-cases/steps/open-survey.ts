import { randomBytes } from 'node:crypto';
import type { CaseRecord } from '../../domain/case-record.js';
import { CASE_STATUSES } from '../../domain/case.js';
import type { QueueSender } from '../../adapters/queues.js';
import type { SatisfactionStore, SurveyBucket } from '../../adapters/satisfaction-store.js';
import type { SurveyStore } from '../../adapters/survey-store.js';
import { localDateOf } from '../../domain/working-days.js';
import type { NoticeMessage } from '../../schemas/messages.js';
import { awaitEvent, type AwaitDeps, type CaseShows } from './await-event.js';
import type { MarketPolicies, MarketPolicy } from '../../domain/markets.js';

/** Where a case's survey counts in the satisfaction report: the local day it was sent, the case's type, carrier, remedy, market. */
export function surveyBucket(record: CaseRecord, sentAt: Date, market: Pick<MarketPolicy, 'code' | 'timeZone'>): SurveyBucket {
  return { day: localDateOf(sentAt, market.timeZone), type: record.type, carrier: record.shipment.carrier, remedy: record.remedy ?? 'none', market: market.code };
}

/** Every status but the one the survey's write sets. */
const BEFORE_SURVEY = CASE_STATUSES.filter((status) => status !== 'awaiting_survey');

export type SurveyDeps = AwaitDeps & { surveys: SurveyStore; notices: QueueSender<NoticeMessage>; satisfaction: SatisfactionStore; markets: Pick<MarketPolicies, 'of'> };

/** A survey link's credential: 24 random bytes, unguessable. */
export const newSurveyToken = () => randomBytes(24).toString('base64url');

/**
 * Opens the satisfaction survey: a single-use link valid for `expirySeconds`, an invitation to the customer (counted
 * for the satisfaction report), and the workflow parked until the answer comes (or the step's timeout, at the
 * reminder time: then `remindSurvey`).
 *
 * The link's token: the one the case drew at intake (`surveyLinkToken`, with its facts), so the case item's write
 * here carries only the status; a case created before that draws one here and keeps it on the case item, as it did.
 * Either way a retried step keeps the link already sent, so the customer never holds a dead one.
 */
export async function openSurvey(deps: SurveyDeps, caseId: string, taskToken: string, expirySeconds: number, now: Date): Promise<void> {
  const record = await deps.cases.require(caseId);
  const preset = record.surveyToken === undefined ? record.surveyLinkToken : undefined;
  // Opened already: a token on the case item (written with the status), or the preset one with the status showing it.
  const opened = record.surveyToken !== undefined || (preset !== undefined && record.status === 'awaiting_survey');
  const token = record.surveyToken ?? preset ?? newSurveyToken();
  // What the case shows for the wait below: as read here, or as the write below left it (unknown: read there).
  let shows: CaseShows | undefined = record;
  const expiresAt = new Date(now.getTime() + expirySeconds * 1000).toISOString();
  const bucket = surveyBucket(record, now, deps.markets.of(record));
  const surveyOf = () => ({ token, caseId, locale: record.locale, createdAt: now.toISOString(), expiresAt, invitedIn: bucket });
  // Showing the survey's status without its survey (not seen from this workflow, kept for safety, as a link-less case
  // below): the survey is made, so the link sent works; nothing is counted. Only a retried step reads here.
  // The link's expiry goes with the invitation (the notifier need not read the survey for it): the survey's own.
  let surveyExpiresAt = record.surveyExpiresAt;
  if (opened && preset !== undefined) surveyExpiresAt = ((await deps.surveys.get(preset)) ?? (await deps.surveys.createOnce(surveyOf()))).expiresAt;
  if (!opened) {
    // A preset token's survey may be there already (an attempt that stopped before the write below): kept as it is,
    // and its bucket is the one the invitation is counted in.
    const survey = await deps.surveys.createOnce(surveyOf());
    surveyExpiresAt = survey.expiresAt;
    const invitedIn = survey.invitedIn ?? bucket;
    // With the status the wait shows (awaitEvent below then has nothing to write): one write of the case item, while
    // it does not show it yet, so of two attempts racing here one sends the survey and counts its invitation (no
    // marker of its own: the survey keeps the bucket for the answer). A retry finds the survey opened and counts
    // nothing; a crash in between leaves the invitation uncounted, never counted twice.
    const patch = { ...(preset ? {} : { surveyToken: token, surveyExpiresAt: expiresAt }), status: 'awaiting_survey' as const, waitingFor: 'survey' };
    const sent = await deps.cases.update(caseId, patch, BEFORE_SURVEY);
    // Showing the survey's status with no link (not seen from this workflow, kept for safety): the customer still gets
    // one, uncounted rather than maybe counted twice. A preset token is the case's link already.
    // Counted at once: a retry finds the survey opened and counts nothing, so no other write may come between (a
    // throttled timeline write would otherwise lose the count for good).
    if (sent) await deps.satisfaction.countInvitation(caseId, invitedIn);
    const linkless = !sent && !preset && !(await deps.cases.require(caseId)).surveyToken && (await deps.cases.update(caseId, patch));
    shows = sent ? patch : undefined;
    if (sent || linkless) await deps.cases.appendTimeline(caseId, { at: now.toISOString(), actor: 'pipeline', event: 'survey_sent', detail: { expiresInSeconds: expirySeconds } });
  }
  await deps.notices.send({ caseId, milestone: 'survey_invitation', ...(surveyExpiresAt ? { surveyExpiresAt } : {}) }, caseId);
  await awaitEvent(deps, caseId, 'survey', taskToken, now, undefined, shows);
}

/**
 * The survey unanswered at the reminder time: the customer is reminded once, and the workflow waits on (kind survey)
 * with the token of this step, for the rest of the survey's time. One step, where it took two (a notice task, then a
 * wait). The reminder goes before the wait, as it did then; its notice slot (`survey_reminder`, per round) keeps a
 * retried step from reminding twice. An answer already on the case is not reminded of, and resumes the wait at once;
 * one that lands after the read below is caught by the notifier, which skips a reminder of an answered survey
 * (domain/notice-rules.ts).
 */
export async function remindSurvey(deps: Pick<SurveyDeps, keyof AwaitDeps | 'notices'>, caseId: string, taskToken: string, round: number, now: Date): Promise<void> {
  const record = await deps.cases.require(caseId);
  const answered = record.survey !== undefined && 'rating' in record.survey;
  if (!answered) await deps.notices.send({ caseId, milestone: 'survey_reminder', round }, caseId);
  await awaitEvent(deps, caseId, 'survey', taskToken, now, undefined, record);
}
