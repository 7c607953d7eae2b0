/** In-memory fakes of the cost ledger (LedgerStore) and the order platform (HttpOrderPlatform), for use-case tests. */
import type { Instruction, InstructionReceipt, InstructionState, OrderPlatform } from '../../functions/adapters/order-platform.js';
import type { CostDimension, CostTotal, LedgerEntry, LedgerPort } from '../../functions/use-cases/ports.js';

/** One entry per key, as the store's conditional put keeps it. */
export class InMemoryLedger implements LedgerPort {
  readonly entries = new Map<string, LedgerEntry>();

  async record(entry: LedgerEntry): Promise<'recorded' | 'exists'> {
    const key = `${entry.caseId}#${entry.key}`;
    if (this.entries.has(key)) return 'exists';
    this.entries.set(key, structuredClone(entry));
    return 'recorded';
  }

  async totals(_dimension: CostDimension, _from: string, _to: string): Promise<CostTotal[]> {
    throw new Error('totals are tested against the store (tests/handlers/ledger-store.test.ts)');
  }

  async totalsBy(_dimensions: readonly CostDimension[], _from: string, _to: string): Promise<Map<CostDimension, CostTotal[]>> {
    throw new Error('totals are tested against the store (tests/handlers/ledger-store.test.ts)');
  }
}

/** The platform's idempotency: one instruction per key, the same receipt for a repeat. */
export class FakeOrderPlatform implements OrderPlatform {
  readonly instructions = new Map<string, Instruction & { instructionId: string }>();

  async instruct(idempotencyKey: string, instruction: Instruction): Promise<InstructionReceipt> {
    const known = this.instructions.get(idempotencyKey);
    if (known) return { instructionId: known.instructionId, status: 'accepted', replayed: true };
    const instructionId = `ins_${String(this.instructions.size + 1).padStart(6, '0')}`;
    this.instructions.set(idempotencyKey, { ...structuredClone(instruction), instructionId });
    return { instructionId, status: 'accepted', replayed: false };
  }

  async status(_instructionId: string): Promise<InstructionState> {
    return { status: 'accepted' };
  }
}
