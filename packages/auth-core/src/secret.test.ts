import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isSecret, REDACTED, Secret, toSecret } from './secret';

describe('Secret', () => {
  const secret = new Secret('hunter2-value');

  it('renders as ten asterisks in every printable form', () => {
    expect(REDACTED).toBe('**********');
    expect(String(secret)).toBe(REDACTED);
    expect(`${secret}`).toBe(REDACTED);
    expect(`x${secret}`).toBe(`x${REDACTED}`);
    expect(JSON.stringify({ secret })).toBe(`{"secret":"${REDACTED}"}`);
    expect(inspect(secret)).toBe(REDACTED);
    expect(inspect({ nested: { secret } }, { depth: 5 })).not.toContain('hunter2');
  });

  it('gives the value only through reveal()', () => {
    expect(secret.reveal()).toBe('hunter2-value');
    expect(Object.keys(secret)).toEqual([]);
  });

  it('compares by value', () => {
    expect(secret.equals(new Secret('hunter2-value'))).toBe(true);
    expect(secret.equals(new Secret('other'))).toBe(false);
    expect(secret.equals('hunter2-value')).toBe(false);
  });

  it('is frozen and recognised by isSecret', () => {
    expect(Object.isFrozen(secret)).toBe(true);
    expect(isSecret(secret)).toBe(true);
    expect(isSecret({ reveal: () => 'x' })).toBe(false);
    expect(toSecret(secret)).toBe(secret);
    expect(toSecret('abc').reveal()).toBe('abc');
  });
});
