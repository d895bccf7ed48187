import { minSecretLength } from './secret-box';

/**
 * The texts a secret value becomes when a command prints it, one way or another.
 * - `literal`: matched whole: the value, its JSON-escaped and URL-encoded forms, and each line of a
 *   multi-line value (a PEM key or a kubeconfig printed line by line).
 * - `encoded`: written in the base64 or hex alphabet, which tools wrap across lines (`base64` at 76
 *   columns, `xxd -p` at 60) and embed in longer encodings (`curl -u` sends base64 of `user:password`):
 *   these are also matched in pieces (see createMasker).
 * Forms shorter than minSecretLength are left out: they would mask ordinary text.
 */
export interface SecretForms {
  literal: string[];
  encoded: string[];
}

/** Characters of base64 (both alphabets, with padding) and hex: what `encoded` forms are made of. */
export const encodedAlphabet = 'A-Za-z0-9+/=_-';

/** A value that is itself written in that alphabet and this long (most API tokens) is matched in pieces. */
const tokenLikeLength = 16;
const tokenLike = new RegExp(`^[${encodedAlphabet}]{${tokenLikeLength},}$`);

export function formsOf(value: string): SecretForms {
  const literal = [value, ...jsonEscaped(value), ...urlEncoded(value)];
  if (value.includes('\n')) literal.push(...value.split('\n').map((line) => line.trim()));
  const bytes = Buffer.from(value, 'utf8');
  const encoded = [...base64Forms(bytes), bytes.toString('hex'), bytes.toString('hex').toUpperCase()];
  if (tokenLike.test(value)) encoded.push(value);
  const long = (form: string) => form.length >= minSecretLength;
  return { literal: [...new Set(literal.filter(long))], encoded: [...new Set(encoded.filter(long))] };
}

/** encodeURIComponent, with spaces as %20 or + (forms); none for a value it cannot encode (a lone surrogate). */
function urlEncoded(value: string): string[] {
  try {
    const encoded = encodeURIComponent(value);
    return [encoded, encoded.replaceAll('%20', '+')];
  } catch {
    return [];
  }
}

/** JSON.stringify's escaping without the quotes, and with non-ASCII as \uXXXX (as Python's json does). */
function jsonEscaped(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const ascii = json.replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return [json, ascii];
}

/**
 * The value's base64 as it appears inside the base64 of any longer text. Its bytes start at one of three
 * alignments within a 3-byte group; for each, the characters that its bytes alone decide (the ones at
 * either edge also hold bits of the neighbouring bytes), and, for when it ends the text, everything up to
 * the padding. Both alphabets, with and without padding.
 */
function base64Forms(bytes: Buffer): string[] {
  const standard: string[] = [];
  for (const before of [0, 1, 2]) {
    const text = Buffer.concat([Buffer.alloc(before), bytes]).toString('base64');
    const first = Math.ceil((8 * before) / 6);
    const decided = Math.floor((8 * (before + bytes.length)) / 6);
    const tail = text.slice(first);
    standard.push(text.slice(first, decided), tail, tail.replace(/=+$/, ''));
  }
  return [...standard, ...standard.map((form) => form.replaceAll('+', '-').replaceAll('/', '_'))];
}
