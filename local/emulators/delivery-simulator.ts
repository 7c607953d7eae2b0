import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalEventDestination } from '../cfn/index.js';
import { readBody, startServer, type RunningServer } from '../simulators/http.js';
import type { StoredSms } from './sms.js';

/**
 * Delivery failures as AWS reports them, for the local emulators that report none. aws-ses-v2-local accepts every
 * address; SES itself bounces or complains for its mailbox simulator's addresses and publishes the event to the
 * configuration set's destinations. End User Messaging SMS reports carrier outcomes the same way; locally, a few
 * documented numbers fail. Transport only: which addresses fail and how is AWS's (or this file's) behaviour, never
 * the pipeline's.
 */
export const MAILBOX_SIMULATOR = /^(bounce|complaint|suppressionlist)(\+[^@]*)?@simulator\.amazonses\.com$/i;

/** Numbers whose SMS the local provider reports as failed: blocked for good, and unreachable (device off). */
export const FAILING_SMS_NUMBERS: Record<string, string> = {
  '+8613800000000': 'TEXT_BLOCKED',
  '+8613800000001': 'TEXT_UNREACHABLE',
};

export type PublishDeliveryEvent = (destination: LocalEventDestination, message: string) => void;

/** The SES event (event publishing record) SES sends for a mailbox-simulator address, or undefined for others. */
export function sesSimulatorEvent(
  address: string,
  mail: { messageId: string; source: string; destination: string[]; configurationSet?: string; tags?: Record<string, string>; at: Date },
) {
  const kind = MAILBOX_SIMULATOR.exec(address)?.[1]?.toLowerCase();
  if (!kind) return undefined;
  const base = {
    mail: {
      timestamp: mail.at.toISOString(),
      source: mail.source,
      sendingAccountId: '000000000000',
      messageId: mail.messageId,
      destination: mail.destination,
      headersTruncated: false,
      // SES publishes the message's own tags (SendEmail EmailTags) with its auto-tags, each as name: [value].
      ...(mail.configurationSet
        ? { tags: { 'ses:configuration-set': [mail.configurationSet], ...Object.fromEntries(Object.entries(mail.tags ?? {}).map(([name, value]) => [name, [value]])) } }
        : {}),
    },
  };
  const at = new Date(mail.at.getTime() + 1000).toISOString();
  if (kind === 'complaint') {
    return {
      type: 'complaint',
      event: {
        eventType: 'Complaint',
        complaint: { complainedRecipients: [{ emailAddress: address }], timestamp: at, feedbackId: `local-${mail.messageId}`, complaintFeedbackType: 'abuse' },
        ...base,
      },
    };
  }
  const bounce = {
    bounceType: 'Permanent',
    bounceSubType: kind === 'suppressionlist' ? 'Suppressed' : 'General',
    bouncedRecipients: [{ emailAddress: address, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
    timestamp: at,
    feedbackId: `local-${mail.messageId}`,
  };
  return { type: 'bounce', event: { eventType: 'Bounce', bounce, ...base } };
}

/** The End User Messaging SMS event for a message to one of FAILING_SMS_NUMBERS, or undefined. */
export function smsSimulatorEvent(sms: StoredSms) {
  const eventType = FAILING_SMS_NUMBERS[sms.destination];
  if (!eventType) return undefined;
  const sent = Date.parse(sms.sentAt);
  return {
    type: eventType,
    event: {
      eventType,
      eventVersion: '1.0',
      eventTimestamp: sent + 1000,
      isFinal: true,
      originationPhoneNumber: sms.originationIdentity ?? '+10000000000',
      destinationPhoneNumber: sms.destination,
      isInternationalSend: false,
      messageId: sms.messageId,
      messageRequestTimestamp: sent,
      messageEncoding: /^[\x20-\x7e\n\r]*$/.test(sms.body) ? 'GSM' : 'UCS2',
      messageType: sms.messageType ?? 'TRANSACTIONAL',
      messageStatus: eventType.replace(/^TEXT_/, ''),
      messageStatusDescription: eventType === 'TEXT_BLOCKED' ? 'The recipient has blocked messages' : 'The recipient cannot be reached',
      // The SendTextMessage Context, returned as it was sent.
      ...(sms.context ? { context: sms.context } : {}),
      totalMessageParts: sms.segments,
    },
  };
}

/** Publishes `event` to every destination of that service and configuration set that enables `type`. */
export function routeDeliveryEvent(
  destinations: LocalEventDestination[],
  publish: PublishDeliveryEvent,
  service: 'ses' | 'sms',
  configurationSet: string | undefined,
  simulated: { type: string; event: unknown } | undefined,
): void {
  if (!simulated || !configurationSet) return;
  for (const destination of destinations) {
    const matches = destination.service === service && destination.configurationSetName === configurationSet;
    const enabled = destination.eventTypes.some((t) => t.toLowerCase() === simulated.type.toLowerCase() || t === 'ALL' || t === 'TEXT_ALL');
    if (matches && enabled) publish(destination, JSON.stringify(simulated.event));
  }
}

/**
 * The first EmailTags name or value SES would refuse (SESv2 API reference, MessageTag: ASCII letters, numbers,
 * underscores and dashes, at most 256 characters), quoted; undefined when all are valid or there are none.
 */
export function invalidEmailTag(body: string | undefined): string | undefined {
  let tags: unknown;
  try {
    tags = (JSON.parse(body ?? '{}') as { EmailTags?: unknown }).EmailTags;
  } catch {
    return undefined;
  }
  if (!Array.isArray(tags)) return undefined;
  for (const tag of tags as Array<{ Name?: unknown; Value?: unknown }>) {
    for (const part of [tag.Name, tag.Value]) if (typeof part !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(part)) return JSON.stringify(part);
  }
  return undefined;
}

/**
 * A pass-through in front of aws-ses-v2-local: every request goes on unchanged; after a successful SendEmail to a
 * mailbox-simulator address, the bounce or complaint SES would report is published a moment later.
 */
export async function startSesEventProxy(opts: {
  target: string;
  port?: number;
  onSent: (mail: { messageId: string; source: string; destination: string[]; configurationSet?: string; tags?: Record<string, string> }) => void;
}): Promise<RunningServer> {
  return startServer(
    async (req: IncomingMessage, res: ServerResponse, url: URL) => {
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
      const badTag = req.method === 'POST' && url.pathname === '/v2/email/outbound-emails' ? invalidEmailTag(body) : undefined;
      if (badTag) {
        // aws-ses-v2-local takes any tag; SES refuses one outside its character rules, so a bad tag fails here as there.
        res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'BadRequestException' });
        res.end(JSON.stringify({ message: `Invalid message tag: ${badTag}` }));
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([name, v]) => typeof v === 'string' && !['host', 'content-length', 'connection'].includes(name)),
      ) as Record<string, string>;
      const answer = await fetch(new URL(url.pathname + url.search, opts.target), { method: req.method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await answer.text();
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(text);
      if (req.method === 'POST' && url.pathname === '/v2/email/outbound-emails' && answer.ok) {
        const sent = JSON.parse(body ?? '{}') as {
          FromEmailAddress?: string;
          Destination?: { ToAddresses?: string[] };
          ConfigurationSetName?: string;
          EmailTags?: Array<{ Name: string; Value: string }>;
        };
        const messageId = (JSON.parse(text) as { MessageId?: string }).MessageId;
        const destination = sent.Destination?.ToAddresses ?? [];
        const tags = sent.EmailTags ? Object.fromEntries(sent.EmailTags.map((t) => [t.Name, t.Value])) : undefined;
        if (messageId)
          opts.onSent({
            messageId,
            source: sent.FromEmailAddress ?? '',
            destination,
            ...(sent.ConfigurationSetName ? { configurationSet: sent.ConfigurationSetName } : {}),
            ...(tags ? { tags } : {}),
          });
      }
    },
    { port: opts.port },
  );
}

/**
 * The local stand-ins of SES's and End User Messaging SMS's delivery reports, wired to the topics the template's
 * configuration sets name: handlers reach SES through `sesEndpoint` (the proxy); the SMS fake reports each stored
 * message to `smsSent`.
 */
export async function startLocalDeliveryEvents(opts: {
  sesEndpoint: string;
  /** The proxy's port (0 or absent: any free one). */
  port?: number;
  destinations: LocalEventDestination[];
  publish: (topicArn: string, message: string) => void;
}): Promise<{ sesEndpoint: string; smsSent: (message: StoredSms) => void; close(): Promise<void> }> {
  const publish: PublishDeliveryEvent = (destination, message) => opts.publish(destination.topicArn, message);
  const proxy = await startSesEventProxy({
    target: opts.sesEndpoint,
    port: opts.port,
    onSent: (mail) => {
      for (const address of mail.destination) {
        // SES reports a moment after accepting the message, never within the SendEmail call.
        setTimeout(() => routeDeliveryEvent(opts.destinations, publish, 'ses', mail.configurationSet, sesSimulatorEvent(address, { ...mail, at: new Date() })), 50);
      }
    },
  });
  return {
    sesEndpoint: proxy.url,
    // Carriers report a moment after the provider accepted the message.
    smsSent: (message) => void setTimeout(() => routeDeliveryEvent(opts.destinations, publish, 'sms', message.configurationSetName, smsSimulatorEvent(message)), 50),
    close: proxy.close,
  };
}
