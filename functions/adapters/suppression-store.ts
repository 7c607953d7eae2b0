import { createHash } from 'node:crypto';
import { BatchGetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Channel } from '../domain/case.js';

/**
 * Addresses we no longer send to: a hard bounce, a complaint, a number the SMS provider reports as permanently
 * unreachable. Keyed by a SHA-256 of the normalized address, so the table's keys hold no address in clear.
 */
export class SuppressionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Records the address as suppressed (again: the latest reason wins). */
  async suppress(channel: Channel, address: string, reason: string, now: Date, caseId?: string): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...suppressionKey(channel, address), channel, reason, at: now.toISOString(), ...(caseId ? { caseId } : {}) } }),
    );
  }

  /** The channels whose address is suppressed, among those given; one read for both. */
  async suppressed(addresses: Partial<Record<Channel, string>>): Promise<Map<Channel, string>> {
    const wanted = (Object.entries(addresses) as Array<[Channel, string | undefined]>).filter((e): e is [Channel, string] => Boolean(e[1]));
    const found = new Map<Channel, string>();
    if (wanted.length === 0) return found;
    const out = await this.db.send(
      new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: wanted.map(([channel, address]) => suppressionKey(channel, address)), ConsistentRead: true } } }),
    );
    for (const item of out.Responses?.[this.tableName] ?? []) found.set(item.channel as Channel, String(item.reason));
    return found;
  }
}

/** Email: trimmed, lower-cased; phone: digits and the leading +. */
export function normalizeAddress(channel: Channel, address: string): string {
  return channel === 'email' ? address.trim().toLowerCase() : address.replace(/[^\d+]/g, '');
}

export function suppressionKey(channel: Channel, address: string): { pk: string; sk: string } {
  const hash = createHash('sha256').update(normalizeAddress(channel, address)).digest('hex');
  return { pk: `SUPPRESS#${channel}#${hash}`, sk: 'SUPPRESS' };
}
