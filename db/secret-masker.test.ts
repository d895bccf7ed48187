import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMasker } from './secret-masker';

const canary = 'canary-5f1c9e0a/s3cr3t+key=v 1"quoted"\\é';
const pem = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACDnl1a4vTvmDqFfIVZxWwH0o5n6hPxkm3JZo0t3fLAqVgAAAJiH8x2Ah/Md',
  'gAAAAAtzc2gtZWQyNTUxOQAAACDnl1a4vTvmDqFfIVZxWwH0o5n6hPxkm3JZo0t3fLAqVg',
  '-----END OPENSSH PRIVATE KEY-----',
  '',
].join('\n');

/** Lines as a tool wraps them: `base64` at 76 columns, `xxd -p` at 60. */
const wrap = (text: string, width: number) => text.match(new RegExp(`.{1,${width}}`, 'g')) ?? [];

/**
 * Masks each line on its own (as lines stream out of a command) and checks that no 4 consecutive characters
 * of `secretPart` (the characters that the secret alone decides) survive on any line.
 */
function expectMaskedLineByLine(lines: string[], secretPart: string, mask: (t: string) => string) {
  const masked = lines.map(mask);
  for (let i = 0; i + 4 <= secretPart.length; i++) {
    const piece = secretPart.slice(i, i + 4);
    for (const line of masked)
      expect(line, `"${piece}" survives in ${masked.join('\n')}`).not.toContain(piece);
  }
  return masked;
}

/** The characters of base64(prefix + value + suffix) that the value's bytes alone decide. */
function decidedBase64(prefix: string, value: string, encoded: string) {
  const before = Buffer.byteLength(prefix);
  const bytes = Buffer.byteLength(value);
  return encoded.slice(Math.ceil((8 * before) / 6), Math.floor((8 * (before + bytes)) / 6));
}

describe('createMasker', () => {
  it('masks the value, its base64 and URL-encoded forms', () => {
    const value = 's3cr3t value/with+chars';
    const mask = createMasker([value]);
    const line = [
      value,
      Buffer.from(value).toString('base64'),
      Buffer.from(value).toString('base64url'),
      encodeURIComponent(value),
    ].join(' | ');
    expect(mask(line)).toBe('*** | *** | *** | ***');
    expect(mask(`token=${value}; done`)).toBe('token=***; done');
  });

  it('leaves text without secrets alone and ignores values too short to mask', () => {
    const mask = createMasker(['abc', 'longer-secret']);
    expect(mask('abc is fine')).toBe('abc is fine');
    expect(createMasker([])('anything')).toBe('anything');
    expect(createMasker(['abc'])('abc')).toBe('abc');
  });

  it('leaves ordinary log text alone', () => {
    const mask = createMasker([canary, pem, 'deploy-password-2024', '12345678901234']);
    const lines = [
      'commit 9fceb02d0ae598e95dc970b74767f19372d61af8 (HEAD -> main, origin/main)',
      '2024-05-01T12:00:00.123Z INFO build finished in 17061 ms, exit code 0',
      'npm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory.',
      'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
      'QmFzZTY0IHRleHQgdGhhdCBpcyBub3QgYSBzZWNyZXQgYXQgYWxsLCBqdXN0IHNvbWUgZGF0YQ==',
      'apiVersion: v1',
      'done',
    ];
    for (const line of lines) expect(mask(line)).toBe(line);
  });

  it('masks a multi-line value printed across lines, whole or line by line', () => {
    const mask = createMasker([pem]);
    expect(mask(`key:\n${pem}end`)).toBe('key:\n***end');
    const printed = `  ${pem.trimEnd().replaceAll('\n', '\n  ')}`.split('\n');
    expect(printed.map(mask)).toEqual(printed.map((line) => line.replace(/\S.*$/, '***')));
  });

  it.each([0, 1, 2, 3, 4, 5])(
    'masks base64 of a longer text holding the value after %i bytes, in both alphabets, with and without padding',
    (before) => {
      const prefix = 'deploy:'.slice(0, before);
      const mask = createMasker([canary]);
      for (const suffix of ['', '@example.com']) {
        const standard = Buffer.from(`${prefix}${canary}${suffix}`).toString('base64');
        const urlSafe = standard.replaceAll('+', '-').replaceAll('/', '_');
        for (const encoded of [standard, standard.replace(/=+$/, ''), urlSafe, urlSafe.replace(/=+$/, '')]) {
          const [masked] = expectMaskedLineByLine(
            [`Authorization: Basic ${encoded}`],
            decidedBase64(prefix, canary, encoded),
            mask,
          );
          expect(masked).toContain('***');
          // What the prefix alone decides stays.
          const ownPrefix = encoded.slice(0, Math.floor((8 * before) / 6));
          expect(masked!.startsWith(`Authorization: Basic ${ownPrefix}`)).toBe(true);
        }
      }
    },
  );

  it.each([0, 1, 2])(
    'masks wrapped base64 (76 columns) of a text holding the value after %i bytes',
    (before) => {
      const long = `${canary}-${'0123456789abcdef'.repeat(8)}-${canary}`;
      const prefix = 'user:'.slice(0, before);
      const encoded = Buffer.from(`${prefix}${long}\n`).toString('base64');
      const masked = expectMaskedLineByLine(
        wrap(encoded, 76),
        decidedBase64(prefix, long, encoded),
        createMasker([long]),
      );
      expect(masked.join('\n')).toContain('***');
    },
  );

  it('masks every wrap position of base64 and hex', () => {
    const mask = createMasker([canary]);
    for (let before = 0; before < 80; before++) {
      const prefix = 'x'.repeat(before);
      const base64 = Buffer.from(`${prefix}${canary}`).toString('base64');
      expectMaskedLineByLine(wrap(base64, 76), decidedBase64(prefix, canary, base64), mask);
      const hex = Buffer.from(`${prefix}${canary}`).toString('hex');
      const hexPart = Buffer.from(canary).toString('hex');
      expectMaskedLineByLine(wrap(hex, 60), hexPart, mask);
      expectMaskedLineByLine(wrap(hex.toUpperCase(), 60), hexPart.toUpperCase(), mask);
    }
  });

  it('masks hex (xxd -p), lower and upper case', () => {
    const mask = createMasker([canary]);
    const hex = Buffer.from(canary).toString('hex');
    expect(mask(hex)).toBe('***');
    expect(mask(`0x${hex.toUpperCase()}`)).toBe('0x***');
  });

  it('masks the JSON-escaped value, with non-ASCII as is or as \\u escapes', () => {
    const mask = createMasker([canary, pem]);
    const json = JSON.stringify({ token: canary, key: pem });
    expect(mask(json)).toBe('{"token":"***","key":"***"}');
    expect(mask(JSON.stringify(canary).replace('é', '\\u00e9'))).toBe('"***"');
  });

  it('masks a long token printed in pieces, and overlapping values wholly', () => {
    const token = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';
    const mask = createMasker([token, 'abcdefgh-1', 'fgh-1-and-more']);
    expect(mask(`first part: ${token.slice(0, 12)}`)).toBe('first part: ***');
    expect(wrap(token, 16).map(mask)).toEqual(['***', '***', '***']);
    expect(mask('xx abcdefgh-1-and-more yy')).toBe('xx *** yy');
  });

  it('masks a value that URL encoding cannot take (a lone surrogate) in its other forms', () => {
    expect(createMasker(['bad \ud800 value'])('x bad \ud800 value y')).toBe('x *** y');
  });

  it('handles values of the largest size a secret may have', () => {
    const bytes = Array.from({ length: 1536 }, (_, i) => createHash('sha256').update(String(i)).digest());
    const big = Buffer.concat(bytes).toString('base64'); // 64 KiB
    const mask = createMasker([big]);
    expect(mask(`x${big}y`)).toBe('x***y');
  });
});
