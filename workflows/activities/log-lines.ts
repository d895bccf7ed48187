/**
 * What one stored log line may be, and how a command's output becomes lines without ever holding more than
 * a bounded part of one: a build step can print a 600 MB line, and the worker must not buffer it whole.
 */

/** The longest text a stored line keeps (characters); the rest is cut and the cut said at its end. */
export const maxLineLength = 16_384;

/**
 * A line cut to `maxLineLength`, with how much was left out. `cutBytes` counts what the reader already
 * dropped before the text reached us (see LineSplitter).
 */
export function cutLine(text: string, cutBytes = 0): string {
  if (text.length <= maxLineLength && cutBytes === 0) return text;
  const kept = text.slice(0, maxLineLength);
  const more = Buffer.byteLength(text.slice(maxLineLength)) + cutBytes;
  return `${kept}… [truncated: ${more} more bytes]`;
}

export interface SplitLine {
  /** The start of the line, at most the splitter's `keepBytes` of it (never a broken UTF-8 sequence). */
  text: string;
  /** Bytes of the line that were counted and dropped. */
  cutBytes: number;
}

const LF = 0x0a;
const CR = 0x0d;

/** How many bytes of `bytes` end on a whole UTF-8 character: a sequence cut by the limit is dropped. */
function wholeCharacters(bytes: Buffer): number {
  let lead = bytes.length - 1;
  while (lead >= 0 && bytes.length - lead < 4 && (bytes[lead]! & 0xc0) === 0x80) lead -= 1;
  if (lead < 0) return bytes.length;
  const byte = bytes[lead]!;
  const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
  return bytes.length - lead < size ? lead : bytes.length;
}

/**
 * Splits a byte stream into lines as it reads. Of each line it keeps at most `keepBytes`; the rest is only
 * counted, so memory stays bounded whatever the stream holds. Line ends are `\n`, `\r\n` and a lone `\r`
 * (as readline had them, so progress output still reads line by line); a last line without an end counts.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private kept = 0;
  private cut = 0;
  private pending = false;
  /** The previous chunk ended on `\r`: a `\n` opening the next one belongs to that line end. */
  private afterCR = false;

  constructor(
    private readonly keepBytes: number,
    private readonly onLine: (line: SplitLine) => void,
  ) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    let at = 0;
    if (this.afterCR) {
      this.afterCR = false;
      if (chunk[0] === LF) at = 1;
    }
    // Positions of the next \r and \n, each searched again only once passed: one scan per chunk.
    let nextLF = -2;
    let nextCR = -2;
    while (at < chunk.length) {
      if (nextLF !== -1 && nextLF < at) nextLF = chunk.indexOf(LF, at);
      if (nextCR !== -1 && nextCR < at) nextCR = chunk.indexOf(CR, at);
      const end = nextLF === -1 ? nextCR : nextCR === -1 ? nextLF : Math.min(nextLF, nextCR);
      if (end === -1) {
        this.keep(chunk.subarray(at));
        return;
      }
      this.keep(chunk.subarray(at, end));
      this.emit();
      at = end + 1;
      if (chunk[end] === CR) {
        if (at === chunk.length) this.afterCR = true;
        else if (chunk[at] === LF) at += 1;
      }
    }
  }

  /** The stream ended: a line still open is emitted. */
  end(): void {
    if (this.pending) this.emit();
  }

  private keep(part: Buffer): void {
    if (part.length === 0) return;
    this.pending = true;
    const room = Math.max(0, this.keepBytes - this.kept);
    if (room > 0) {
      const taken = part.subarray(0, Math.min(room, part.length));
      this.parts.push(Buffer.from(taken)); // a copy: the chunk itself is not retained
      this.kept += taken.length;
    }
    this.cut += Math.max(0, part.length - room);
  }

  private emit(): void {
    const bytes = Buffer.concat(this.parts, this.kept);
    const whole = this.cut > 0 ? wholeCharacters(bytes) : bytes.length;
    const line = {
      text: bytes.subarray(0, whole).toString('utf8'),
      cutBytes: this.cut + bytes.length - whole,
    };
    this.parts = [];
    this.kept = 0;
    this.cut = 0;
    this.pending = false;
    this.onLine(line);
  }
}

/**
 * The last lines of a stream, for a failure message: at most `maxLines`, and at most `maxChars` in all
 * (the end is kept), so an error text never grows with what a command printed.
 */
export class Tail {
  private readonly lines: string[] = [];

  constructor(
    private readonly maxLines = 10,
    private readonly maxChars = 2_000,
  ) {}

  add(line: string): void {
    this.lines.push(line.length > this.maxChars ? `${line.slice(0, this.maxChars)}…` : line);
    if (this.lines.length > this.maxLines) this.lines.shift();
  }

  text(): string {
    const text = this.lines.join('\n').trim();
    return text.length > this.maxChars ? `…${text.slice(text.length - this.maxChars)}` : text;
  }
}
