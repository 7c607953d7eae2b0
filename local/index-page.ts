import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, executionDetail, executionList } from './execution-pages.js';
import type { LocalStepFunctionsService } from './stepfunctions/index.js';

/**
 * Local-only pages on the API port: `/` links every local service, `/local/executions` pages through the workflow
 * executions and `/local/executions/<name>` shows one's history (local/execution-pages.ts); HTML, or JSON with
 * `Accept: application/json` or `?format=json`.
 */
export function localIndexPage(urls: () => Record<string, string>, sfn: LocalStepFunctionsService) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'GET') return false;
    if (path === '/') {
      const links = Object.entries(urls())
        .map(([name, url]) => `<li>${escapeHtml(name)}: <a href="${escapeHtml(url)}">${escapeHtml(url)}</a></li>`)
        .join('');
      send(
        res,
        200,
        'text/html; charset=utf-8',
        `<!doctype html><meta charset="utf-8"><title>After-sales pipeline (local)</title><h1>After-sales pipeline — local runtime</h1><ul>${links}<li><a href="/local/executions">workflow executions</a></li></ul>`,
      );
      return true;
    }
    if (path === '/local/executions' || path.startsWith('/local/executions/')) {
      const query = new URL(req.url ?? '/', 'http://local').searchParams;
      const wantsJson = query.get('format') === 'json' || (req.headers.accept ?? '').includes('application/json');
      const name = path === '/local/executions' ? undefined : safeDecode(path.slice('/local/executions/'.length));
      const result =
        name === undefined ? executionList(sfn, query) : name === null ? { status: 404, json: { error: 'execution_not_found' }, html: 'Not found' } : executionDetail(sfn, name);
      if (wantsJson) send(res, result.status, 'application/json; charset=utf-8', JSON.stringify(result.json, null, 2));
      else send(res, result.status, 'text/html; charset=utf-8', result.html);
      return true;
    }
    return false;
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/** A path segment decoded, or null when it is not valid percent-encoding. */
function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
