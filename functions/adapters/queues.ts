import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export class QueueSender<T> {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /** `messageGroupId` is required by FIFO queues: messages of one group are delivered in order. */
  async send(message: T, messageGroupId?: string): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message), MessageGroupId: messageGroupId }));
  }
}
