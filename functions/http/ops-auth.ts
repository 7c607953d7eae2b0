import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * Operators are authenticated by API Gateway's IAM authorizer in AWS (SigV4-signed requests from an ops role; the
 * route rejects anything else before this code runs). The local runtime has no IAM, so there a bearer token from
 * OPS_TOKEN stands in. With neither, every request is refused.
 */
export function isOperator(event: APIGatewayProxyEventV2, opsToken: string | undefined): boolean {
  const context = event.requestContext as APIGatewayProxyEventV2['requestContext'] & { authorizer?: { iam?: { userArn?: string } } };
  if (context.authorizer?.iam?.userArn) return true;
  if (!opsToken) return false;
  const header = event.headers.authorization ?? '';
  const match = /^Bearer (.+)$/i.exec(header);
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(opsToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function operatorName(event: APIGatewayProxyEventV2): string {
  const context = event.requestContext as APIGatewayProxyEventV2['requestContext'] & { authorizer?: { iam?: { userArn?: string } } };
  return context.authorizer?.iam?.userArn ?? 'local-operator';
}
