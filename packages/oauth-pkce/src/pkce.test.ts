import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeChallenge, createPkce, createState } from './pkce';

describe('PKCE (docs/oauth.md#pkce-and-state)', () => {
  it('makes an 86-char verifier and its 43-char S256 challenge, base64url without padding', async () => {
    const pkce = await createPkce();
    expect(pkce.verifier).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(pkce.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pkce.method).toBe('S256');
    expect(pkce.challenge).toBe(
      createHash('sha256').update(pkce.verifier, 'ascii').digest('base64url'),
    );
  });

  it('matches the RFC 7636 appendix B example', async () => {
    expect(await computeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('never repeats itself', async () => {
    const pairs = await Promise.all(Array.from({ length: 10 }, () => createPkce()));
    expect(new Set(pairs.map((p) => p.verifier)).size).toBe(10);
    expect(new Set(pairs.map((p) => p.challenge)).size).toBe(10);
    const states = await Promise.all(Array.from({ length: 10 }, () => createState()));
    expect(new Set(states).size).toBe(10);
    expect(states.every((s) => /^[A-Za-z0-9_-]{43}$/.test(s))).toBe(true);
  });
});
