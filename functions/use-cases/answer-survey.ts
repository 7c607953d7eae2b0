import type { CaseStore } from '../adapters/case-store.js';
import type { SurveyStore } from '../adapters/survey-store.js';
import type { WaitStore } from '../adapters/wait-store.js';
import type { CaseWorkflow } from '../adapters/workflow.js';
import { signal } from './apply-intake-event.js';

export type SurveyAnswerResult = 'recorded' | 'gone';

/** Records the answer once and resumes the case's workflow, which then closes the case. */
export async function answerSurvey(
  deps: { cases: CaseStore; surveys: SurveyStore; waits: WaitStore; workflow: CaseWorkflow },
  token: string,
  answer: { rating: number; comment: string },
  now: Date,
): Promise<SurveyAnswerResult> {
  const survey = await deps.surveys.get(token);
  if (!survey) return 'gone';
  if (!(await deps.surveys.answer(token, answer.rating, answer.comment, now))) {
    // Answered before, but the workflow may not have heard (its resume failed): deliver the recorded answer now.
    const stuck = survey.answeredAt ? await deps.waits.undelivered(survey.caseId, 'survey') : undefined;
    if (!stuck) return 'gone';
    await deps.workflow.resume(stuck.taskToken, stuck.signal);
    await deps.waits.consume(survey.caseId, 'survey', stuck.taskToken);
    return 'recorded';
  }
  const at = now.toISOString();
  await deps.cases.update(survey.caseId, { survey: { rating: answer.rating, answeredAt: at } });
  await deps.cases.appendTimeline(survey.caseId, { at, actor: 'customer', event: 'survey_answered', detail: { rating: answer.rating } });
  await signal(deps, survey.caseId, 'survey', { signal: 'answered', rating: answer.rating });
  return 'recorded';
}
