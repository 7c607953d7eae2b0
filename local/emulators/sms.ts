// Local fake of AWS End User Messaging SMS (pinpoint-sms-voice-v2). It speaks the AWS JSON 1.0 wire
// protocol, so the unmodified PinpointSMSVoiceV2Client works against it via `endpoint`, and it keeps
// what was "sent" so developers (GET /) and tests (GET /messages) can read it.
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { notFound, readBody, sendJson, startServer, type ListenOptions, type RunningServer } from '../simulators/http.js';
import { smsSegments } from './sms-segments.js';

export { smsSegments, smsEncoding, type SmsEncoding } from './sms-segments.js';

export interface StoredSms {
  messageId: string;
  destination: string;
  body: string;
  originationIdentity?: string;
  messageType?: string;
  configurationSetName?: string;
  context?: Record<string, string>;
  segments: number;
  sentAt: string;
}

/**
 * Numbers on the local account's opt-out list. SendTextMessage to one fails at once, as End User Messaging does:
 * ConflictException with Reason DESTINATION_PHONE_NUMBER_OPTED_OUT (API reference, ConflictException). Beside them,
 * FAILING_SMS_NUMBERS (delivery-simulator.ts) are accepted and then reported blocked or unreachable by an event.
 */
export const OPTED_OUT_SMS_NUMBERS: readonly string[] = ['+8613800000002'];

export interface SmsEmulatorOptions extends ListenOptions {
  /** JSON Lines file: loaded at start and appended on each message, so SMS survive a restart. */
  dataFile?: string;
  now?: () => Date;
  /** Called after each message is stored (the local stand-in of carrier delivery reports). */
  onSent?: (message: StoredSms) => void;
  /** The opt-out list (default OPTED_OUT_SMS_NUMBERS). */
  optedOut?: readonly string[];
}

export interface SmsEmulator extends RunningServer {
  /** Stored messages, oldest first, optionally only those sent to one number. */
  messages(filter?: { to?: string }): StoredSms[];
  clear(): void;
}

const SEND_TEXT_MESSAGE = 'PinpointSMSVoiceV2.SendTextMessage';
const AWS_JSON = 'application/x-amz-json-1.0';
const E164 = /^\+[1-9]\d{6,14}$/;
const MESSAGE_TYPES = ['TRANSACTIONAL', 'PROMOTIONAL'];

/** An AWS JSON 1.0 error: the SDK reads the type from x-amzn-errortype / __type and maps it to its exception class. */
function sendAwsError(res: ServerResponse, type: string, message: string, extra: Record<string, unknown> = {}, messageKey = 'message'): void {
  sendJson(res, 400, { __type: type, [messageKey]: message, ...extra }, { 'x-amzn-errortype': type, 'x-amzn-requestid': randomUUID() }, AWS_JSON);
}

class AwsValidationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function optionalString(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AwsValidationError(field, `${field} must be a string`);
  return value;
}

function parseSendTextMessage(input: Record<string, unknown>): Omit<StoredSms, 'messageId' | 'segments' | 'sentAt'> {
  const destination = optionalString(input, 'DestinationPhoneNumber');
  if (destination === undefined || !E164.test(destination)) {
    throw new AwsValidationError('DestinationPhoneNumber', 'DestinationPhoneNumber must be an E.164 number such as +8613800138000');
  }
  const body = optionalString(input, 'MessageBody');
  if (body === undefined || body === '') throw new AwsValidationError('MessageBody', 'MessageBody must not be empty');
  const messageType = optionalString(input, 'MessageType');
  if (messageType !== undefined && !MESSAGE_TYPES.includes(messageType)) {
    throw new AwsValidationError('MessageType', `MessageType must be one of ${MESSAGE_TYPES.join(', ')}`);
  }
  const context = input.Context;
  if (context !== undefined && (typeof context !== 'object' || context === null || Object.values(context).some((v) => typeof v !== 'string'))) {
    throw new AwsValidationError('Context', 'Context must be a map of strings');
  }
  return {
    destination,
    body,
    originationIdentity: optionalString(input, 'OriginationIdentity'),
    messageType,
    configurationSetName: optionalString(input, 'ConfigurationSetName'),
    context: context as Record<string, string> | undefined,
  };
}

function loadMessages(dataFile: string): StoredSms[] {
  if (!existsSync(dataFile)) return [];
  const messages: StoredSms[] = [];
  for (const line of readFileSync(dataFile, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      messages.push(JSON.parse(line) as StoredSms);
    } catch {
      // A line torn by a crash mid-write must not stop the emulator from starting.
    }
  }
  return messages;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

function renderInbox(messages: StoredSms[]): string {
  const rows = [...messages]
    .reverse()
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.sentAt)}</td><td>${escapeHtml(m.destination)}</td><td>${escapeHtml(m.originationIdentity ?? '')}</td>` +
        `<td>${m.segments}</td><td><pre>${escapeHtml(m.body)}</pre></td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>Local SMS</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.4em;text-align:left;vertical-align:top}pre{margin:0;white-space:pre-wrap}</style>
</head><body><h1>Local SMS (${messages.length})</h1>
<table><thead><tr><th>Sent at</th><th>To</th><th>From</th><th>Segments</th><th>Body</th></tr></thead><tbody>
${rows || '<tr><td colspan="5">No messages yet</td></tr>'}
</tbody></table></body></html>`;
}

/** `?to=+8613800138000` written unencoded arrives as " 8613800138000" ('+' means space in a query), so restore it. */
function recipientFilter(url: URL): string | undefined {
  const to = url.searchParams.get('to')?.trim();
  if (!to) return undefined;
  return /^\d/.test(to) ? `+${to}` : to;
}

export async function startSmsEmulator(options: SmsEmulatorOptions = {}): Promise<SmsEmulator> {
  const clock = options.now ?? (() => new Date());
  const { dataFile } = options;
  if (dataFile) mkdirSync(dirname(dataFile), { recursive: true });
  const stored: StoredSms[] = dataFile ? loadMessages(dataFile) : [];
  const optedOut = new Set(options.optedOut ?? OPTED_OUT_SMS_NUMBERS);

  const messages = (filter: { to?: string } = {}): StoredSms[] => stored.filter((m) => !filter.to || m.destination === filter.to).map((m) => structuredClone(m));

  const clear = (): void => {
    stored.length = 0;
    if (dataFile) writeFileSync(dataFile, '');
  };

  async function handleAwsCall(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.headers['x-amz-target'];
    const raw = await readBody(req);
    if (target !== SEND_TEXT_MESSAGE) {
      return sendAwsError(res, 'UnknownOperationException', `Operation ${String(target ?? '(none)')} is not supported by the local SMS emulator`);
    }
    let input: unknown;
    try {
      input = JSON.parse(raw === '' ? '{}' : raw);
    } catch {
      return sendAwsError(res, 'SerializationException', 'Request body is not valid JSON');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return sendAwsError(res, 'SerializationException', 'Request body must be a JSON object');
    }
    let fields: ReturnType<typeof parseSendTextMessage>;
    try {
      fields = parseSendTextMessage(input as Record<string, unknown>);
    } catch (err) {
      if (!(err instanceof AwsValidationError)) throw err;
      return sendAwsError(res, 'ValidationException', err.message, {
        Reason: 'FIELD_VALIDATION_FAILED',
        Fields: [{ Name: err.field, Message: err.message }],
      });
    }
    if (optedOut.has(fields.destination)) {
      // The service's ConflictException members are Message and Reason (capitalised, unlike ValidationException's).
      return sendAwsError(res, 'ConflictException', 'The destination phone number is opted out.', { Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT' }, 'Message');
    }
    const messageId = randomUUID();
    // DryRun validates without sending, as the real service does.
    if ((input as { DryRun?: unknown }).DryRun !== true) {
      const message: StoredSms = { messageId, ...fields, segments: smsSegments(fields.body), sentAt: clock().toISOString() };
      // Drop absent optionals so stored records and the JSON file stay tidy.
      for (const key of Object.keys(message) as (keyof StoredSms)[]) if (message[key] === undefined) delete message[key];
      stored.push(message);
      if (dataFile) appendFileSync(dataFile, `${JSON.stringify(message)}\n`);
      if (options.onSent) setImmediate(() => options.onSent!(structuredClone(message)));
    }
    sendJson(res, 200, { MessageId: messageId }, { 'x-amzn-requestid': randomUUID() }, AWS_JSON);
  }

  const server = await startServer(async (req, res, url) => {
    if (req.method === 'POST' && url.pathname === '/') return handleAwsCall(req, res);
    if (req.method === 'GET' && url.pathname === '/') {
      const html = renderInbox(stored);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html) });
      return void res.end(html);
    }
    if (url.pathname === '/messages') {
      if (req.method === 'GET') return sendJson(res, 200, { messages: messages({ to: recipientFilter(url) }) });
      if (req.method === 'DELETE') {
        const deleted = stored.length;
        clear();
        return sendJson(res, 200, { deleted });
      }
    }
    throw notFound(req.method, url.pathname);
  }, options);

  return { ...server, messages, clear };
}
