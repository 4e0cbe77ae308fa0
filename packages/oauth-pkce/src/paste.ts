import type { Readable } from 'node:stream';
import { OAuthPasteError } from '@mixpanel-data/auth-core';
import {
  type AuthorizationResponse,
  firstValues,
  interpretAuthorizationResponse,
} from './callback-server';

/**
 * Parses what a user pasted on a headless machine (docs/oauth.md#headless-login-pasting-the-redirect): the full
 * redirect URL, `?code=…&state=…` or `code=…&state=…`. Errors never echo the
 * pasted text (it may hold a valid code).
 */
export function parsePastedRedirect(line: string, expectedState: string): AuthorizationResponse {
  const text = line.trim();
  if (text === '') {
    throw new OAuthPasteError('Empty paste; expected the redirect URL or `code=...&state=...`.');
  }
  const query = (text.includes('?') ? text.slice(text.indexOf('?') + 1) : text).split('#')[0]!;
  return interpretAuthorizationResponse(
    firstValues(query),
    expectedState,
    () =>
      new OAuthPasteError(
        'The pasted text has no code or state. Paste the whole URL the browser was sent to, like http://localhost:19284/callback?code=...&state=...',
      ),
    'The pasted text does not belong to this login (state mismatch). Paste the redirect of the URL printed above.',
  );
}

/** How many bad pastes are reported before the third one ends the login. */
export const MAX_BAD_PASTES = 3;

export interface PasteReader {
  /** Resolves with the first valid paste; rejects on the third bad one; never settles on EOF. */
  readonly result: Promise<AuthorizationResponse>;
  /** Stops reading and lets the process exit. */
  stop(): void;
}

/**
 * Reads pasted redirects line by line from `input`. A bad paste is reported
 * through `onBadPaste` (one line) and the next line is read; EOF stops
 * silently (the loopback server may still win).
 */
export async function readPastedRedirect(
  input: Readable,
  expectedState: string,
  onBadPaste: (message: string) => void,
): Promise<PasteReader> {
  const { createInterface } = await import('node:readline');
  const lines = createInterface({ input, terminal: false });
  let bad = 0;
  const result = new Promise<AuthorizationResponse>((resolve, reject) => {
    lines.on('line', (line) => {
      try {
        resolve(parsePastedRedirect(line, expectedState));
        stop();
      } catch (error) {
        bad += 1;
        if (bad >= MAX_BAD_PASTES) {
          stop();
          reject(error);
        } else {
          onBadPaste((error as Error).message);
        }
      }
    });
  });
  result.catch(() => {});
  const stop = () => {
    lines.removeAllListeners('line');
    lines.close();
    input.pause?.();
    (input as { unref?: () => void }).unref?.();
  };
  return { result, stop };
}
