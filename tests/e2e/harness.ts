import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalPipeline, type LocalPipeline } from '../../local/pipeline.js';
import type { OperatorRole } from '../../functions/domain/operators.js';
import { DEV_OPS_TOKEN, DEV_WEBHOOK_SECRET, type LocalOverrides } from '../../local/config.js';
import { DEFAULT_OPS_USERS, type LocalOperator } from '../../local/operators.js';
import { OpsClient, OrderPlatformClient } from '../../scripts/webhook-client.js';

/** One operator's view of the ops API through the local gateway (which checks the token as the JWT authorizer would). */
export interface OpsCaller {
  name: string;
  role: OperatorRole;
  /** The bearer token, for a hand-made fetch (header `authorization: Bearer <token>`). */
  token: string;
  /** Any /ops request; `body` is sent as JSON. The answer's body is parsed JSON, or text (CSV) otherwise. */
  request(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; body: any }>;
  get(path: string): Promise<{ status: number; headers: Headers; body: any }>;
  post(path: string, body?: unknown): Promise<{ status: number; headers: Headers; body: any }>;
}

export interface Harness {
  pipeline: LocalPipeline;
  platform: OrderPlatformClient;
  /** Polls cases as the `ops-token` supervisor (OPS_TOKEN), as scripts do. */
  ops: OpsClient;
  /**
   * Calls the ops API as a local operator: by role, the default user of that role (`dev-viewer`, `dev-agent`,
   * `dev-supervisor`), or by name any operator of the run (`ops-token`, or those of an `opsUsers` override).
   * Two different supervisors, for four eyes: `dev-supervisor` and `ops-token`. For example
   * `await h.opsAs('viewer').post('/ops/cases/AS-…/decision', { decision: 'approve', reason: '…' })` gives
   * `{ status: 403, body: { error: 'forbidden', needs: 'agent', … } }`.
   */
  opsAs(roleOrName: OperatorRole | string): OpsCaller;
  emails(to?: string): Promise<Mail[]>;
  /**
   * The mails to `to` once `ready` holds for them (polled up to `timeoutMs`): the notifier sends after the case moves
   * on, so a case that shows a milestone, or has closed, may not have its mail in the store yet.
   */
  emailsWhen(to: string, ready: (mails: Mail[]) => boolean, timeoutMs?: number): Promise<Mail[]>;
  stop(): Promise<void>;
}

/**
 * Starts the whole local runtime (the same one `npm start` runs) on free ports with a throw-away data directory
 * and short waits, and gives tests the order platform's and an operator's view of it.
 */
export async function startHarness(timings: Partial<Record<string, string>> = {}, overrides: Omit<LocalOverrides, 'timings'> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aftersales-e2e-'));
  const pipeline = await startLocalPipeline(
    {
      port: 0,
      dataDir,
      logLevel: process.env.E2E_LOG_LEVEL ?? 'CRITICAL',
      webhookSecret: DEV_WEBHOOK_SECRET,
      opsToken: DEV_OPS_TOKEN,
      opsUsers: DEFAULT_OPS_USERS.map((user) => ({ ...user })), // not the developer's OPS_USERS
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
    },
    (line) => {
      if (process.env.E2E_VERBOSE) console.log(`[local] ${line}`);
    },
  );
  const harness: Harness = {
    pipeline,
    platform: new OrderPlatformClient(pipeline.urls.api, DEV_WEBHOOK_SECRET),
    ops: new OpsClient(pipeline.urls.api, DEV_OPS_TOKEN),
    opsAs(roleOrName) {
      const byName = pipeline.operators.find((op) => op.name === roleOrName);
      const byRole = pipeline.operators.find((op) => op.role === roleOrName); // OPS_USERS come before ops-token
      const operator = byName ?? byRole;
      if (!operator) throw new Error(`no local operator is named, or has the role, "${roleOrName}"`);
      return opsCaller(pipeline.urls.api, operator);
    },
    async emails(to) {
      const store = (await (await fetch(pipeline.urls.emailStore)).json()) as { emails: Mail[] };
      return to ? store.emails.filter((mail) => mail.destination.to.includes(to)) : store.emails;
    },
    async emailsWhen(to, ready, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mails = await harness.emails(to);
        if (ready(mails) || Date.now() > deadline) return mails;
        await new Promise((ok) => setTimeout(ok, 200));
      }
    },
    async stop() {
      await pipeline.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** A mail as the local SES store lists it. */
export interface Mail {
  subject: string;
  destination: { to: string[] };
  body: { text?: string; html?: string };
}

function opsCaller(apiUrl: string, operator: LocalOperator): OpsCaller {
  const request = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${operator.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const json = /json/.test(res.headers.get('content-type') ?? '');
    return { status: res.status, headers: res.headers, body: json && text ? JSON.parse(text) : text };
  };
  return { ...operator, request, get: (path) => request('GET', path), post: (path, body) => request('POST', path, body) };
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
