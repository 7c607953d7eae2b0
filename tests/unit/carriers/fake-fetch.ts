import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../../fixtures/carriers/', import.meta.url));

/** The raw text of tests/fixtures/carriers/<provider>/<name>.json. */
export function fixtureText(provider: 'aftership' | '17track' | 'kuaidi100', name: string): string {
  return readFileSync(`${FIXTURES}${provider}/${name}.json`, 'utf8');
}

export function fixture<T = unknown>(provider: 'aftership' | '17track' | 'kuaidi100', name: string): T {
  return JSON.parse(fixtureText(provider, name)) as T;
}

export interface Call {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

type Step = Response | Error | ((call: Call, signal?: AbortSignal | null) => Response | Promise<Response>);

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** A fetch that answers the given steps in order and records every call; it fails the test on an extra call. */
export function scriptedFetch(...steps: Step[]) {
  const calls: Call[] = [];
  const fn = async (input: string | URL, init: RequestInit = {}): Promise<Response> => {
    const call: Call = {
      url: new URL(String(input)),
      method: init.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      ...(typeof init.body === 'string' ? { body: init.body } : {}),
    };
    calls.push(call);
    const step = steps.shift();
    if (!step) throw new Error(`unexpected extra call ${call.method} ${call.url}`);
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(call, init.signal);
    return step;
  };
  return { fetch: fn, calls };
}

/** A fetch that never answers until the request's AbortSignal fires, as a hung provider would. */
export function hangingStep(call: Call, signal?: AbortSignal | null): Promise<Response> {
  void call;
  return new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/**
 * The parcel every provider's `delivered` fixture tells of, each in its own format (picked up in Shenzhen on
 * 14 October 2025, delivered in Shanghai on the 16th at 14:00 local time): every adapter must read it to this
 * snapshot and these checkpoints (time in UTC, status), oldest first.
 */
export const DELIVERED_PARCEL = {
  snapshot: { status: 'delivered', lost: false, deliveredAt: '2025-10-16T06:00:00.000Z', lastEventAt: '2025-10-16T06:00:00.000Z' },
  checkpoints: [
    ['2025-10-14T02:00:00.000Z', 'info_received'],
    ['2025-10-14T05:00:00.000Z', 'in_transit'],
    ['2025-10-15T01:00:00.000Z', 'in_transit'],
    ['2025-10-16T02:00:00.000Z', 'out_for_delivery'],
    ['2025-10-16T06:00:00.000Z', 'delivered'],
  ],
} as const;
