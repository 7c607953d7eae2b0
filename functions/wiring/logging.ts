import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

/** The functions' structured logger (Powertools Logger, service `aftersales`). */
export const logger = new Logger({ serviceName: 'aftersales' });

/**
 * A handler as the Lambda entry: before each invocation the logger is given the Lambda context, so every log line
 * carries the request id, function name and cold start (what Powertools' injectLambdaContext middleware does, without
 * middy). A call without a Lambda context (a test calling the handler directly) runs the handler unchanged.
 */
export function withLambdaContext<A extends [unknown, ...unknown[]], R>(handle: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    const context = args[1] as Partial<Context> | undefined;
    if (typeof context?.awsRequestId === 'string') logger.addContext(context as Context);
    return handle(...args);
  };
}
