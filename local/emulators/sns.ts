import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { startServer, sendJson, readBody, type RunningServer } from '../simulators/http.js';

export interface PublishedMessage {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  publishedAt: string;
}

export interface SnsEmulator extends RunningServer {
  messages(): PublishedMessage[];
  /** Publishes as the Publish call does (for local stand-ins of AWS services that publish to topics). */
  publish(topicArn: string, message: string, subject?: string): PublishedMessage;
  /** Called for every message published to `topicArn` (the local stand-in of a subscription). */
  onPublish(topicArn: string, listener: (message: PublishedMessage) => void): void;
}

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);

/**
 * No SNS emulator is packaged for Node: this speaks just enough of its Query protocol (form-encoded Action=Publish,
 * XML answer) for the unmodified SNSClient to publish operator alerts locally, and lists them at GET /messages.
 */
export async function startSnsEmulator(options: { port?: number } = {}): Promise<SnsEmulator> {
  const published: PublishedMessage[] = [];
  const listeners = new Map<string, Array<(message: PublishedMessage) => void>>();
  const publish = (topicArn: string, text: string, subject?: string): PublishedMessage => {
    const message: PublishedMessage = { messageId: randomUUID(), topicArn, ...(subject ? { subject } : {}), message: text, publishedAt: new Date().toISOString() };
    published.push(message);
    for (const listener of listeners.get(topicArn) ?? []) listener(message);
    return message;
  };
  const server = await startServer(
    async (req: IncomingMessage, res, url) => {
      if (req.method === 'GET' && url.pathname === '/messages') return sendJson(res, 200, { messages: published });
      if (req.method !== 'POST') return sendJson(res, 404, { error: 'not_found', message: 'POST an SNS Query request, or GET /messages' });
      const form = new URLSearchParams(await readBody(req));
      const requestId = randomUUID();
      if (form.get('Action') !== 'Publish' || !form.get('TopicArn') || !form.get('Message')) {
        res.writeHead(400, { 'content-type': 'text/xml' });
        res.end(
          `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Only Publish with TopicArn and Message is emulated</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        );
        return;
      }
      const message = publish(form.get('TopicArn')!, form.get('Message')!, form.get('Subject') ?? undefined);
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${xmlEscape(message.messageId)}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    },
    { port: options.port },
  );
  return {
    ...server,
    messages: () => [...published],
    publish,
    onPublish: (topicArn, listener) => listeners.set(topicArn, [...(listeners.get(topicArn) ?? []), listener]),
  };
}
