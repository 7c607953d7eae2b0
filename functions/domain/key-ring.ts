/**
 * A secret that can be rotated without breaking what was signed or sent with the key before it. Its value in Secrets
 * Manager (or the local environment) is either the key itself, or JSON naming the key before it and when it was
 * replaced:
 *
 *     {"current": "<new key>", "previous": "<old key>", "rotatedAt": "2026-12-04T10:00:00Z"}
 *
 * New things are signed with `current` only; `previous` is accepted for a grace period after `rotatedAt` that each
 * use chooses (a status link's lifetime, a webhook sender's switch-over). A value without `previous` revokes the
 * old key at once: the way to react to a leaked key.
 *
 * Why JSON in the one secret rather than Secrets Manager's AWSPREVIOUS version: Powertools' parameters cache keys a
 * secret by name only (not `VersionStage`), so reading both stages through it returns the same value (issue
 * aws-powertools/powertools-lambda-typescript#5622, in the pinned 2.35); AWSPREVIOUS also says nothing of when it
 * stopped being current, and moves on every put, so an accidental second put would silently revoke the links.
 */
export interface KeyRing {
  current: string;
  previous?: { key: string; rotatedAt: Date };
}

export class KeyRingError extends Error {
  override readonly name = 'KeyRingError';
}

/** Reads a secret's value (never echoed in errors: a key must not reach a log). */
export function parseKeyRing(value: string, what = 'secret'): KeyRing {
  if (!value.trimStart().startsWith('{')) return { current: value };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new KeyRingError(`${what}: the value starts with "{" but is not JSON`);
  }
  return keyRingFrom(parsed, what);
}

/** A key ring from parsed JSON: a plain string, or {current, previous?, rotatedAt?}. */
export function keyRingFrom(parsed: unknown, what = 'secret'): KeyRing {
  if (typeof parsed === 'string') return { current: parsed };
  if (!parsed || typeof parsed !== 'object') throw new KeyRingError(`${what}: expected a string or {"current", "previous", "rotatedAt"}`);
  const { current, previous, rotatedAt, ...rest } = parsed as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw new KeyRingError(`${what}: unknown field(s) ${Object.keys(rest).join(', ')}`);
  if (typeof current !== 'string' || current === '') throw new KeyRingError(`${what}: "current" must be a non-empty string`);
  if (previous === undefined || previous === '') return { current };
  if (typeof previous !== 'string') throw new KeyRingError(`${what}: "previous" must be a string`);
  const at = typeof rotatedAt === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(rotatedAt) ? new Date(rotatedAt) : undefined;
  if (!at || Number.isNaN(at.getTime())) throw new KeyRingError(`${what}: "previous" needs "rotatedAt", an ISO 8601 date-time (when "current" was put)`);
  return { current, previous: { key: previous, rotatedAt: at } };
}

/** Whether the previous key is still accepted at `now`: until `rotatedAt + graceMs`. */
export function previousAccepted(ring: KeyRing, now: Date, graceMs: number): string | undefined {
  if (!ring.previous) return undefined;
  return now.getTime() < ring.previous.rotatedAt.getTime() + graceMs ? ring.previous.key : undefined;
}

/** The keys a signature may verify with at `now`: the current one first, then the previous one during its grace. */
export function acceptedKeys(ring: KeyRing, now: Date, graceMs: number): string[] {
  const previous = previousAccepted(ring, now, graceMs);
  return previous === undefined ? [ring.current] : [ring.current, previous];
}

/** The value to put when rotating: the new key current, the one it replaces previous (its own previous dropped). */
export function rotatedKeyRing(ring: KeyRing, newKey: string, now: Date): string {
  return JSON.stringify({ current: newKey, previous: ring.current, rotatedAt: now.toISOString() });
}
