import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEV_OPS_TOKEN, DEV_WEBHOOK_SECRET } from '../../local/config.js';
import { requestedEvent } from '../../scripts/example-cases.js';
import { OpsClient, OrderPlatformClient } from '../../scripts/webhook-client.js';
import { freePortBlock } from './free-ports.js';

/**
 * Issue 11, item 6: `npm start` killed with SIGKILL right after answering webhooks 202 loses none of them. The
 * runtime runs in a child process (local/main.ts, as `npm start` runs it) so the kill is a real kill -9, and is
 * started again on the same data directory.
 */
const root = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'aftersales-crash-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Starts `local/main.ts` under tsx's loader in ONE process (the `tsx` command would run it in a child of its own,
 * which a SIGKILL to the command leaves running), and resolves with its API URL once it prints its banner.
 */
async function startRuntime(port: number): Promise<{ child: ChildProcess; api: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      LOCAL_DATA_DIR: dataDir,
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
      LOCAL_VISIBILITY_TIMEOUT_SECONDS: '1',
      OPS_USERS: undefined,
      OPS_TOKEN: undefined,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  await new Promise<void>((ok, fail) => {
    const timer = setInterval(() => {
      if (output.includes('running locally')) {
        clearInterval(timer);
        ok();
      }
    }, 100);
    child.on('exit', (code) => {
      clearInterval(timer);
      fail(new Error(`runtime exited (${code}) before it was ready:\n${output}`));
    });
  });
  return { child, api: `http://127.0.0.1:${port}`, output: () => output };
}

/** How many of the cases' intake messages the journal holds undeleted. */
function stillQueued(journal: string, caseIds: string[]): number {
  const entries = journal.split('\n').flatMap((line) => (line ? [JSON.parse(line) as { op: string; id: string; body?: string }] : []));
  const deleted = new Set(entries.filter((e) => e.op === 'delete').map((e) => e.id));
  return entries.filter((e) => e.op === 'put' && !deleted.has(e.id) && caseIds.some((id) => e.body?.includes(id))).length;
}

describe('kill -9 of the local runtime', () => {
  it('processes every webhook it answered 202 once started again on the same data', async () => {
    const port = await freePortBlock();
    const first = await startRuntime(port);
    const platform = new OrderPlatformClient(first.api, DEV_WEBHOOK_SECRET);
    const answers = await Promise.all(Array.from({ length: 8 }, () => platform.send(requestedEvent({ caseType: 'lost' }))));
    first.child.kill('SIGKILL'); // at once: the intake queue still holds (some of) them
    await new Promise((ok) => first.child.once('exit', ok));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(202));
    const caseIds = answers.map((a) => String(a.body.caseId));

    // Each accepted message was journaled before its 202, and the kill left some of them unprocessed (else this
    // test would prove nothing): the restart has to bring those back.
    const journal = readFileSync(join(dataDir, 'sqs.jsonl'), 'utf8');
    for (const caseId of caseIds) expect(journal).toContain(caseId);
    expect(stillQueued(journal, caseIds)).toBeGreaterThan(0);

    const second = await startRuntime(port);
    const ops = new OpsClient(second.api, DEV_OPS_TOKEN);
    for (const caseId of caseIds) {
      const view = await ops.waitFor(caseId, (v) => typeof v.status === 'string', 60_000);
      expect(view.caseId).toBe(caseId);
    }
    second.child.kill('SIGTERM');
    await new Promise((ok) => second.child.once('exit', ok));
    expect(existsSync(join(dataDir, 'sqs.jsonl'))).toBe(true);
  }, 180_000);
});
