import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DataKey } from './data-key.js';

export interface QueueWithDlqProps {
  /** Visibility must cover the consumer's timeout several times over (AWS advises 6x). */
  visibilityTimeout: Duration;
  maxReceiveCount?: number;
  /** FIFO keeps order within a message group (a case's notices); content-based deduplication drops repeats for 5 minutes. */
  fifo?: boolean;
}

/** A work queue always paired with its dead-letter queue: a message that keeps failing is parked, never lost. */
export class QueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** Deliveries before a message is parked: a consumer that sees the last one can record the failure first. */
  readonly maxReceiveCount: number;
  readonly visibilityTimeout: Duration;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    this.maxReceiveCount = props.maxReceiveCount ?? 5;
    this.visibilityTimeout = props.visibilityTimeout;
    const encryption = queueEncryption(this);
    this.deadLetterQueue = new Queue(this, 'Dlq', {
      ...encryption,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      ...(props.fifo ? { fifo: true } : {}),
    });
    this.queue = new Queue(this, 'Queue', {
      ...encryption,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: this.maxReceiveCount },
      ...(props.fifo ? { fifo: true, contentBasedDeduplication: true } : {}),
    });
  }
}

/** SQS-managed encryption, or the pipeline's customer-managed key when it has one (lib/constructs/data-key.ts). */
export function queueEncryption(scope: Construct): Pick<QueueProps, 'encryption' | 'encryptionMasterKey'> {
  const key = DataKey.of(scope);
  return key ? { encryption: QueueEncryption.KMS, encryptionMasterKey: key } : { encryption: QueueEncryption.SQS_MANAGED };
}
