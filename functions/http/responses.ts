import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** JSON responses with a machine-readable `error` code; never a stack trace. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export function problem(statusCode: number, error: string, message: string, extra: Record<string, unknown> = {}): APIGatewayProxyStructuredResultV2 {
  return json(statusCode, { error, message, ...extra });
}

export function rawBody(event: { body?: string; isBase64Encoded?: boolean }): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}
