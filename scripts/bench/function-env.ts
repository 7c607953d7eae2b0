/**
 * Every variable a function module reads at import, with placeholder values: enough for each handler to build itself
 * (no call goes out at import), for the bundle bench (scripts/bench.ts) and for tests that import handlers as a cold
 * start does (tests/unit/cold-start-work.test.ts).
 */
export const FUNCTION_ENV: Readonly<Record<string, string>> = {
  TABLE_NAME: 't',
  INTAKE_QUEUE_URL: 'http://127.0.0.1:9/q',
  NOTICE_QUEUE_URL: 'http://127.0.0.1:9/q',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:x',
  CARRIER_API_URL: 'http://127.0.0.1:9/',
  ORDER_PLATFORM_API_URL: 'http://127.0.0.1:9/',
  NOTICE_FROM_EMAIL: 'a@example.com',
  PUBLIC_BASE_URL: 'http://127.0.0.1:9',
  EVIDENCE_UPLOAD_URL: 'https://shop.example.com/aftersales/{requestId}/evidence',
  REMEDY_CHOICE_URL: 'https://shop.example.com/aftersales/{requestId}/choose?remedy={choice}',
  OPERATOR_SIGN_IN_URL: 'http://127.0.0.1:9/sign-in',
  OPERATOR_ISSUER: 'http://127.0.0.1:9/sign-in',
  OPERATOR_CLIENT_ID: 'x',
  CONSOLE_URL: 'http://127.0.0.1:9/console',
  EXECUTION_LINK: '/local/executions/{executionName}',
  WEBHOOK_SECRET: 'x',
  CARRIER_WEBHOOK_SECRET: 'x',
  STATUS_LINK_SECRET: 'x',
  ORDER_PLATFORM_TOKEN: 'x',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'x',
  POWERTOOLS_LOG_LEVEL: 'CRITICAL',
};
