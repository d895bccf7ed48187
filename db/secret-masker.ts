import { minSecretLength } from './secret-box';
import { encodedAlphabet, formsOf } from './secret-forms';

/** Replaces what a text holds of secret values by `***`. */
export type Mask = (text: string) => string;

/** Encoded forms are matched by every run of this many of their characters (48 bits of base64, 4 bytes of hex). */
const pieceLength = 8;
/** A run this long is taken for a line of wrapped base64 or hex, whose edges are checked for shorter pieces. */
const wrappedRunLength = 16;

const encodedRun = new RegExp(`[${encodedAlphabet}]+`, 'g');

interface Needles {
  /**
   * Matched whole, wherever they occur: literal forms, and encoded forms too short to cut into pieces; by
   * their first minSecretLength characters, longest first. (A regular expression of alternatives would
   * be simpler, but V8 refuses one over a few dozen KiB, which a handful of large secrets reach.)
   */
  whole: Map<string, string[]>;
  /** Every pieceLength-character substring of every encoded form. */
  pieces: Set<string>;
  /** The first and last minSecretLength..pieceLength-1 characters of every encoded form. */
  beginnings: Set<string>;
  endings: Set<string>;
}

/**
 * The masker of a set of secret values: every form of formsOf is replaced by `***`, and so is any piece of
 * an encoded form that a line break cut off or that a longer encoding holds:
 * - any run of 8 characters of an encoded form, anywhere (the middle lines of wrapped base64, hex of a
 *   longer text, a form cut at a line break with 8 or more characters on this side);
 * - on a line that is made of encoded characters (or starts or ends with 16 of them), 4 to 7 characters at
 *   the line's end that begin an encoded form, and 4 to 7 at its start that end one (what a wrap at 76 or
 *   60 columns leaves on either side of the break).
 * Lines are masked one at a time as a command prints them, so nothing waits for the next line: a piece of
 * fewer than 4 characters at a break, or a line of fewer than 4 characters of a multi-line value, can show.
 * A text costs a few hash lookups per character, whatever the number of secrets: never a search per form.
 */
export function createMasker(values: readonly string[]): Mask {
  const needles = needlesOf(values);
  if (!needles) return (text) => text;
  return (text) => replaceSpans(text, spansOf(text, needles));
}

function needlesOf(values: readonly string[]): Needles | null {
  const whole = new Set<string>();
  const pieces = new Set<string>();
  const beginnings = new Set<string>();
  const endings = new Set<string>();
  for (const value of values) {
    if (value.length < minSecretLength) continue;
    const forms = formsOf(value);
    for (const form of forms.literal) whole.add(form);
    for (const form of forms.encoded) {
      if (form.length < pieceLength) whole.add(form);
      for (let i = 0; i + pieceLength <= form.length; i++) pieces.add(form.slice(i, i + pieceLength));
      for (let n = minSecretLength; n < Math.min(pieceLength, form.length); n++) {
        beginnings.add(form.slice(0, n));
        endings.add(form.slice(-n));
      }
    }
  }
  if (whole.size === 0 && pieces.size === 0) return null;
  const byStart = new Map<string, string[]>();
  for (const form of [...whole].sort((a, b) => b.length - a.length)) {
    const start = form.slice(0, minSecretLength);
    byStart.set(start, [...(byStart.get(start) ?? []), form]);
  }
  return { whole: byStart, pieces, beginnings, endings };
}

type Span = [start: number, end: number];

function spansOf(text: string, needles: Needles): Span[] {
  const spans: Span[] = [];
  if (needles.whole.size > 0) {
    for (let i = 0; i + minSecretLength <= text.length; i++) {
      const form = needles.whole
        .get(text.slice(i, i + minSecretLength))
        ?.find((candidate) => text.startsWith(candidate, i));
      if (form) spans.push([i, i + form.length]);
    }
  }
  for (const run of text.matchAll(encodedRun)) {
    const start = run.index;
    const chars = run[0];
    for (let i = 0; i + pieceLength <= chars.length; i++) {
      if (needles.pieces.has(chars.slice(i, i + pieceLength)))
        spans.push([start + i, start + i + pieceLength]);
    }
    const atLineStart = startsLine(text, start);
    const atLineEnd = endsLine(text, start + chars.length);
    if (chars.length < wrappedRunLength && !(atLineStart && atLineEnd)) continue;
    const longest = Math.min(pieceLength - 1, chars.length);
    if (atLineStart) {
      for (let n = longest; n >= minSecretLength; n--) {
        if (needles.endings.has(chars.slice(0, n))) {
          spans.push([start, start + n]);
          break;
        }
      }
    }
    if (atLineEnd) {
      for (let n = longest; n >= minSecretLength; n--) {
        if (needles.beginnings.has(chars.slice(-n))) {
          spans.push([start + chars.length - n, start + chars.length]);
          break;
        }
      }
    }
  }
  return spans;
}

/** Each stretch covered by overlapping or touching spans becomes one `***`. */
function replaceSpans(text: string, spans: Span[]): string {
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Span[] = [];
  for (const [start, end] of spans) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  let out = '';
  let at = 0;
  for (const [start, end] of merged) {
    out += `${text.slice(at, start)}***`;
    at = end;
  }
  return out + text.slice(at);
}

/** Whether only blanks stand between the line's start and `at`. */
function startsLine(text: string, at: number): boolean {
  let i = at;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  return i === 0 || text[i - 1] === '\n';
}

/** Whether only blanks (and a carriage return) stand between `at` and the line's end. */
function endsLine(text: string, at: number): boolean {
  let i = at;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i++;
  return i === text.length || text[i] === '\n';
}
