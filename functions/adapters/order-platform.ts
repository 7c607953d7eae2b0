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
}

/** The order platform port: compensation instructions, each under an idempotency key so money moves once. */
export interface OrderPlatform {
  instruct(idempotencyKey: string, instruction: Instruction): Promise<InstructionReceipt>;
  /** Where an instruction stands: accepted (in progress), completed or failed. */
  status(instructionId: string): Promise<'accepted' | 'completed' | 'failed'>;
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
    const body = (await response.json()) as { instructionId: string; status: string };
    return { instructionId: body.instructionId, status: body.status, replayed: response.headers.get('idempotent-replayed') === 'true' };
  }

  async status(instructionId: string): Promise<'accepted' | 'completed' | 'failed'> {
    const response = await this.call(`v1/instructions/${encodeURIComponent(instructionId)}`, { method: 'GET' });
    const body = (await response.json()) as { status?: string };
    if (body.status === 'completed' || body.status === 'failed') return body.status;
    return 'accepted';
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
