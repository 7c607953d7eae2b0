import type { CompensationPlan } from '../domain/compensation.js';
import { withSlash } from './carrier-tracker.js';

export interface InstructionReceipt {
  instructionId: string;
  status: string;
  replayed: boolean;
}

/** The order platform port: compensation instructions, each under an idempotency key so money moves once. */
export interface OrderPlatform {
  instruct(idempotencyKey: string, instruction: { caseId: string; orderId: string } & Omit<CompensationPlan, 'remedy' | 'platformPaysReturnShipping'>): Promise<InstructionReceipt>;
}

/** The order platform refused or failed; SQS/Step Functions retry, and a permanent refusal reaches an operator. */
export class OrderPlatformError extends Error {
  override readonly name = 'OrderPlatformError';
}

export class HttpOrderPlatform implements OrderPlatform {
  constructor(
    private readonly baseUrl: string,
    private readonly apiToken: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async instruct(idempotencyKey: string, instruction: Parameters<OrderPlatform['instruct']>[1]): Promise<InstructionReceipt> {
    let response: Response;
    try {
      response = await fetch(new URL('v1/instructions', withSlash(this.baseUrl)), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.apiToken}`,
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
        },
        body: JSON.stringify(instruction),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new OrderPlatformError(`order platform unreachable: ${(error as Error).name}`);
    }
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { error?: string };
      throw new OrderPlatformError(`order platform answered ${response.status}${body.error ? ` (${body.error})` : ''}`);
    }
    const body = (await response.json()) as { instructionId: string; status: string };
    return { instructionId: body.instructionId, status: body.status, replayed: response.headers.get('idempotent-replayed') === 'true' };
  }
}
