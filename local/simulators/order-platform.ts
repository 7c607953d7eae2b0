// Order platform simulator: the e-commerce platform's after-sales API that receives compensation
// instructions (refund, reship, coupon). It enforces Idempotency-Key semantics the way payment-grade
// APIs do, so the pipeline's retry paths can be proven not to double-compensate a customer.
import { isDeepStrictEqual } from 'node:util';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { HttpError, decodePathSegment, hasBearer, notFound, readJson, sendJson, startServer, type ListenOptions, type RunningServer } from './http.js';

const instructionSchema = z
  .strictObject({
    caseId: z.string().min(1),
    orderId: z.string().min(1),
    kind: z.enum(['refund', 'reship', 'coupon']),
    /** Integer minor units (fen, cents) so no float rounding can creep into money. */
    amount: z.number().int().positive().optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as CNY').optional(),
    items: z.array(z.strictObject({ sku: z.string().min(1), quantity: z.number().int().positive() })).min(1).optional(),
    refundTo: z.enum(['original_payment', 'store_balance']).optional(),
    note: z.string().optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.kind === 'refund' || body.kind === 'coupon') && body.amount === undefined) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: `amount is required for a ${body.kind}` });
    }
    if (body.amount !== undefined && body.currency === undefined) {
      ctx.addIssue({ code: 'custom', path: ['currency'], message: 'currency is required with amount' });
    }
    if (body.currency !== undefined && body.amount === undefined) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'currency given without amount' });
    }
    if (body.kind === 'reship' && body.items === undefined) {
      ctx.addIssue({ code: 'custom', path: ['items'], message: 'items are required for a reship' });
    }
  });

export type InstructionRequest = z.infer<typeof instructionSchema>;

export type InstructionRecord = InstructionRequest & {
  instructionId: string;
  status: 'accepted';
  receivedAt: string;
};

const faultSchema = z.strictObject({
  failNext: z.number().int().min(0),
  status: z.number().int().min(400).max(599).default(500),
});

export interface OrderPlatformOptions extends ListenOptions {
  /** The bearer token callers must present. */
  token: string;
  now?: () => Date;
}

export interface OrderPlatformSimulator extends RunningServer {
  /** Recorded instructions, in the order received. */
  instructions(): InstructionRecord[];
  /** Makes the next `count` POSTs to /v1/instructions fail with `status` without recording anything. */
  failNext(count: number, status?: number): void;
  reset(): void;
}

export async function startOrderPlatformSimulator(options: OrderPlatformOptions): Promise<OrderPlatformSimulator> {
  const clock = options.now ?? (() => new Date());
  const records: InstructionRecord[] = [];
  const byIdempotencyKey = new Map<string, { request: InstructionRequest; record: InstructionRecord }>();
  let faults = { remaining: 0, status: 500 };

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
    records.push(record);
    byIdempotencyKey.set(key, { request: parsed.data, record });
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

  const server = await startServer(async (req, res, url) => {
    const path = url.pathname.replace(/\/+$/, '');
    if (req.method === 'POST' && path === '/_control/faults') return setFaults(req, res);
    const single = /^\/v1\/instructions\/([^/]+)$/.exec(path);
    if (path === '/v1/instructions' || single) requireAuth(req);
    if (req.method === 'POST' && path === '/v1/instructions') return createInstruction(req, res);
    if (req.method === 'GET' && path === '/v1/instructions') return listInstructions(res, url);
    if (req.method === 'GET' && single) return getInstruction(res, decodePathSegment(single[1]!));
    throw notFound(req.method, url.pathname);
  }, options);

  return {
    ...server,
    instructions: () => records.map((r) => structuredClone(r)),
    failNext: (count, status = 500) => void (faults = { remaining: count, status }),
    reset: () => {
      records.length = 0;
      byIdempotencyKey.clear();
      faults = { remaining: 0, status: 500 };
    },
  };
}
