import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';

/** The event EventBridge sends a rule's target on each scheduled tick (the rule's own Input replaces it when set). */
export function scheduledEvent(opts: { time: Date; region: string; accountId: string; ruleName: string }): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: opts.accountId,
    // EventBridge reports the tick to the second.
    time: new Date(Math.floor(opts.time.getTime() / 1000) * 1000).toISOString(),
    region: opts.region,
    resources: [`arn:aws:events:${opts.region}:${opts.accountId}:rule/${opts.ruleName}`],
    detail: {},
  };
}
