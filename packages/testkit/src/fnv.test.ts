import { describe, expect, it } from 'vitest';
import { fnv1a32 } from './fnv';

/** An independent BigInt implementation over Buffer's UTF-8 bytes. */
function reference(text: string): number {
  let hash = 0x811c9dc5n;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= BigInt(byte);
    hash = (hash * 0x01000193n) & 0xffffffffn;
  }
  return Number(hash);
}

describe('fnv1a32', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('hashes UTF-8 bytes, not UTF-16 code units', () => {
    for (const text of ['é', 'Sign Up|US|2024-01-01', '日本|😀|x']) {
      expect(fnv1a32(text)).toBe(reference(text));
    }
    expect(fnv1a32('é')).not.toBe(fnv1a32('\u00e9'.normalize('NFD')));
  });

  it('always returns an unsigned 32-bit integer', () => {
    for (let index = 0; index < 200; index += 1) {
      const value = fnv1a32(`event-${index}`);
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(2 ** 32);
    }
  });
});
