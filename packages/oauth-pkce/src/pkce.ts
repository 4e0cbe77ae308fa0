/** A PKCE pair (RFC 7636) with the S256 method. Never written to disk. */
export interface Pkce {
  /** 86 characters of base64url (64 random bytes). */
  readonly verifier: string;
  /** 43 characters: base64url(SHA-256(ASCII verifier)). */
  readonly challenge: string;
  readonly method: 'S256';
}

/** base64url without padding (jose's encoder, loaded when a login needs it). */
async function encode(bytes: Uint8Array): Promise<string> {
  const { base64url } = await import('jose');
  return base64url.encode(bytes);
}

const random = (bytes: number) => encode(crypto.getRandomValues(new Uint8Array(bytes)));

/** base64url(SHA-256(ASCII bytes of `verifier`)), no padding. */
export async function computeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return encode(new Uint8Array(digest));
}

/** A fresh verifier and its S256 challenge. */
export async function createPkce(): Promise<Pkce> {
  const verifier = await random(64);
  return Object.freeze({ verifier, challenge: await computeChallenge(verifier), method: 'S256' });
}

/** A fresh `state` value: 32 random bytes, base64url (43 characters). */
export function createState(): Promise<string> {
  return random(32);
}
