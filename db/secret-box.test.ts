import { describe, expect, it } from 'vitest';
import { SecretBox, SecretKeyError } from './secret-box';

describe('SecretBox', () => {
  const box = SecretBox.fromBase64(SecretBox.generateKey());

  it('seals a value so that only the same key opens it', () => {
    const sealed = box.seal('hunter2-prod-token');
    expect(sealed.ciphertext.toString('utf8')).not.toContain('hunter2');
    expect(box.open(sealed)).toBe('hunter2-prod-token');
    const other = SecretBox.fromBase64(SecretBox.generateKey());
    expect(() => other.open(sealed)).toThrow(SecretKeyError);
    expect(() => other.open({ ...sealed, keyFingerprint: other.fingerprint })).toThrow(
      /failed authentication/,
    );
  });

  it('uses a fresh IV for each value', () => {
    const a = box.seal('same value');
    const b = box.seal('same value');
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it('detects a tampered ciphertext', () => {
    const sealed = box.seal('do not touch');
    sealed.ciphertext[0] = sealed.ciphertext[0]! ^ 0xff;
    expect(() => box.open(sealed)).toThrow(/failed authentication/);
  });

  it.each(['', 'short', 'not base64 at all!!', Buffer.alloc(16).toString('base64')])(
    'refuses the key %j',
    (key) => {
      expect(() => SecretBox.fromBase64(key)).toThrow(SecretKeyError);
    },
  );
});
