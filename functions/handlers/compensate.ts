// First: traces the AWS SDK clients and HTTP calls made below (functions/tracing.ts).
import '../tracing.js';
import { compensateConfig, readConfig } from '../config/functions.js';
import type { ConfigOf } from '../config/read.js';
import * as z from 'zod/mini';
import { HttpOrderPlatform } from '../adapters/order-platform.js';
import { chargeBack, checkCompensation, compensate, issueReturnLabel } from '../use-cases/steps/compensate.js';
import { markets } from '../wiring.js';
import { withLambdaContext } from '../wiring/logging.js';
import { metrics } from '../wiring/metrics.js';
import { fromSecret } from '../wiring/secrets.js';
import { caseStore, ledgerStore, refundStore } from '../wiring/stores.js';

const input = z.object({ caseId: z.string(), action: z._default(z.enum(['instruct', 'check', 'charge_back', 'return_label']), 'instruct') });

/** The step built from a configuration: its own, read at cold start (below); a test may pass another. */
export function createHandler(config: ConfigOf<typeof compensateConfig>) {
  const [cases, ledger, refunds] = [caseStore(config), ledgerStore(config), refundStore(config)];
  // Each case is decided under its own market's policy and calendar (order.market; the default market without one).
  const deploymentMarkets = markets(config);
  const metricSink = metrics(config);
  // The token is read per invocation (cached 5 minutes), so a rotated one is used without a cold start.
  const orderPlatformClient = fromSecret(config.ORDER_PLATFORM_TOKEN, config, (token) => new HttpOrderPlatform(config.ORDER_PLATFORM_API_URL, token));

  /**
   * Workflow step: compensation through the order platform — instruct the remedy once, issue a prepaid return label,
   * check an instruction the platform has not confirmed, or charge back a replacement whose return never came.
   */
  async function handle(event: unknown) {
    const { caseId, action } = input.parse(event);
    const orderPlatform = await orderPlatformClient();
    const deps = { cases, ledger, refunds, orderPlatform, markets: deploymentMarkets, metrics: metricSink };
    const now = new Date();
    if (action === 'check') return checkCompensation(deps, caseId, now);
    if (action === 'charge_back') return chargeBack(deps, caseId, now);
    if (action === 'return_label') return issueReturnLabel(deps, caseId, now);
    return compensate(deps, caseId, now);
  }
  // The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext).
  return withLambdaContext(handle);
}

export const handler = createHandler(readConfig(compensateConfig));
