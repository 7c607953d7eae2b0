import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { optional } from '../config.js';
import { CASE_ID_PATTERN } from '../domain/case-id.js';
import { caseReport } from '../use-cases/case-report.js';
import { caseStores, logger } from '../wiring.js';
import { isOperator } from '../http/ops-auth.js';

const { cases } = caseStores();
const opsToken = optional('OPS_TOKEN');
const app = new Router();

const reply = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });

app.get('/ops/cases/:caseId', async ({ params }) => {
  const caseId = params.caseId ?? '';
  if (!CASE_ID_PATTERN.test(caseId)) return reply(404, { error: 'case_not_found', message: 'No case has this id.' });
  const view = await cases.view(caseId);
  if (!view) return reply(404, { error: 'case_not_found', message: 'No case has this id.' });
  return reply(200, caseReport(view));
});

app.notFound(async () => reply(404, { error: 'not_found', message: 'No such operations endpoint.' }));
app.errorHandler(Error, async (error) => {
  logger.error('ops request failed', { errorName: error.name });
  return reply(500, { error: 'internal_error', message: 'The request failed; nothing was changed.' });
});

/** Operations API: /ops/* (IAM in AWS, bearer token locally). */
export async function handler(event: APIGatewayProxyEventV2, context: Context) {
  if (!isOperator(event, opsToken)) {
    return { statusCode: 401, headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }, body: JSON.stringify({ error: 'unauthorized', message: 'Operator credentials are required.' }) };
  }
  return app.resolve(event, context);
}
