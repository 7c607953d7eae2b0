import type { DescribeExecutionOutput, ExecutionListItem, HistoryEvent } from '@aws-sdk/client-sfn';
import type { LocalStepFunctionsService } from './stepfunctions/index.js';

/**
 * The local Step Functions console: every execution, a page at a time (newest first), and each execution's history
 * state by state (entered, exited, duration, input and output, errors) with its raw events, as the AWS console shows
 * them. Workflow input and output carry no personal data by design; everything is escaped all the same.
 */

export const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;
/** JSON longer than this is cut on the page (its full size is shown); the JSON answer has it whole. */
const SHOWN_JSON_CHARS = 2000;

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export type PageResult = { status: number; json: unknown; html: string };

export interface ExecutionPage {
  executions: Array<Pick<ExecutionListItem, 'name' | 'status' | 'startDate' | 'stopDate'>>;
  nextToken?: string;
}

/** One page of executions of the (first) state machine; `page` is the token of the page, `limit` its size. */
export function executionList(sfn: LocalStepFunctionsService, query: URLSearchParams): PageResult {
  const limit = query.has('limit') ? Number(query.get('limit')) : DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) return badRequest('invalid_limit', `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  const page = query.get('page') ?? undefined;
  if (page !== undefined && !/^\d{1,9}$/.test(page)) return badRequest('invalid_page', 'page must be a token from a previous page (nextToken).');
  const machine = caseMachine(sfn);
  const listed = machine ? sfn.listExecutions({ stateMachineArn: machine.stateMachineArn, maxResults: limit, nextToken: page }) : { executions: [] };
  const result: ExecutionPage = {
    executions: (listed.executions ?? []).map((e) => ({ name: e.name, status: e.status, startDate: e.startDate, stopDate: e.stopDate })),
    ...(listed.nextToken ? { nextToken: listed.nextToken } : {}),
  };
  return { status: 200, json: result, html: listHtml(result, limit, page) };
}

/** One execution with its state-by-state history, or 404. */
export function executionDetail(sfn: LocalStepFunctionsService, name: string): PageResult {
  const machine = caseMachine(sfn);
  const executionArn = machine ? `${machine.stateMachineArn!.replace(':stateMachine:', ':execution:')}:${name}` : '';
  let execution: DescribeExecutionOutput;
  try {
    execution = sfn.describeExecution({ executionArn });
  } catch {
    return {
      status: 404,
      json: { error: 'execution_not_found', message: 'No execution has this name.' },
      html: page('Execution not found', `<p>No execution is named <code>${escapeHtml(name)}</code>. <a href="/local/executions">All executions</a></p>`),
    };
  }
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const history = sfn.getExecutionHistory({ executionArn, maxResults: MAX_PAGE_SIZE, nextToken });
    events.push(...(history.events ?? []));
    nextToken = history.nextToken;
  } while (nextToken);
  const states = stateSteps(events, execution.status, (childArn) => childSteps(sfn, childArn));
  const { name: executionName, status, startDate, stopDate, input, output, error, cause } = execution;
  return {
    status: 200,
    json: { execution: { name: executionName, status, startDate, stopDate, input, output, error, cause }, states, events },
    html: detailHtml(execution, states, events),
  };
}

/** Executions of the Standard case workflow; its Express children show inside it as tasks. */
const caseMachine = (sfn: LocalStepFunctionsService) => sfn.listStateMachines({}).stateMachines?.find((m) => m.type === 'STANDARD');

export interface StateStep {
  name: string;
  type: string;
  status: 'running' | 'succeeded' | 'failed' | 'caught';
  enteredAt: Date;
  exitedAt?: Date;
  durationMs?: number;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  /** A stretch task (states:startExecution): the Express execution it ran, and that execution's states. */
  child?: { executionArn: string; status?: string; states: StateStep[] };
}

/** An Express execution's states, for the stretch task that ran it (undefined when the service no longer has it). */
function childSteps(sfn: LocalStepFunctionsService, executionArn: string): StateStep[] | undefined {
  try {
    const { status } = sfn.describeExecution({ executionArn });
    return stateSteps(sfn.getExecutionHistory({ executionArn, maxResults: MAX_PAGE_SIZE }).events ?? [], status);
  } catch {
    return undefined;
  }
}

/** The child execution a stretch task's result (TaskSucceeded output, TaskFailed cause) names. */
function childArn(event: HistoryEvent): string | undefined {
  const details = event.taskSucceededEventDetails ?? event.taskFailedEventDetails;
  if (details?.resourceType !== 'states') return undefined;
  try {
    const arn = (JSON.parse((event.taskSucceededEventDetails?.output ?? event.taskFailedEventDetails?.cause) || '{}') as { ExecutionArn?: unknown }).ExecutionArn;
    return typeof arn === 'string' ? arn : undefined;
  } catch {
    return undefined;
  }
}

const FAILURE_DETAILS = [
  'lambdaFunctionFailedEventDetails',
  'lambdaFunctionTimedOutEventDetails',
  'taskFailedEventDetails',
  'taskTimedOutEventDetails',
  'executionFailedEventDetails',
] as const;

/** Pairs each StateEntered with its StateExited (loops enter a state again: the latest open entry is closed). */
export function stateSteps(events: HistoryEvent[], executionStatus: string | undefined, children?: (executionArn: string) => StateStep[] | undefined): StateStep[] {
  const steps: StateStep[] = [];
  for (const event of events) {
    const type = event.type ?? '';
    const at = new Date(event.timestamp ?? 0);
    const child = children && childArn(event);
    const running = child && steps.findLast((s) => !s.exitedAt);
    if (child && running) running.child = { executionArn: child, states: children(child) ?? [] };
    if (type.endsWith('StateEntered') && event.stateEnteredEventDetails) {
      steps.push({
        name: event.stateEnteredEventDetails.name ?? '',
        type: type.replace(/StateEntered$/, ''),
        status: 'running',
        enteredAt: at,
        input: event.stateEnteredEventDetails.input,
      });
    } else if (type.endsWith('StateExited') && event.stateExitedEventDetails) {
      const step = steps.findLast((s) => s.name === event.stateExitedEventDetails!.name && !s.exitedAt);
      if (!step) continue;
      Object.assign(step, {
        exitedAt: at,
        durationMs: at.getTime() - step.enteredAt.getTime(),
        output: event.stateExitedEventDetails.output,
        status: step.error ? 'caught' : 'succeeded',
      });
    } else {
      const failure = FAILURE_DETAILS.map((key) => event[key]).find(Boolean) as { error?: string; cause?: string } | undefined;
      const step = failure && steps.findLast((s) => !s.exitedAt);
      if (step && !step.error) Object.assign(step, { error: failure!.error, cause: failure!.cause });
    }
  }
  for (const step of steps) if (!step.exitedAt && executionStatus !== 'RUNNING') step.status = 'failed';
  return steps;
}

function badRequest(error: string, message: string): PageResult {
  return { status: 400, json: { error, message }, html: page('Bad request', `<p>${escapeHtml(message)}</p>`) };
}

const time = (d: Date | undefined) => (d ? escapeHtml(new Date(d).toISOString().replace('T', ' ').replace('Z', ' UTC')) : '');
const duration = (ms: number | undefined) => (ms === undefined ? '' : ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`);
const between = (from?: Date, to?: Date) => (from && to ? new Date(to).getTime() - new Date(from).getTime() : undefined);
const statusBadge = (status: string | undefined) => `<span class="s ${escapeHtml((status ?? '').toLowerCase())}">${escapeHtml(status ?? '')}</span>`;

/** Pretty JSON, cut at SHOWN_JSON_CHARS, with its size. */
function jsonBlock(label: string, text: string | undefined): string {
  if (text === undefined) return '';
  let pretty = text;
  try {
    pretty = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON: shown as it is
  }
  const bytes = Buffer.byteLength(text);
  const cut = pretty.length > SHOWN_JSON_CHARS;
  return `<details><summary>${escapeHtml(label)} (${bytes} bytes${cut ? ', truncated' : ''})</summary><pre>${escapeHtml(cut ? `${pretty.slice(0, SHOWN_JSON_CHARS)}\n…` : pretty)}</pre></details>`;
}

function listHtml(result: ExecutionPage, limit: number, token: string | undefined): string {
  const rows = result.executions
    .map(
      (e) =>
        `<tr><td><a href="/local/executions/${encodeURIComponent(e.name ?? '')}">${escapeHtml(e.name ?? '')}</a></td><td>${statusBadge(e.status)}</td><td>${time(e.startDate)}</td><td>${time(e.stopDate)}</td><td>${duration(between(e.startDate, e.stopDate))}</td></tr>`,
    )
    .join('');
  const limitParam = limit === DEFAULT_PAGE_SIZE ? '' : `&limit=${limit}`;
  const nav = [
    token ? `<a href="/local/executions${limitParam ? `?${limitParam.slice(1)}` : ''}">Newest</a>` : '',
    result.nextToken ? `<a rel="next" href="/local/executions?page=${encodeURIComponent(result.nextToken)}${limitParam}">Older executions</a>` : '',
  ].filter(Boolean);
  const first = Number(token ?? 0) + 1;
  const shown = result.executions.length ? `Executions ${first}–${first + result.executions.length - 1}, newest first.` : 'No executions yet.';
  return page(
    'Workflow executions',
    `<p>${shown} <a href="?format=json${token ? `&page=${escapeHtml(token)}` : ''}${limitParam}">JSON</a></p><table><thead><tr><th>Name (case id)</th><th>Status</th><th>Started</th><th>Ended</th><th>Duration</th></tr></thead><tbody>${rows}</tbody></table><nav>${nav.join(' · ')}</nav>`,
  );
}

function detailHtml(execution: DescribeExecutionOutput, states: StateStep[], events: HistoryEvent[]): string {
  const start = execution.startDate;
  const summary = `<dl><dt>Status</dt><dd>${statusBadge(execution.status)}</dd><dt>Started</dt><dd>${time(start)}</dd><dt>Ended</dt><dd>${time(execution.stopDate)}</dd><dt>Duration</dt><dd>${duration(between(start, execution.stopDate))}</dd>${
    execution.error ? `<dt>Error</dt><dd><code>${escapeHtml(execution.error)}</code> ${escapeHtml(execution.cause ?? '')}</dd>` : ''
  }</dl>${jsonBlock('Execution input', execution.input)}${jsonBlock('Execution output', execution.output)}`;
  const stateRows = states
    .map(
      (s) =>
        `<tr><td>${escapeHtml(s.name)}</td><td>${escapeHtml(s.type)}</td><td>${statusBadge(s.status)}</td><td>${time(s.enteredAt)}</td><td>${duration(s.durationMs)}</td><td>${
          s.error ? `<code>${escapeHtml(s.error)}</code> ${escapeHtml(s.cause ?? '')}` : ''
        }${jsonBlock('Input', s.input)}${jsonBlock('Output', s.output)}</td></tr>${s.child ? childRows(s.child) : ''}`,
    )
    .join('');
  const eventRows = events
    .map((e) => {
      const { id, type, timestamp, previousEventId: _previous, ...details } = e;
      const name = e.stateEnteredEventDetails?.name ?? e.stateExitedEventDetails?.name ?? '';
      const detail = Object.values(details)[0];
      return `<tr><td>${id}</td><td>${escapeHtml(type ?? '')}</td><td>${escapeHtml(name)}</td><td>${duration(between(start, timestamp))}</td><td>${time(timestamp)}</td><td>${detail ? jsonBlock('Details', JSON.stringify(detail)) : ''}</td></tr>`;
    })
    .join('');
  return page(
    `Execution ${execution.name ?? ''}`,
    `<p><a href="/local/executions">All executions</a> · <a href="?format=json">JSON</a></p>${summary}<h2>States</h2><table><thead><tr><th>State</th><th>Type</th><th>Status</th><th>Entered</th><th>Duration</th><th>Details</th></tr></thead><tbody>${stateRows}</tbody></table><h2>Events</h2><table><thead><tr><th>ID</th><th>Type</th><th>State</th><th>After start</th><th>Time</th><th>Details</th></tr></thead><tbody>${eventRows}</tbody></table>`,
  );
}

/** The steps of a stretch, under its task: the Express execution keeps no page of its own. */
function childRows(child: NonNullable<StateStep['child']>): string {
  const name = child.executionArn.split(':').at(-1) ?? '';
  const rows = child.states
    .map(
      (s) =>
        `<tr class="child"><td>↳ ${escapeHtml(s.name)}</td><td>${escapeHtml(s.type)}</td><td>${statusBadge(s.status)}</td><td>${time(s.enteredAt)}</td><td>${duration(s.durationMs)}</td><td>${
          s.error ? `<code>${escapeHtml(s.error)}</code> ${escapeHtml(s.cause ?? '')}` : ''
        }${jsonBlock('Input', s.input)}${jsonBlock('Output', s.output)}</td></tr>`,
    )
    .join('');
  return `<tr class="child"><td colspan="6">Express steps, execution <code>${escapeHtml(name)}</code></td></tr>${rows}`;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} — after-sales (local)</title><style>
body{font:14px/1.4 system-ui,sans-serif;margin:1rem;max-width:80rem}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;padding:.5rem;max-height:20rem;overflow:auto}.s{padding:0 .4rem;border-radius:.3rem;background:#eee}.s.succeeded{background:#d4f5d4}.s.failed,.s.timed_out,.s.aborted{background:#fbd3d3}.s.caught{background:#fde9c4}.s.running{background:#d6e6fb}tr.child td{background:#fafafa;font-size:13px}dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}
</style><h1>${escapeHtml(title)}</h1>${body}</html>`;
}
