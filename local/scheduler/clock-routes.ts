import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalClock } from './clock.js';

const MAX_BODY = 4096;

/**
 * `GET /local/clock` reads the local clock; `POST /local/clock {"advanceMs": n}` moves it forward, then runs every
 * schedule once so what falls due at the new time (SLA breaches, deferred notices, polls) happens straight away.
 */
export function clockRoutes(clock: LocalClock, afterAdvance: () => Promise<void>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if ((req.url ?? '').split('?')[0] !== '/local/clock') return false;
    if (req.method === 'GET') return send(res, 200, view(clock));
    if (req.method !== 'POST') return send(res, 405, { error: 'method_not_allowed', message: 'GET or POST /local/clock' });
    let body = '';
    for await (const chunk of req) {
      body += String(chunk);
      if (body.length > MAX_BODY) return send(res, 413, { error: 'too_large', message: 'The body is too large.' });
    }
    const advanceMs = parse(body);
    if (advanceMs === undefined) return send(res, 422, { error: 'invalid_advance', message: 'Expected {"advanceMs": n} with n a whole number >= 0.' });
    clock.advance(advanceMs);
    await afterAdvance();
    return send(res, 200, view(clock));
  };
}

function parse(body: string): number | undefined {
  try {
    const value = (JSON.parse(body) as { advanceMs?: unknown }).advanceMs;
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

function view(clock: LocalClock) {
  return { now: clock.now().toISOString(), offsetMs: clock.offset };
}

function send(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
  return true;
}
