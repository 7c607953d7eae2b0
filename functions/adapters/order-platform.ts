import { withSlash } from './carrier-tracker.js';

/** `return_label`: a prepaid return label (or pickup) for the customer, where the platform pays the return shipping. */
export type InstructionKind = 'refund' | 'reship' | 'coupon' | 'charge_back' | 'return_label';

export interface Instruction {
  caseId: string;
  requestId: string;
  orderId: string;
  kind: InstructionKind;
  amount?: number;
  currency?: string;
  items?: Array<{ sku: string; quantity: number }>;
  refundTo?: 'original_payment' | 'store_balance';
  note?: string;
}

export interface InstructionReceipt {
  instructionId: string;
  status: string;
  replayed: boolean;
  /** A `return_label` instruction's prepaid label, when the platform issues it at once. */
  label?: { carrier: string; url: string };
}

/** The parcel a reship (replacement, repaired item, missing part) travels in, as the platform reports it. */
export interface ShipmentRef {
  carrier: string;
  trackingNumber: string;
  trackingUrl?: string;
}

export interface InstructionState {
  status: 'accepted' | 'completed' | 'failed';
  shipment?: ShipmentRef;
}

/** The order platform port: compensation instructions, each under an idempotency key so money moves once. */
export interface OrderPlatform {
  instruct(idempotencyKey: string, instruction: Instruction): Promise<InstructionReceipt>;
  /** Where an instruction stands: accepted (in progress), completed or failed; a completed reship names its parcel. */
  status(instructionId: string): Promise<InstructionState>;
}

/** The order platform refused or failed; Step Functions retries, and a permanent refusal reaches an operator. */
export class OrderPlatformError extends Error {
  override readonly name = 'OrderPlatformError';
}

export class HttpOrderPlatform implements OrderPlatform {
  constructor(
    private readonly baseUrl: string,
    private readonly apiToken: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async instruct(idempotencyKey: string, instruction: Instruction): Promise<InstructionReceipt> {
    const response = await this.call('v1/instructions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(instruction),
    });
    const body = (await response.json()) as { instructionId: string; status: string; label?: { carrier?: unknown; url?: unknown } };
    const label = typeof body.label?.carrier === 'string' && typeof body.label.url === 'string' ? { carrier: body.label.carrier, url: body.label.url } : undefined;
    return { instructionId: body.instructionId, status: body.status, replayed: response.headers.get('idempotent-replayed') === 'true', ...(label ? { label } : {}) };
  }

  async status(instructionId: string): Promise<InstructionState> {
    const response = await this.call(`v1/instructions/${encodeURIComponent(instructionId)}`, { method: 'GET' });
    const body = (await response.json()) as { status?: string; shipment?: Partial<Record<keyof ShipmentRef, unknown>> };
    if (body.status !== 'completed' && body.status !== 'failed') return { status: 'accepted' };
    const s = body.shipment;
    const shipment =
      typeof s?.carrier === 'string' && typeof s.trackingNumber === 'string'
        ? { carrier: s.carrier, trackingNumber: s.trackingNumber, ...(typeof s.trackingUrl === 'string' ? { trackingUrl: s.trackingUrl } : {}) }
        : undefined;
    return { status: body.status, ...(shipment ? { shipment } : {}) };
  }

  private async call(path: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(new URL(path, withSlash(this.baseUrl)), {
        ...init,
        headers: { authorization: `Bearer ${this.apiToken}`, ...(init.headers as Record<string, string>) },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new OrderPlatformError(`order platform unreachable: ${(error as Error).name}`);
    }
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { error?: string };
      throw new OrderPlatformError(`order platform answered ${response.status}${body.error ? ` (${body.error})` : ''}`);
    }
    return response;
  }
}
