/**
 * The ops API handler on the handler-test emulators (env.ts), for the tests that search and read cases through it:
 * built from an explicit configuration (the test table, the default market), with the case store beside it for
 * seeding and reading back.
 */
import { CaseStore } from '../../functions/adapters/case-store.js';
import { opsApiConfig, readConfig } from '../../functions/config/functions.js';
import { startHandlerEnv, TABLE_NAME, type HandlerEnv, type HandlerEnvOptions } from './env.js';

export type OpsApiHandler = typeof import('../../functions/handlers/ops-api.js')['handler'];

export async function startOpsApi(opts: HandlerEnvOptions = {}): Promise<{ env: HandlerEnv; handler: OpsApiHandler; cases: CaseStore }> {
  const env = await startHandlerEnv(opts);
  const handler = (await import('../../functions/handlers/ops-api.js')).createHandler(readConfig(opsApiConfig, { TABLE_NAME }));
  return { env, handler, cases: new CaseStore(env.db, TABLE_NAME) };
}
