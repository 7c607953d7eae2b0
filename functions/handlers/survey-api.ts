import { surveyApiConfig, readConfig } from '../config/functions.js';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import type { SurveyRecord } from '../adapters/survey-store.js';
import { ASPECTS, COMMENT_MAX_LENGTH } from '../domain/satisfaction.js';
import { json, problem, rawBody } from '../http/responses.js';
import { answerSurvey } from '../use-cases/answer-survey.js';
import { htmlResponse as html, pageLocale } from '../web/layout.js';
import { surveyForm, surveyGonePage, thankYouPage, type SurveyFormError, type SurveyFormValues, type SurveyGoneReason } from '../web/survey-pages.js';
import { markets } from '../wiring.js';
import { opsAlerts } from '../wiring/alerts.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { caseStore, followUpStore, satisfactionStore, surveyStore, waitStore } from '../wiring/stores.js';
import { caseWorkflow } from '../wiring/workflow.js';

const config = readConfig(surveyApiConfig);
const cases = caseStore(config);
const surveys = surveyStore(config);
const waits = waitStore(config);
const satisfaction = satisfactionStore(config);
const followUps = followUpStore(config);
const workflow = caseWorkflow();
const alerts = opsAlerts(config);
// Each case is decided under its own market's policy and calendar (order.market; the default market without one).
const deploymentMarkets = markets(config);
const score = z.int().check(z.minimum(1), z.maximum(5));
const answerSchema = z.object({
  rating: score,
  speed: z.optional(score),
  resolution: z.optional(score),
  attitude: z.optional(score),
  comment: z._default(z.string().check(z.maxLength(COMMENT_MAX_LENGTH)), ''),
});
const SCORE_FIELDS = ['rating', ...ASPECTS] as const;

/** Forms post text: the digits 1-5 alone count as a score (no coercion of "0x5", true or [5]); an empty aspect is no answer. */
function withScoreDigits(fields: unknown): unknown {
  if (typeof fields !== 'object' || fields === null) return fields;
  const out: Record<string, unknown> = { ...fields };
  for (const name of SCORE_FIELDS) {
    const value = out[name];
    if (typeof value === 'string' && /^[1-5]$/.test(value)) out[name] = Number(value);
    else if (value === '' && name !== 'rating') delete out[name];
  }
  return out;
}

/** Which problems a refused answer had, for the form's messages. */
function formErrors(fields: Record<string, unknown>): SurveyFormError[] {
  const errors: SurveyFormError[] = [];
  if (fields.rating === undefined || fields.rating === '') errors.push('overall_missing');
  if (SCORE_FIELDS.some((name) => fields[name] !== undefined && fields[name] !== '' && !score.safeParse(fields[name]).success)) errors.push('score_invalid');
  if (typeof fields.comment === 'string' && fields.comment.length > COMMENT_MAX_LENGTH) errors.push('comment_too_long');
  return errors.length > 0 ? errors : ['score_invalid'];
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

/** GET /surveys/{token}: the form. POST /surveys/{token}: the answer (form-encoded from the page, or JSON). */
async function handle(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const token = event.pathParameters?.token ?? '';
  const wantsJson = (event.headers['content-type'] ?? '').includes('application/json') || (event.headers.accept ?? '').includes('application/json');
  const survey = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? await surveys.get(token) : undefined;
  const locale = pageLocale(survey?.locale, deploymentMarkets.market().policy.locale);
  const gone = goneReason(survey, Date.now());
  const refuse = (reason: SurveyGoneReason) => {
    const [status, code, message] = GONE_JSON[reason];
    return wantsJson ? problem(status, code, message) : html(status, surveyGonePage(locale, reason));
  };

  if (event.requestContext.http.method === 'GET') return gone ? refuse(gone) : html(200, surveyForm(locale, event.rawPath));
  // An answered survey goes on to the use case: an answer whose follow-through failed is completed when sent again.
  if (!survey || gone === 'not_found' || gone === 'expired') return refuse(gone ?? 'not_found');

  const body = rawBody(event);
  const sent = wantsJson ? safeJson(body) : Object.fromEntries(new URLSearchParams(body));
  const parsed = answerSchema.safeParse(withScoreDigits(sent));
  if (!parsed.success) {
    const fields = typeof sent === 'object' && sent !== null ? (sent as Record<string, unknown>) : {};
    return wantsJson
      ? problem(
          422,
          'invalid_answer',
          `rating (overall) is required; rating, speed, resolution and attitude are whole numbers from 1 to 5; comment at most ${COMMENT_MAX_LENGTH} characters.`,
        )
      : html(422, surveyForm(locale, event.rawPath, { errors: formErrors(fields), values: formValues(fields) }));
  }
  const { rating, comment, ...aspects } = parsed.data;
  let result: Awaited<ReturnType<typeof answerSurvey>>;
  try {
    result = await answerSurvey(
      { cases, surveys, waits, workflow, satisfaction, followUps, alerts, markets: deploymentMarkets },
      token,
      { overall: rating, comment, ...aspects },
      new Date(),
    );
  } catch (error) {
    logger.error('survey answer failed', { caseId: survey.caseId, errorName: (error as Error).name });
    return wantsJson
      ? problem(503, 'temporarily_unavailable', 'Your answer could not be saved; please send it again.')
      : html(503, surveyForm(locale, event.rawPath, { unavailable: true, values: formValues(sent as Record<string, unknown>) }));
  }
  logger.info('survey answer', { caseId: survey.caseId, result: result.status, followUp: result.status === 'recorded' && result.followUp });
  if (result.status === 'gone') return refuse(result.reason);
  return wantsJson ? json(200, { status: 'recorded', followUp: result.followUp }) : html(200, thankYouPage(locale, { followUp: result.followUp }));
}

function formValues(fields: Record<string, unknown>): SurveyFormValues {
  const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);
  return {
    rating: text(fields.rating),
    speed: text(fields.speed),
    resolution: text(fields.resolution),
    attitude: text(fields.attitude),
    comment: text(fields.comment)?.slice(0, COMMENT_MAX_LENGTH * 2),
  };
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return {};
  }
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);
