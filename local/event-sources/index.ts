export { HandledAfterVisibilityTimeout, startSqsPollers, type SqsPollers, type SqsPollerOptions, type BatchRecord, type PollerErrorContext } from './sqs-poller.js';
export { buildSqsEvent } from './sqs-event.js';
export { startSnsSubscriptions, snsEvent } from './sns-subscriptions.js';
