import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CaseStore } from '../adapters/case-store.js';
import { documentClient } from '../adapters/dynamo.js';

/**
 * The document client every store shares, and the case store, apart from the other stores' builders (stores.ts): a
 * function that builds its other stores on first use (the ops API's route groups, wiring/ops-api-deps.ts) imports
 * this module at cold start, and esbuild, which splits bundles by module, then leaves the other store classes in the
 * chunk that builds them.
 */
let db: DynamoDBDocumentClient | undefined;
/** What every store needs of a function's configuration (functions/config/pieces.ts `table`). */
export interface TableConfig {
  readonly TABLE_NAME: string;
}

/** The shared document client and the table (TABLE_NAME). */
export function tableAccess(config: TableConfig): [DynamoDBDocumentClient, string] {
  db ??= documentClient();
  return [db, config.TABLE_NAME];
}

export function caseStore(config: TableConfig): CaseStore {
  return new CaseStore(...tableAccess(config));
}
