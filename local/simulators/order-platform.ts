// Order platform simulator: the e-commerce platform's after-sales API that receives compensation
// instructions (refund, reship, coupon, charge-back). It enforces Idempotency-Key semantics the way
// payment-grade APIs do, so the pipeline's retry paths can be proven not to double-compensate a customer.
// Like the real platform, it carries an instruction out a moment later and reports it back with a signed
// `compensation.completed` webhook when a callback is configured; GET /v1/instructions/{id} shows the status.
import { isDeepStrictEqual } from 'node:util';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { HttpError, decodePathSegment, hasBearer, notFound, readJson, sendJson, startServer, type ListenOptions, type RunningServer } from './http.js';

const instructionSchema = z
  .strictObject({
    caseId: z.string().min(1),
    requestId: z.string().min(1).optional(),
    orderId: z.string().min(1),
    kind: z.enum(['refund', 'reship', 'coupon', 'charge_back', 'return_label']),
    /** Integer minor units (fen, cents) so no float rounding can creep into money. */
    amount: z.number().int().positive().optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as CNY')
      .optional(),
    items: z
      .array(z.strictObject({ sku: z.string().min(1), quantity: z.number().int().positive() }))
      .min(1)
      .optional(),
    refundTo: z.enum(['original_payment', 'store_balance']).optional(),
    note: z.string().optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.kind === 'refund' || body.kind === 'coupon' || body.kind === 'charge_back') && body.amount === undefined) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: `amount is required for a ${body.kind}` });
    }
    if (body.amount !== undefined && body.currency === undefined) {
      ctx.addIssue({ code: 'custom', path: ['currency'], message: 'currency is required with amount' });
    }
    if (body.currency !== undefined && body.amount === undefined) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'currency given without amount' });
    }
    if ((body.kind === 'reship' || body.kind === 'return_label') && body.items === undefined) {
      ctx.addIssue({ code: 'custom', path: ['items'], message: 'items are required for a reship' });
    }
  });

export type InstructionRequest = z.infer<typeof instructionSchema>;

export type InstructionRecord = InstructionRequest & {
  instructionId: string;
  status: 'accepted' | 'completed' | 'failed';
  receivedAt: string;
  completedAt?: string;
  /** A return label's printable label, issued with the instruction. */
  label?: { carrier: string; url: string };
  /** A completed reship's parcel, reported with the completion. */
  shipment?: { carrier: string; trackingNumber: string };
};

const faultSchema = z.strictObject({
  failNext: z.number().int().min(0),
  status: z.number().int().min(400).max(599).default(500),
});

export interface OrderPlatformOptions extends ListenOptions {
  /** The bearer token callers must present. */
  token: string;
  now?: () => Date;
  /** How long after acceptance an instruction is carried out (default 300 ms); negative: never by itself. */
  completeAfterMs?: number;
}

export interface CompletionCallback {
  /** The pipeline's webhook endpoint. */
  url: string;
  /** Standard Webhooks secret (whsec_…) to sign the callback with. */
  secret: string;
}

export interface OrderPlatformSimulator extends RunningServer {
  /** Recorded instructions, in the order received. */
  instructions(): InstructionRecord[];
  /** Makes the next `count` POSTs to /v1/instructions fail with `status` without recording anything. */
  failNext(count: number, status?: number): void;
  /** Where to report carried-out instructions (`compensation.completed`); none: the pipeline must poll. */
  setCallback(callback: CompletionCallback | undefined): void;
  /** Holds instructions as accepted (not carried out) until released, or marks the next `count` as failed. */
  holdCompletions(hold: boolean): void;
  failNextCompletions(count: number): void;
  reset(): void;
}

export async function startOrderPlatformSimulator(options: OrderPlatformOptions): Promise<OrderPlatformSimulator> {
  const clock = options.now ?? (() => new Date());
  const records: InstructionRecord[] = [];
  const byIdempotencyKey = new Map<string, { request: InstructionRequest; record: InstructionRecord }>();
  let faults = { remaining: 0, status: 500 };
  let callback: CompletionCallback | undefined;
  let hold = false;
  let failCompletions = 0;
  const timers = new Set<NodeJS.Timeout>();

  function scheduleCompletion(record: InstructionRecord): void {
    const delay = options.completeAfterMs ?? 300;
    if (delay < 0 || hold) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void complete(record);
    }, delay);
    timers.add(timer);
  }

  async function complete(record: InstructionRecord): Promise<void> {
    if (record.status !== 'accepted') return;
    record.status = failCompletions > 0 ? 'failed' : 'completed';
    if (failCompletions > 0) failCompletions--;
    record.completedAt = clock().toISOString();
    // A reship leaves in a parcel the customer can follow (a made-up SF number, unique per instruction).
    if (record.status === 'completed' && record.kind === 'reship')
      record.shipment = { carrier: 'SF', trackingNumber: `SF${String(7_000_000_000 + records.indexOf(record)).padStart(12, '0')}` };
    if (!callback || !record.requestId) return;
    const body = JSON.stringify({
      type: 'compensation.completed',
      timestamp: record.completedAt,
      data: {
        requestId: record.requestId,
        instructionId: record.instructionId,
        status: record.status,
        completedAt: record.completedAt,
        ...(record.shipment ? { shipment: record.shipment } : {}),
      },
    });
    const id = `msg_${record.instructionId}_${record.status}`;
    const signedAt = clock();
    try {
      await fetch(callback.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
          'webhook-signature': new Webhook(callback.secret).sign(id, signedAt, body),
        },
        body,
      });
    } catch {
      // The pipeline polls instructions it has not heard about; a lost callback only delays the case.
    }
  }

  function requireAuth(req: IncomingMessage): void {
    if (!hasBearer(req, options.token)) throw new HttpError(401, 'unauthorized', 'Missing or invalid bearer token');
  }

  async function createInstruction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (faults.remaining > 0) {
      faults.remaining--;
      throw new HttpError(faults.status, 'injected_fault', `Injected failure (HTTP ${faults.status})`);
    }
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key.trim() === '') {
      throw new HttpError(400, 'missing_idempotency_key', 'Idempotency-Key header is required');
    }
    const parsed = instructionSchema.safeParse(await readJson(req));
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw new HttpError(422, 'validation_failed', issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; '), { issues });
    }
    const previous = byIdempotencyKey.get(key);
    if (previous) {
      // Compared after parsing, so key order and whitespace do not count as a different request.
      if (!isDeepStrictEqual(previous.request, parsed.data)) {
        throw new HttpError(409, 'idempotency_key_reused', `Idempotency-Key ${key} was already used with a different body`);
      }
      return sendJson(res, 200, previous.record, { 'Idempotent-Replayed': 'true' });
    }
    const record: InstructionRecord = {
      instructionId: `ins_${String(records.length + 1).padStart(6, '0')}`,
      status: 'accepted',
      receivedAt: clock().toISOString(),
      ...parsed.data,
    };
    if (record.kind === 'return_label') record.label = { carrier: 'SF', url: `${baseUrl}/v1/labels/${record.instructionId}.pdf` };
    records.push(record);
    byIdempotencyKey.set(key, { request: parsed.data, record });
    scheduleCompletion(record);
    sendJson(res, 201, record, { Location: `/v1/instructions/${record.instructionId}` });
  }

  function listInstructions(res: ServerResponse, url: URL): void {
    const caseId = url.searchParams.get('caseId');
    const orderId = url.searchParams.get('orderId');
    const matching = records.filter((r) => (!caseId || r.caseId === caseId) && (!orderId || r.orderId === orderId));
    sendJson(res, 200, { instructions: matching });
  }

  function getInstruction(res: ServerResponse, instructionId: string): void {
    const record = records.find((r) => r.instructionId === instructionId);
    if (!record) throw new HttpError(404, 'instruction_not_found', `No instruction ${instructionId}`);
    sendJson(res, 200, record);
  }

  async function setFaults(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = faultSchema.safeParse(await readJson(req));
    if (!parsed.success) {
      throw new HttpError(422, 'validation_failed', 'Body must be { "failNext": <int >= 0>, "status"?: <400..599> }');
    }
    faults = { remaining: parsed.data.failNext, status: parsed.data.status };
    sendJson(res, 200, { failNext: faults.remaining, status: faults.status });
  }

  let baseUrl = '';
  const server = await startServer(async (req, res, url) => {
    const path = url.pathname.replace(/\/+$/, '');
    if (req.method === 'POST' && path === '/_control/faults') return setFaults(req, res);
    const label = /^\/v1\/labels\/(ins_\d+)\.pdf$/.exec(path);
    if (req.method === 'GET' && label && records.some((r) => r.instructionId === label[1] && r.kind === 'return_label')) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end(`Prepaid return label ${label[1]} (simulated): print it and stick it on the parcel.\n`);
    }
    const single = /^\/v1\/instructions\/([^/]+)$/.exec(path);
    if (path === '/v1/instructions' || single) requireAuth(req);
    if (req.method === 'POST' && path === '/v1/instructions') return createInstruction(req, res);
    if (req.method === 'GET' && path === '/v1/instructions') return listInstructions(res, url);
    if (req.method === 'GET' && single) return getInstruction(res, decodePathSegment(single[1]!));
    throw notFound(req.method, url.pathname);
  }, options);
  baseUrl = server.url;

  return {
    ...server,
    close: async () => {
      timers.forEach(clearTimeout);
      await server.close();
    },
    instructions: () => records.map((r) => structuredClone(r)),
    failNext: (count, status = 500) => void (faults = { remaining: count, status }),
    setCallback: (value) => void (callback = value),
    holdCompletions: (value) => {
      hold = value;
      if (!hold) records.filter((r) => r.status === 'accepted').forEach(scheduleCompletion);
    },
    failNextCompletions: (count) => void (failCompletions = count),
    reset: () => {
      records.length = 0;
      byIdempotencyKey.clear();
      faults = { remaining: 0, status: 500 };
    },
  };
}
