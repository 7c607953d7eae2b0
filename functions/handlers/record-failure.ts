import { recordFailureConfig, readConfig } from '../config/functions.js';
import * as z from 'zod/mini';
import { recordFailure } from '../use-cases/steps/record-failure.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { caseStore } from '../wiring/stores.js';

const config = readConfig(recordFailureConfig);
const cases = caseStore(config);
const input = z.object({ caseId: z.string(), error: z._default(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) }), {}) });

/** Workflow catch-all: puts the case in front of an operator and raises the alarm in the logs and metrics. */
async function handle(event: unknown) {
  const { caseId, error } = input.parse(event);
  const result = await recordFailure(cases, caseId, error, new Date());
  logger.error('case needs attention', { caseId, errorName: result.errorName });
  return result;
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);
