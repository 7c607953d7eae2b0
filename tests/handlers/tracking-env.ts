/**
 * What the carrier tracking handlers need beyond tests/handlers/env.ts: the intake queue, and readers for it and for
 * shipment items (the case table there already has the due index, GSI2).
 */
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { IntakeMessage } from '../../functions/schemas/messages.js';
import { startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';

export interface TrackingEnv extends HandlerEnv {
  intakeUrl: string;
  /** Intake messages queued since the last call (read and deleted). */
  drainIntake(): Promise<IntakeMessage[]>;
  /** The raw shipment item, keys and index attributes included. */
  shipmentItem(key: string): Promise<Record<string, any> | undefined>;
}

export async function startTrackingEnv(env: Record<string, string> = {}): Promise<TrackingEnv> {
  const base = await startHandlerEnv({ sqs: true, env });
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
