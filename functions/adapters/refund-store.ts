import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RefundEntry } from '../domain/decision-rules.js';
import { keys, writeIf } from './dynamo.js';

/** Every money instruction issued for one order, by instruction key, at a version (optimistic concurrency). */
export interface OrderRefunds {
  version: number;
  entries: Record<string, RefundEntry>;
}

/**
 * The per-order refund record: one item per order (`ORDER#<orderId>` / `REFUNDS`) holding every refund, partial
 * refund, coupon and subsidy instruction issued for it. An instruction is added once under its key, by a single
 * conditional write on the record's version, so two cases of one order cannot both spend the same money (DynamoDB
 * transactions are not needed, and dynalite has none).
 */
export class RefundStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(orderId: string): Promise<OrderRefunds> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.refunds(orderId), ConsistentRead: true }));
    return out.Item ? { version: Number(out.Item.version), entries: (out.Item.entries ?? {}) as Record<string, RefundEntry> } : { version: 0, entries: {} };
  }

  /** Adds the entry if the record is still at `version` and has none under `key`; false when someone wrote first. */
  async add(orderId: string, key: string, entry: RefundEntry, version: number): Promise<boolean> {
    if (version === 0) {
      return writeIf(
        this.db,
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.refunds(orderId), orderId, version: 1, entries: { [key]: entry } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    }
    return writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.refunds(orderId),
        UpdateExpression: 'SET entries.#key = :entry, #version = :next',
        ConditionExpression: '#version = :version AND attribute_not_exists(entries.#key)',
        ExpressionAttributeNames: { '#key': key, '#version': 'version' },
        ExpressionAttributeValues: { ':entry': entry, ':version': version, ':next': version + 1 },
      }),
    );
  }
}
