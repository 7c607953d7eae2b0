import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from './logging.js';

/**
 * A standard-queue consumer answering a partial batch response (Powertools batch): a record that fails returns alone
 * to the queue; its failure is logged with the message id and the error, never the body, before it is rethrown.
 */
export function partialBatchHandler(processRecord: (record: SQSRecord) => Promise<void>, failure: string) {
  const processor = new BatchProcessor(EventType.SQS);
  return async (event: SQSEvent, context: Context) =>
    processPartialResponse(
      event,
      async (record: SQSRecord) => {
        try {
          await processRecord(record);
        } catch (error) {
          logger.error(failure, { messageId: record.messageId, errorName: (error as Error).name, errorMessage: (error as Error).message });
          throw error;
        }
      },
      processor,
      { context },
    );
}
