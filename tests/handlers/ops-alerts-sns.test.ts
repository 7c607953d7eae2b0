import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { WaitStore } from '../../functions/adapters/wait-store.js';
import { CaseWorkflow } from '../../functions/adapters/workflow.js';
import { readConfig, reviewTimerConfig } from '../../functions/config/functions.js';
import { awaitEvent } from '../../functions/use-cases/steps/await-event.js';
import { type SnsEmulator, startSnsEmulator } from '../../local/emulators/sns.js';
import { type HandlerEnv, startHandlerEnv, TABLE_NAME } from './env.js';
import { seedCase } from './fixtures.js';

/**
 * Operator alerts published to SNS (functions/wiring/alerts.ts): the client and its code are made on the first
 * alert, so a first alert that fails (SNS unreachable, or the client's chunk failing to load) must not leave the
 * function unable to publish later ones. Through a real handler (review-timer's reminder) and the local SNS emulator.
 */
const TOPIC = 'arn:aws:sns:eu-central-1:000000000000:OpsAlerts';
let env: HandlerEnv;
let sns: SnsEmulator;
let port: number;

async function inReview() {
  const { caseId } = await seedCase(env.db, {
    record: {
      status: 'in_review',
      priority: 50,
      priorityBand: 'normal',
      decision: { decision: 'manual', rule: 'manual.above_approval_threshold', reasonCode: 'high_value', at: new Date().toISOString() },
    },
  });
  const deps = { cases: new CaseStore(env.db, TABLE_NAME), waits: new WaitStore(env.db, TABLE_NAME), workflow: new CaseWorkflow(new SFNClient({}), undefined) };
  await awaitEvent(deps, caseId, 'manual_review', `token-${caseId}`, new Date(), { reminderSeconds: 4 * 3600, escalationSeconds: 8 * 3600 });
  return caseId;
}

/** A cold start of review-timer with the topic configured: the lazy SNS client is per instance. */
async function coldStart() {
  vi.resetModules();
  const { createHandler } = await import('../../functions/handlers/review-timer.js');
  return createHandler(readConfig(reviewTimerConfig, { TABLE_NAME, OPS_ALERTS_TOPIC_ARN: TOPIC }));
}

const publishedFor = (caseId: string) => sns.messages().filter((m) => m.topicArn === TOPIC && m.subject?.includes(caseId));

beforeAll(async () => {
  sns = await startSnsEmulator();
  port = Number(new URL(sns.url).port);
  env = await startHandlerEnv({ env: { AWS_ENDPOINT_URL_SNS: sns.url } });
});

afterAll(async () => {
  vi.doUnmock('../../functions/adapters/sns.js');
  await sns?.close();
  await env?.close();
});

describe('operator alerts on SNS', () => {
  it('an alert is published to OPS_ALERTS_TOPIC_ARN; an unreachable SNS fails the step, and the next alert publishes', async () => {
    const handler = await coldStart();
    const first = await inReview();
    await handler({ caseId: first, stage: 'reminder' });
    expect(publishedFor(first)).toHaveLength(1);
    expect(JSON.parse(publishedFor(first)[0]!.message)).toMatchObject({ caseId: first });

    await sns.close();
    const second = await inReview();
    await expect(handler({ caseId: second, stage: 'reminder' })).rejects.toThrow();

    sns = await startSnsEmulator({ port });
    const third = await inReview();
    await handler({ caseId: third, stage: 'reminder' });
    expect(publishedFor(third)).toHaveLength(1);
  });

  it('an SNS client that fails to be made fails that alert only: the next alert makes one and publishes', async () => {
    let made = 0;
    vi.doMock('../../functions/adapters/sns.js', async (importOriginal) => {
      const sdk = await importOriginal<typeof import('../../functions/adapters/sns.js')>();
      class FailingOnceClient extends sdk.SNSClient {
        constructor(config: import('@aws-sdk/client-sns').SNSClientConfig) {
          made += 1;
          if (made === 1) throw new Error('client could not be made');
          super(config);
        }
      }
      return { ...sdk, SNSClient: FailingOnceClient };
    });
    const handler = await coldStart();
    const first = await inReview();
    await expect(handler({ caseId: first, stage: 'reminder' })).rejects.toThrow('client could not be made');
    expect(publishedFor(first)).toEqual([]);

    const second = await inReview();
    await handler({ caseId: second, stage: 'reminder' });
    expect(publishedFor(second)).toHaveLength(1);
    expect(made).toBe(2);
  });
});
