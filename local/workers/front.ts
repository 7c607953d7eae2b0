import type { LocalFunction, LocalHttpRoute } from '../cfn/types.js';
import { startHttpGateway } from '../gateway/http-gateway.js';
import { proxyTo } from '../gateway/proxy.js';
import type { LocalValues } from '../lambda/environment.js';
import { LocalLambdaRuntime } from '../lambda/runtime.js';
import { serveWorker } from './serve.js';

export interface FrontData {
  port: number;
  host: string;
  accountId: string;
  repoRoot: string;
  /** The routes answered on this thread, and the functions behind them. */
  routes: LocalHttpRoute[];
  functions: Record<string, LocalFunction>;
  throttle: boolean;
  /** The main thread's gateway: every other route, the console's sign-in and the local pages. */
  backendUrl: string;
}

export interface FrontReady {
  url: string;
  port: number;
}

/**
 * The API's public port, on a thread of its own: the order platform's webhooks are verified, deduplicated and queued
 * here by the ingest function's own handler (one DynamoDB write, one SQS send, as in AWS), so their answer never waits
 * behind the workflow engine and the other functions on the main thread. Everything else is passed to the main
 * thread's gateway as it came.
 */
serveWorker<FrontData, FrontReady>(async (data, log) => {
  // The ingest function's own environment: its template's, with the local values the main thread sends once the API
  // listens (method `localValues`); its cold start waits for them.
  let provideLocalValues: (values: LocalValues) => void = () => {};
  const localValues = new Promise<LocalValues>((resolve) => (provideLocalValues = resolve));
  const lambda = new LocalLambdaRuntime({ topology: { functions: data.functions }, repoRoot: data.repoRoot, localValues });
  const gateway = await startHttpGateway({
    port: data.port,
    host: data.host,
    topology: { httpRoutes: data.routes, accountId: data.accountId },
    lambda,
    throttle: data.throttle,
    fallback: proxyTo(data.backendUrl),
    onError: (error, routeKey) => log(`${routeKey} failed (${(error as Error).name})`),
  });
  return { ready: { url: gateway.url, port: gateway.port }, stop: gateway.close, methods: { localValues: (values: LocalValues) => provideLocalValues(values) } };
});
