import { startDynamoDb } from '../emulators/dynamodb.js';
import { startSqs } from '../emulators/sqs.js';
import { serveWorker } from './serve.js';

export interface StorageData {
  dynamoDataDir: string;
  region: string;
  accountId: string;
}

export interface StorageReady {
  dynamoEndpoint: string;
  sqsEndpoint: string;
}

/**
 * DynamoDB (dynalite) and SQS (local-aws-sqs) on a thread of their own, as AWS's services are apart from the code
 * calling them: the intake's write and send are answered while the workflow engine keeps the main thread busy.
 */
serveWorker<StorageData, StorageReady>(async (data) => {
  const dynamo = await startDynamoDb({ dataDir: data.dynamoDataDir });
  const sqs = await startSqs({ region: data.region, accountId: data.accountId }).catch(async (error: unknown) => {
    await dynamo.close();
    throw error;
  });
  return {
    ready: { dynamoEndpoint: dynamo.endpoint, sqsEndpoint: sqs.endpoint },
    methods: { persistSqs: (file: string) => sqs.persistTo(file) },
    async stop() {
      await sqs.close();
      await dynamo.close();
    },
  };
});
