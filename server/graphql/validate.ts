import { badInput } from '../errors';

/** PostgreSQL text cannot hold NUL; such input is refused, never half-stored. */
export function refuseNul(field: string, value: string): string {
  if (value.includes('\0')) throw badInput(field, 'must not contain NUL characters');
  return value;
}

/** A trimmed, non-blank string of at most `max` characters. */
export function requiredText(field: string, value: string | null | undefined, max = 200): string {
  const text = refuseNul(field, value ?? '').trim();
  if (text === '') throw badInput(field, 'must not be blank');
  if (text.length > max) throw badInput(field, `must be at most ${max} characters`);
  return text;
}

export function optionalText(field: string, value: string | null | undefined, max = 2000): string | null {
  if (value === null || value === undefined) return null;
  const text = refuseNul(field, value).trim();
  if (text.length > max) throw badInput(field, `must be at most ${max} characters`);
  return text === '' ? null : text;
}

export function intInRange(
  field: string,
  value: number | null | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === null || value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max)
    throw badInput(field, `must be an integer from ${min} to ${max}`);
  return value;
}

/** An absolute http(s) URL, parsed. */
export function httpUrl(field: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput(field, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw badInput(field, 'must be an absolute http(s) URL');
  return url;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name a row, so it is reported as the caller's mistake. */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/** True when `error` is PostgreSQL's unique_violation. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}
