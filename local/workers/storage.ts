import { startDynamoDb } from '../emulators/dynamodb.js';
import { startSqs } from '../emulators/sqs.js';
import { serveWorker } from './serve.js';

export interface StorageData {
  dynamoDataDir: string;
  /** Fixed ports (LOCAL_DYNAMODB_PORT, LOCAL_SQS_PORT; 0 = any free one). */
  dynamoPort: number;
  sqsPort: number;
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
  // A failure names its service, so the main thread can say which port variable moves it.
  const named = (service: 'dynamodb' | 'sqs') => (error: Error & { code?: string }) => {
    throw Object.assign(new Error(`${service}: ${error.message}`), { code: error.code, service });
  };
  const dynamo = await startDynamoDb({ port: data.dynamoPort, dataDir: data.dynamoDataDir }).catch(named('dynamodb'));
  const sqs = await startSqs({ port: data.sqsPort, region: data.region, accountId: data.accountId }).catch(async (error: Error) => {
    await dynamo.close();
    return named('sqs')(error);
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
