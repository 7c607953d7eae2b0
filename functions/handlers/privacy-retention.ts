import { privacyRetentionConfig, readConfig } from '../config/functions.js';
import type { ConfigOf } from '../config/read.js';
import * as z from 'zod/mini';
import { runRetention } from '../use-cases/privacy/retention.js';
import { markets } from '../wiring.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { caseRedactor, privacyStore } from '../wiring/privacy-stores.js';
import { caseStore } from '../wiring/stores.js';

/** EventBridge's scheduled event: its `time` is the tick's time (locally, the local clock's). */
const scheduledEvent = z.object({ time: z.iso.datetime({ offset: true }) });

/** The scheduled run built from a configuration: its own, read at cold start (below); a test may pass another. */
export function createHandler(config: ConfigOf<typeof privacyRetentionConfig>) {
  const [cases, privacy, redactor] = [caseStore(config), privacyStore(config), caseRedactor(config)];
  // Each closed case is kept for its own market's retentionDays.
  const deploymentMarkets = markets(config);

  /** Scheduled (hourly): redacts closed cases whose retention period ended (docs/privacy.md). Counts only in the log. */
  async function handle(event: unknown) {
    const now = new Date(scheduledEvent.parse(event).time);
    const result = await runRetention({ cases, privacy, redactor, markets: deploymentMarkets }, now);
    logger.info('privacy retention run', { now: now.toISOString(), ...result });
    return result;
  }
  // The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext).
  return withLambdaContext(handle);
}

export const handler = createHandler(readConfig(privacyRetentionConfig));
