import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalStepFunctionsService } from './stepfunctions/index.js';

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/**
 * Local-only pages on the API port: `/` links every local service, `/local/executions` lists the workflow
 * executions as the Step Functions console would (ids and status only).
 */
export function localIndexPage(urls: () => Record<string, string>, sfn: LocalStepFunctionsService) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return false;
    if (path === '/') {
      const links = Object.entries(urls())
        .map(([name, url]) => `<li>${escape(name)}: <a href="${escape(url)}">${escape(url)}</a></li>`)
        .join('');
      send(res, 200, 'text/html; charset=utf-8', `<!doctype html><meta charset="utf-8"><title>After-sales pipeline (local)</title><h1>After-sales pipeline — local runtime</h1><ul>${links}<li><a href="/local/executions">workflow executions</a></li></ul>`);
      return true;
    }
    if (path === '/local/executions') {
      const executions = sfn.listStateMachines({}).stateMachines?.flatMap((machine) => sfn.listExecutions({ stateMachineArn: machine.stateMachineArn }).executions ?? []) ?? [];
      send(res, 200, 'application/json; charset=utf-8', JSON.stringify({ executions: executions.map((e) => ({ name: e.name, status: e.status, startDate: e.startDate, stopDate: e.stopDate })) }, null, 2));
      return true;
    }
    return false;
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}
