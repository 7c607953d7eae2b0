import { describe, expect, it } from 'vitest';
import { resolveTopology } from '../../local/cfn/index.js';
import { functionEnvironment, type LocalValues } from '../../local/lambda/environment.js';
import { LocalLambdaRuntime } from '../../local/lambda/runtime.js';
import { LOCAL_STACK_NAME, synthesizeTemplate } from '../../local/synth.js';
import { repoRoot } from './fixtures/runtime-fixture.js';

/**
 * Issue 14, item 1: locally each function gets only its own environment from the synthesized template (plus the
 * local stand-ins for what AWS gives it), not every function's merged into one process.
 */
const topology = resolveTopology(synthesizeTemplate(), { region: 'us-east-1', accountId: '000000000000', sqsEndpoint: 'http://127.0.0.1:1', stackName: LOCAL_STACK_NAME });
const byEntry = (handler: string) => Object.values(topology.functions).find((fn) => fn.entry === `functions/handlers/${handler}.ts`)!;
const local: LocalValues = {
  replacing: { WEBHOOK_SECRET: 'whsec_local', PUBLIC_BASE_URL: 'http://127.0.0.1:3000', STATUS_LINK_SECRET: 'local-status', POWERTOOLS_LOG_LEVEL: 'WARN' },
  settings: { SURVEY_EXPIRY_SECONDS: '20', NOTICE_CLAIM_STALE_SECONDS: '30' },
};

describe('each function’s own environment (local runtime)', () => {
  it('a variable only the notifier has is absent for review', async () => {
    const lambda = new LocalLambdaRuntime({ topology, repoRoot, localValues: local });
    const notifier = await lambda.environmentOf(byEntry('notifier').logicalId);
    const review = await lambda.environmentOf(byEntry('review').logicalId);
    expect(notifier.NOTICE_FROM_EMAIL).toBeDefined();
    expect(notifier.PUBLIC_BASE_URL).toBe('http://127.0.0.1:3000');
    expect(review.NOTICE_FROM_EMAIL).toBeUndefined();
    expect(review.PUBLIC_BASE_URL).toBeUndefined();
    expect(review.TABLE_NAME).toBe(notifier.TABLE_NAME);
  });

  it('a local secret goes only where the template has the secret; a local timing only where the schema reads it', () => {
    expect(functionEnvironment(byEntry('ingest-webhook'), local).WEBHOOK_SECRET).toBe('whsec_local');
    expect(functionEnvironment(byEntry('ops-api'), local).WEBHOOK_SECRET).toBeUndefined();
    expect(functionEnvironment(byEntry('status-page'), local).STATUS_LINK_SECRET).toBe('local-status');
    expect(functionEnvironment(byEntry('review'), local).STATUS_LINK_SECRET).toBeUndefined();
    expect(functionEnvironment(byEntry('classify'), local).SURVEY_EXPIRY_SECONDS).toBe('20');
    expect(functionEnvironment(byEntry('survey'), local).SURVEY_EXPIRY_SECONDS).toBeUndefined();
    expect(functionEnvironment(byEntry('notifier'), local).NOTICE_CLAIM_STALE_SECONDS).toBe('30');
    // Every function's template sets the log level, so the local one replaces it everywhere.
    expect(Object.values(topology.functions).every((fn) => functionEnvironment(fn, local).POWERTOOLS_LOG_LEVEL === 'WARN')).toBe(true);
  });
});
