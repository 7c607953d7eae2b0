import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { answerSurvey } from '../use-cases/answer-survey.js';
import { surveyForm, surveyGonePage, thankYouPage } from '../web/survey-pages.js';
import { caseStores, caseWorkflow, logger } from '../wiring.js';
import { json, problem, rawBody } from '../http/responses.js';

const { cases, surveys, waits } = caseStores();
const workflow = caseWorkflow();
const answerSchema = z.object({
  rating: z.int().check(z.minimum(1), z.maximum(5)),
  comment: z._default(z.string().check(z.maxLength(1000)), ''),
});

/** Forms post text: the digits 1-5 alone count as a rating (no coercion of "0x5", true or [5]). */
function withRatingDigit(fields: unknown): unknown {
  if (typeof fields !== 'object' || fields === null) return fields;
  const rating = (fields as { rating?: unknown }).rating;
  return typeof rating === 'string' && /^[1-5]$/.test(rating) ? { ...fields, rating: Number(rating) } : fields;
}

const html = (statusCode: number, body: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'" },
  body,
});

/** GET /surveys/{token}: the form. POST /surveys/{token}: the answer (form-encoded from the page, or JSON). */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const token = event.pathParameters?.token ?? '';
  const wantsJson = (event.headers['content-type'] ?? '').includes('application/json') || (event.headers.accept ?? '').includes('application/json');
  const survey = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? await surveys.get(token) : undefined;
  const locale = survey?.locale === 'en' ? 'en' : 'zh-CN';
  const open = survey && !survey.answeredAt && Date.parse(survey.expiresAt) > Date.now();

  if (event.requestContext.http.method === 'GET') {
    return open ? html(200, surveyForm(locale, event.rawPath)) : html(410, surveyGonePage(locale));
  }
  // An answered survey goes on to the use case: an answer whose delivery to the workflow failed is delivered again.
  if (!survey || (!open && !survey.answeredAt)) {
    return wantsJson ? problem(410, 'survey_closed', 'This survey has expired or was already answered.') : html(410, surveyGonePage(locale));
  }

  const body = rawBody(event);
  const fields = withRatingDigit(wantsJson ? safeJson(body) : Object.fromEntries(new URLSearchParams(body)));
  const parsed = answerSchema.safeParse(fields);
  if (!parsed.success) {
    return wantsJson
      ? problem(422, 'invalid_answer', 'rating must be a whole number from 1 to 5; comment at most 1000 characters.')
      : html(422, surveyForm(locale, event.rawPath, 'invalid'));
  }
  let result: Awaited<ReturnType<typeof answerSurvey>>;
  try {
    result = await answerSurvey({ cases, surveys, waits, workflow }, token, parsed.data, new Date());
  } catch (error) {
    logger.error('survey answer failed', { caseId: survey.caseId, errorName: (error as Error).name });
    return wantsJson ? problem(503, 'temporarily_unavailable', 'Your answer could not be saved; please send it again.') : html(503, surveyForm(locale, event.rawPath));
  }
  logger.info('survey answer', { caseId: survey.caseId, result });
  if (result === 'gone') return wantsJson ? problem(410, 'survey_closed', 'This survey has expired or was already answered.') : html(410, surveyGonePage(locale));
  return wantsJson ? json(200, { status: 'recorded' }) : html(200, thankYouPage(locale));
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return {};
  }
}
