/**
 * Every AWS SDK client of the functions is made through `awsClient`, so a function that traces (functions/tracing.ts)
 * can have them all captured by X-Ray without this module importing the tracer: functions that do not trace carry
 * neither the tracer nor the X-Ray SDK in their bundle.
 */
type ClientDecorator = <T extends object>(client: T) => T;

let decorate: ClientDecorator = (client) => client;

export function awsClient<T extends object>(client: T): T {
  return decorate(client);
}

/** Set once, at cold start, before any client is made (functions/tracing.ts). */
export function decorateAwsClients(decorator: ClientDecorator): void {
  decorate = decorator;
}
