/**
 * Configuration read once per cold start from the function's environment (set by the CDK stack in AWS, and by
 * the local runtime from the same synthesized template). Each handler asks only for what it uses, so a missing
 * variable fails that function loudly at start rather than half-way through a case.
 */
export function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`missing required environment variable ${name}`);
  return value;
}

export function optional(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function seconds(name: string, fallback: number): number {
  const raw = optional(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`environment variable ${name} must be a whole number of seconds`);
  return value;
}
