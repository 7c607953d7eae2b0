import type { AlertPort, CaseRepository, WaitPort, WorkflowPort } from './ports.js';
import type { CaseRecord } from '../domain/case-record.js';
import type { FollowUpStore } from '../adapters/follow-up-store.js';
import type { SatisfactionStore } from '../adapters/satisfaction-store.js';
import type { SurveyRecord, SurveyStore } from '../adapters/survey-store.js';
import type { MarketPolicies } from '../domain/markets.js';
import { ASPECTS, needsFollowUp, type SurveyAnswer } from '../domain/satisfaction.js';
import { signal } from './case-signals.js';
import { surveyBucket } from './steps/open-survey.js';

/** `gone`: no such survey, expired, or answered (and followed through) before. `followUp`: the team will call back. */
export type SurveyAnswerResult = { status: 'recorded'; followUp: boolean } | { status: 'gone'; reason: 'not_found' | 'expired' | 'answered' };

export interface AnswerSurveyDeps {
  cases: CaseRepository;
  surveys: SurveyStore;
  waits: WaitPort;
  workflow: WorkflowPort;
  satisfaction: SatisfactionStore;
  followUps: FollowUpStore;
  alerts: Pick<AlertPort, 'raise'>;
  /** The case's market: its follow-up threshold, and the zone its answer is counted in. */
  markets: Pick<MarketPolicies, 'of'>;
}

/**
 * Records the answer once, then follows it through: the case and its timeline, the satisfaction counters, a
 * follow-up task for a low score, and the waiting workflow (which then closes the case). Each of those is
 * idempotent, so an answer whose follow-through failed half-way is completed when the customer sends it again;
 * the first answer stands.
 */
export async function answerSurvey(deps: AnswerSurveyDeps, token: string, answer: SurveyAnswer, now: Date): Promise<SurveyAnswerResult> {
  const survey = await deps.surveys.get(token);
  if (!survey) return { status: 'gone', reason: 'not_found' };
  const first = await deps.surveys.answer(token, answer, now);
  const stored = first ? { ...survey, ...storedFields(answer), answeredAt: now.toISOString() } : await deps.surveys.get(token);
  if (!stored?.answeredAt) return { status: 'gone', reason: 'expired' };
  const record = await deps.cases.require(survey.caseId);
  const caseKnows = record.survey !== undefined && 'rating' in record.survey;
  if (!first && caseKnows && !(await deps.waits.undelivered(survey.caseId, 'survey'))) return { status: 'gone', reason: 'answered' };
  await followThrough(deps, record, stored, caseKnows, now);
  return { status: 'recorded', followUp: needsFollowUp(stored.rating!, deps.markets.of(record).policy.survey) };
}

async function followThrough(deps: AnswerSurveyDeps, record: CaseRecord, stored: SurveyRecord, caseKnows: boolean, now: Date): Promise<void> {
  const { caseId } = record;
  const at = stored.answeredAt!;
  const overall = stored.rating!;
  const aspects = Object.fromEntries(ASPECTS.filter((a) => stored[a] !== undefined).map((a) => [a, stored[a]!]));
  const market = deps.markets.of(record);
  const { policy } = market;
  if (!caseKnows) {
    await deps.cases.update(caseId, { survey: { rating: overall, answeredAt: at, ...aspects } });
    // Scores only: the comment is the customer's free text and stays with the survey.
    await deps.cases.appendTimeline(caseId, { at, actor: 'customer', event: 'survey_answered', detail: { rating: overall, ...aspects } });
  }
  await deps.satisfaction.countAnswer(caseId, { overall, ...aspects }, surveyBucket(record, new Date(stored.createdAt), market), stored.invitedIn);
  if (needsFollowUp(overall, policy.survey)) {
    const task = { caseId, openedAt: at, overall, caseType: record.type, orderId: record.orderId, customerId: record.customerId, comment: stored.comment ?? '' };
    const { opened } = await deps.followUps.open(task, now);
    if (opened) {
      await deps.cases.appendTimeline(caseId, { at: now.toISOString(), actor: 'pipeline', event: 'follow_up_opened', detail: { overall } });
      await deps.alerts.raise({
        kind: 'survey_low_score',
        caseId,
        at: now.toISOString(),
        message: `Case ${caseId} was rated ${overall}/5 overall: call the customer back and record it (POST /ops/cases/${caseId}/follow-up).`,
        detail: { overall, type: record.type },
      });
    }
  }
  await signal(deps, caseId, 'survey', { signal: 'answered', rating: overall });
}

function storedFields(answer: SurveyAnswer): Partial<SurveyRecord> {
  return { rating: answer.overall, comment: answer.comment, ...Object.fromEntries(ASPECTS.filter((a) => answer[a] !== undefined).map((a) => [a, answer[a]])) };
}
