import { describe, expect, it } from 'vitest';
import { cutLine, LineSplitter, maxLineLength, Tail, type SplitLine } from './log-lines';

function split(chunks: Array<string | Buffer>, keepBytes = 1024): SplitLine[] {
  const lines: SplitLine[] = [];
  const splitter = new LineSplitter(keepBytes, (line) => lines.push(line));
  for (const chunk of chunks) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  splitter.end();
  return lines;
}
const texts = (lines: SplitLine[]) => lines.map((l) => l.text);

describe('LineSplitter', () => {
  it('splits on \\n, \\r\\n and a lone \\r, keeps a last line without an end, and no empty last line', () => {
    expect(texts(split(['a\nb\r\nc\rd', '\n', 'e']))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(texts(split(['a\n\nb\n']))).toEqual(['a', '', 'b']);
    expect(split([])).toEqual([]);
  });

  it('joins a line across chunks, and a \\r\\n split between two chunks is one line end', () => {
    expect(texts(split(['hel', 'lo\r', '\nworld\r', '', '\n']))).toEqual(['hello', 'world']);
    expect(texts(split(['x\r', 'y']))).toEqual(['x', 'y']);
  });

  it('keeps at most keepBytes of a line and counts the rest, chunk after chunk', () => {
    const lines = split(['a'.repeat(10), 'b'.repeat(10), 'c'.repeat(5), '\nnext\n'], 12);
    expect(lines).toEqual([
      { text: 'a'.repeat(10) + 'bb', cutBytes: 13 },
      { text: 'next', cutBytes: 0 },
    ]);
  });

  it('never keeps half a UTF-8 character at the cut', () => {
    const [line] = split(['aé€😀'], 4); // a(1) é(2) €(3): the cut falls inside €
    expect(line).toEqual({ text: 'aé', cutBytes: 3 + 4 }); // € and 😀, all of their bytes
    expect(split(['€\n'], 3)).toEqual([{ text: '€', cutBytes: 0 }]);
  });

  it('reads a 64 MiB line in bounded memory', () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const lines: SplitLine[] = [];
    const splitter = new LineSplitter(32_768, (line) => lines.push(line));
    for (let i = 0; i < 1024; i += 1) splitter.push(chunk);
    splitter.push(Buffer.from('\nok\n'));
    expect(lines.map((l) => [l.text.length, l.cutBytes])).toEqual([
      [32_768, 64 * 1024 * 1024 - 32_768],
      [2, 0],
    ]);
  });

  it('handles many short lines in one chunk', () => {
    const lines = split(['x\n'.repeat(50_000)]);
    expect(lines).toHaveLength(50_000);
  });
});

describe('cutLine', () => {
  it('leaves a line within the limit alone', () => {
    expect(cutLine('short')).toBe('short');
  });

  it('cuts at maxLineLength and says how many bytes were left out, counting those dropped while reading', () => {
    const long = 'a'.repeat(maxLineLength + 10);
    expect(cutLine(long)).toBe(`${'a'.repeat(maxLineLength)}… [truncated: 10 more bytes]`);
    expect(cutLine(long, 100)).toBe(`${'a'.repeat(maxLineLength)}… [truncated: 110 more bytes]`);
    expect(cutLine('abc', 5)).toBe('abc… [truncated: 5 more bytes]');
  });
});

describe('Tail', () => {
  it('keeps the last lines, and at most maxChars of them', () => {
    const tail = new Tail(3, 10);
    for (const line of ['one', 'two', 'three', 'four']) tail.add(line);
    expect(tail.text()).toBe('…three\nfour');
    const wide = new Tail(2, 5);
    wide.add('x'.repeat(1000));
    expect(wide.text().length).toBeLessThanOrEqual(6);
  });
});
