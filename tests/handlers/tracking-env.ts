/**
 * What the carrier tracking handlers need beyond tests/handlers/env.ts: the case table with its due index (GSI2,
 * as lib/constructs/case-table.ts defines it), the intake queue, and readers for both.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalTable } from '../../local/cfn/types.js';
import { ensureTables } from '../../local/emulators/dynamodb.js';
import type { IntakeMessage } from '../../functions/schemas/messages.js';
import { CASE_TABLE, REGION, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';

const withDueIndex = (name: string): LocalTable => ({
  ...CASE_TABLE,
  name,
  createTableInput: {
    ...CASE_TABLE.createTableInput,
    TableName: name,
    AttributeDefinitions: [...CASE_TABLE.createTableInput.AttributeDefinitions!, { AttributeName: 'gsi2pk', AttributeType: 'S' }, { AttributeName: 'gsi2sk', AttributeType: 'S' }],
    GlobalSecondaryIndexes: [
      ...CASE_TABLE.createTableInput.GlobalSecondaryIndexes!,
      {
        IndexName: 'gsi2',
        KeySchema: [
          { AttributeName: 'gsi2pk', KeyType: 'HASH' },
          { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  },
});

export interface TrackingEnv extends HandlerEnv {
  intakeUrl: string;
  /** Intake messages queued since the last call (read and deleted). */
  drainIntake(): Promise<IntakeMessage[]>;
  /** The raw shipment item, keys and index attributes included. */
  shipmentItem(key: string): Promise<Record<string, any> | undefined>;
}

export async function startTrackingEnv(env: Record<string, string> = {}): Promise<TrackingEnv> {
  const base = await startHandlerEnv({ sqs: true, env });
  // The same table name (so the shared fixtures seed it), re-created with the due index.
  const raw = new DynamoDBClient({ region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoint: base.endpoints.dynamodb });
  await ensureTables(raw, { CaseTable: withDueIndex(TABLE_NAME) }, { recreateChangedTables: true });
  const intakeUrl = (await base.sqs!.send(new CreateQueueCommand({ QueueName: 'tracking-intake' }))).QueueUrl!;
  process.env.INTAKE_QUEUE_URL = intakeUrl;
  return {
    ...base,
    intakeUrl,
    async drainIntake() {
      const seen = new Map<string, IntakeMessage>();
      for (let empty = 0; empty < 2; ) {
        const out = await base.sqs!.send(new ReceiveMessageCommand({ QueueUrl: intakeUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        const batch = out.Messages ?? [];
        if (batch.length === 0) empty += 1;
        for (const message of batch) {
          seen.set(message.MessageId!, JSON.parse(message.Body!) as IntakeMessage);
          await base.sqs!.send(new DeleteMessageCommand({ QueueUrl: intakeUrl, ReceiptHandle: message.ReceiptHandle! }));
        }
      }
      return [...seen.values()];
    },
    async shipmentItem(key) {
      return (await base.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `SHIPMENT#${key}`, sk: 'SHIPMENT' }, ConsistentRead: true }))).Item;
    },
  };
}
