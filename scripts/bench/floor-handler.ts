/**
 * The floor the bundle benchmark compares every function with (scripts/bench/bundles.ts): a handler that only makes
 * a DynamoDB document client, bundled and imported exactly as the functions are. What a function carries beyond
 * this is the cost of its own code and libraries.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export async function handler(event: { id: string }) {
  return db.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: event.id } }));
}
