import { randomBytes } from 'node:crypto';
import type { QueueSender } from '../../adapters/queues.js';
import type { SurveyStore } from '../../adapters/survey-store.js';
import type { NoticeMessage } from '../../schemas/messages.js';
import { awaitEvent, type AwaitDeps } from './await-event.js';

/**
 * Opens the satisfaction survey: a single-use link valid for `expirySeconds`, an invitation to the customer, and
 * the workflow parked until the answer comes (or the step's timeout, which expires the survey).
 */
export async function openSurvey(
  deps: AwaitDeps & { surveys: SurveyStore; notices: QueueSender<NoticeMessage> },
  caseId: string,
  taskToken: string,
  expirySeconds: number,
  now: Date,
): Promise<void> {
  const record = await deps.cases.require(caseId);
  // A retried step keeps the link already sent, so the customer never holds a dead one.
  let token = record.surveyToken;
  if (!token) {
    token = randomBytes(24).toString('base64url');
    await deps.surveys.create({
      token,
      caseId,
      locale: record.locale,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + expirySeconds * 1000).toISOString(),
    });
    await deps.cases.update(caseId, { surveyToken: token });
    await deps.cases.appendTimeline(caseId, { at: now.toISOString(), actor: 'pipeline', event: 'survey_sent', detail: { expiresInSeconds: expirySeconds } });
  }
  await deps.notices.send({ caseId, milestone: 'survey_invitation' }, caseId);
  await awaitEvent(deps, caseId, 'survey', taskToken, now);
}
