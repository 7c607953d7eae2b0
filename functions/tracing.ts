import { Tracer } from '@aws-lambda-powertools/tracer';
import { decorateAwsClients } from './adapters/aws-clients.js';

/**
 * X-Ray tracing with Powertools Tracer, for the functions whose time goes to outside systems (tracking providers,
 * the order platform, SES and SMS): imported first by their handler, it captures every AWS SDK client they make
 * (adapters/aws-clients.ts) and their outbound HTTP and fetch calls, each a subsegment of the invocation. The other
 * functions keep X-Ray's invocation segment only: the tracer and the X-Ray SDK add ~120 KiB to a minified bundle
 * (~36 KiB gzip, measured on the notifier) and time to a cold start. Off outside Lambda (local runtime, tests) and
 * with POWERTOOLS_TRACE_ENABLED=false.
 */
export const tracer = new Tracer();

decorateAwsClients((client) => tracer.captureAWSv3Client(client));
