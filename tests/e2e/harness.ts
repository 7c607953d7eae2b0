import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalPipeline, type LocalPipeline } from '../../local/pipeline.js';
import { DEV_OPS_TOKEN, DEV_WEBHOOK_SECRET, type LocalOverrides } from '../../local/config.js';
import { OpsClient, OrderPlatformClient } from '../../scripts/webhook-client.js';

export interface Harness {
  pipeline: LocalPipeline;
  platform: OrderPlatformClient;
  ops: OpsClient;
  emails(to?: string): Promise<Array<{ subject: string; destination: { to: string[] }; body: { text?: string; html?: string } }>>;
  stop(): Promise<void>;
}

/**
 * Starts the whole local runtime (the same one `npm start` runs) on free ports with a throw-away data directory
 * and short waits, and gives tests the order platform's and an operator's view of it.
 */
export async function startHarness(timings: Partial<Record<string, string>> = {}, overrides: Omit<LocalOverrides, 'timings'> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aftersales-e2e-'));
  const pipeline = await startLocalPipeline({
    port: 0,
    dataDir,
    logLevel: process.env.E2E_LOG_LEVEL ?? 'CRITICAL',
    webhookSecret: DEV_WEBHOOK_SECRET,
    opsToken: DEV_OPS_TOKEN,
    retryIntervalMs: 100,
    visibilityTimeoutSeconds: 1,
    timings: {
      CARRIER_RECHECK_SECONDS: '1',
      EVIDENCE_WAIT_SECONDS: '120',
      RETURN_WAIT_SECONDS: '120',
      SURVEY_DELAY_SECONDS: '1',
      SURVEY_EXPIRY_SECONDS: '5',
      SURVEY_REMINDER_SECONDS: '3',
      COMPENSATION_CONFIRM_SECONDS: '3',
      REVIEW_REMINDER_SECONDS: '60',
      REVIEW_ESCALATION_SECONDS: '120',
      CHOICE_TIMEOUT_SECONDS: '2',
      ADVANCE_RETURN_DEADLINE_SECONDS: '60',
      ...timings,
    },
    ...overrides,
  }, (line) => {
    if (process.env.E2E_VERBOSE) console.log(`[local] ${line}`);
  });
  return {
    pipeline,
    platform: new OrderPlatformClient(pipeline.urls.api, DEV_WEBHOOK_SECRET),
    ops: new OpsClient(pipeline.urls.api, DEV_OPS_TOKEN),
    async emails(to) {
      const store = (await (await fetch(pipeline.urls.emailStore)).json()) as { emails: Awaited<ReturnType<Harness['emails']>> };
      return to ? store.emails.filter((mail) => mail.destination.to.includes(to)) : store.emails;
    },
    async stop() {
      await pipeline.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The case reached its end and its timeline says so: a step writes the status, then the timeline entry, so a reader
 * polling the status alone could see a closed case whose last entry is a moment away.
 */
export const isSettled = (view: Record<string, any>) => {
  const events = new Set<string>((view.timeline ?? []).map((e: { event: string }) => e.event));
  if (view.status === 'closed') return events.has('case_closed') || events.has('closed_as_duplicate');
  return view.status === 'needs_attention' && events.has('step_failed');
};
