import { PassThrough } from 'node:stream';
import { OAuthError } from '@mixpanel-data/auth-core';
import { describe, expect, it } from 'vitest';
import { parsePastedRedirect, readPastedRedirect } from './paste';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OAuthError);
    return error as OAuthError;
  }
  throw new Error('expected an OAuthError');
};

describe('parsePastedRedirect (docs/oauth.md#headless-login-pasting-the-redirect)', () => {
  it.each([
    'http://localhost:19284/callback?code=ABC&state=XYZ',
    '  ?code=ABC&state=XYZ  ',
    'code=ABC&state=XYZ',
    'code=ABC&state=XYZ#fragment',
    'http://localhost:19284/callback?code=ABC&state=XYZ&code=second',
  ])('accepts %j', (line) => {
    expect(parsePastedRedirect(line, 'XYZ')).toEqual({ code: 'ABC', state: 'XYZ' });
  });

  it.each([
    ['', 'OAUTH_PASTE_ERROR'],
    ['   ', 'OAUTH_PASTE_ERROR'],
    ['state=XYZ', 'OAUTH_PASTE_ERROR'],
    ['code=SECRETCODE', 'OAUTH_PASTE_ERROR'],
    ['code=SECRETCODE&state=', 'OAUTH_PASTE_ERROR'],
    ['code=SECRETCODE&state=OTHER', 'OAUTH_STATE_MISMATCH'],
    ['error=access_denied&error_description=nope&state=XYZ', 'OAUTH_AUTH_DENIED'],
    ['garbage with spaces', 'OAUTH_PASTE_ERROR'],
  ])('refuses %j with %s and never echoes the paste', (line, code) => {
    const error = codeOf(() => parsePastedRedirect(line, 'XYZ'));
    expect(error.code).toBe(code);
    expect(error.message).not.toContain('SECRETCODE');
    expect(JSON.stringify(error.details)).not.toContain('SECRETCODE');
    expect(error.message).not.toContain('XYZ');
  });

  it('carries the provider error and description', () => {
    const error = codeOf(() =>
      parsePastedRedirect('?error=access_denied&error_description=The+user+said+no', 'S'),
    );
    expect(error.details).toEqual({
      error: 'access_denied',
      error_description: 'The user said no',
    });
    expect(error.message).toContain('access_denied - The user said no');
  });
});

describe('readPastedRedirect', () => {
  it('reports bad pastes, then resolves with the first good one', async () => {
    const input = new PassThrough();
    const reported: string[] = [];
    const reader = await readPastedRedirect(input, 'S', (line) => reported.push(line));
    input.write('code=x&state=wrong\n');
    input.write('http://localhost:19284/callback?code=GOOD&state=S\n');
    await expect(reader.result).resolves.toEqual({ code: 'GOOD', state: 'S' });
    expect(reported).toHaveLength(1);
    expect(reported[0]).toContain('does not belong to this login');
  });

  it('the third bad paste is fatal', async () => {
    const input = new PassThrough();
    const reader = await readPastedRedirect(input, 'S', () => {});
    input.write('\nnope\ncode=a\n');
    await expect(reader.result).rejects.toMatchObject({ code: 'OAUTH_PASTE_ERROR' });
  });

  it('EOF does not settle (the loopback server may still win)', async () => {
    const input = new PassThrough();
    const reader = await readPastedRedirect(input, 'S', () => {});
    input.end();
    const outcome = await Promise.race([
      reader.result.then(() => 'settled'),
      new Promise((r) => setTimeout(() => r('pending'), 100)),
    ]);
    expect(outcome).toBe('pending');
    reader.stop();
  });
});
