import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { SurveyRecord } from '../adapters/survey-store.js';
import type { MarketPolicies } from '../domain/markets.js';
import { answerSurvey, type AnswerSurveyDeps, type SurveyAnswerResult } from '../use-cases/answer-survey.js';
import { htmlResponse as html, pageLocale } from '../web/layout.js';
import { surveyForm, surveyGonePage, thankYouPage, type SurveyGoneReason } from '../web/survey-pages.js';
import { formValues, INVALID_ANSWER_MESSAGE, parseAnswer, sentFields } from './survey-answer-form.js';
import { json, problem, rawBody } from './responses.js';

export interface SurveyAppDeps extends AnswerSurveyDeps {
  markets: MarketPolicies;
  logger: { info(message: string, detail: Record<string, unknown>): void; error(message: string, detail: Record<string, unknown>): void };
}

const GONE_JSON: Record<SurveyGoneReason, [number, string, string]> = {
  not_found: [404, 'survey_not_found', 'No survey has this link.'],
  answered: [410, 'survey_answered', 'This survey was already answered.'],
  expired: [410, 'survey_expired', 'This survey has expired.'],
};

function goneReason(survey: SurveyRecord | undefined, now: number): SurveyGoneReason | undefined {
  if (!survey) return 'not_found';
  if (survey.answeredAt) return 'answered';
  return Date.parse(survey.expiresAt) > now ? undefined : 'expired';
}

/**
 * The customer's survey: GET /surveys/{token}, the form; POST /surveys/{token}, the answer (form-encoded from the page,
 * or JSON). A browser gets pages, a JSON client a machine-readable `error`.
 */
export function surveyApp(deps: SurveyAppDeps) {
  const { logger } = deps;
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const token = event.pathParameters?.token ?? '';
    const wantsJson = (event.headers['content-type'] ?? '').includes('application/json') || (event.headers.accept ?? '').includes('application/json');
    const survey = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? await deps.surveys.get(token) : undefined;
    const locale = pageLocale(survey?.locale, deps.markets.market().policy.locale);
    const gone = goneReason(survey, Date.now());
    const refuse = (reason: SurveyGoneReason) => {
      const [status, code, message] = GONE_JSON[reason];
      return wantsJson ? problem(status, code, message) : html(status, surveyGonePage(locale, reason));
    };

    if (event.requestContext.http.method === 'GET') return gone ? refuse(gone) : html(200, surveyForm(locale, event.rawPath));
    // An answered survey goes on to the use case: an answer whose follow-through failed is completed when sent again.
    if (!survey || gone === 'not_found' || gone === 'expired') return refuse(gone ?? 'not_found');

    const sent = sentFields(rawBody(event), wantsJson);
    const parsed = parseAnswer(sent);
    if ('errors' in parsed) {
      return wantsJson ? problem(422, 'invalid_answer', INVALID_ANSWER_MESSAGE) : html(422, surveyForm(locale, event.rawPath, { errors: parsed.errors, values: formValues(sent) }));
    }
    let result: SurveyAnswerResult;
    try {
      result = await answerSurvey(deps, token, parsed.answer, new Date());
    } catch (error) {
      logger.error('survey answer failed', { caseId: survey.caseId, errorName: (error as Error).name });
      return wantsJson
        ? problem(503, 'temporarily_unavailable', 'Your answer could not be saved; please send it again.')
        : html(503, surveyForm(locale, event.rawPath, { unavailable: true, values: formValues(sent) }));
    }
    logger.info('survey answer', { caseId: survey.caseId, result: result.status, followUp: result.status === 'recorded' && result.followUp });
    if (result.status === 'gone') return refuse(result.reason);
    return wantsJson ? json(200, { status: 'recorded', followUp: result.followUp }) : html(200, thankYouPage(locale, { followUp: result.followUp }));
  };
}
