import * as z from 'zod/mini';
import { HttpOrderPlatform } from '../adapters/order-platform.js';
import { required } from '../config.js';
import { compensate } from '../use-cases/steps/compensate.js';
import { defaultPolicy as policy } from '../domain/policy.js';
import { caseStores, secretValue } from '../wiring.js';

const { cases } = caseStores();
const baseUrl = required('ORDER_PLATFORM_API_URL');
let orderPlatform: HttpOrderPlatform | undefined;
const input = z.object({ caseId: z.string() });

/** Workflow step: instructs the remedy through the order platform, once. */
export async function handler(event: unknown) {
  const { caseId } = input.parse(event);
  orderPlatform ??= new HttpOrderPlatform(baseUrl, await secretValue('ORDER_PLATFORM_TOKEN'));
  return compensate({ cases, orderPlatform, policy }, caseId, new Date());
}
