/**
 * Header values with a line break or another control character (docs/http.md#header-values):
 * `mp` stops before the request with an error that names where the value came from, and never
 * prints the value (the runtime's own `Headers.append` message quotes it whole).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setup } from './helpers';

/** A token that must never be printed: `fetch` refuses it because of the CR. */
const BAD_TOKEN = 'tok-NEVER-PRINTED\rX-Injected: 1';

describe('header values are checked before a request is built', () => {
  it('an access_token with a CR in tokens.json: OAuth error naming tokens.json and the key, exit 2, token not printed', async () => {
    const t = await setup();
    const added = await t.mp(
      ['account', 'add', 'personal', '--type', 'oauth_browser', '--region', 'us'],
      {},
    );
    expect(added.code, added.stderr).toBe(0);
    const directory = join(t.home, '.mp', 'accounts', 'personal');
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const tokensPath = join(directory, 'tokens.json');
    const tokens = `{"access_token": ${JSON.stringify(BAD_TOKEN)}, "expires_at": "2099-01-01T00:00:00.000000+00:00", "token_type": "Bearer", "scope": "read projects", "refresh_token": "rt-NEVER-PRINTED"}`;
    writeFileSync(tokensPath, tokens, { mode: 0o600 });

    const listed = await t.mp(['project', 'list']);
    expect(listed.code).toBe(2);
    expect(listed.stderr).toContain('OAuth error: ');
    expect(listed.stderr).toContain(tokensPath);
    expect(listed.stderr).toContain('`access_token`');
    expect(listed.stderr).toContain('mp account login personal');
    expect(listed.stderr).toContain('  Code: OAUTH_TOKEN_ERROR');

    const tested = await t.mp(['account', 'test', 'personal']);
    expect(tested.code).toBe(2);
    expect(JSON.parse(tested.stdout)).toMatchObject({ ok: false, error_code: 'OAUTH_TOKEN_ERROR' });

    for (const result of [listed, tested]) {
      expect(result.stdout + result.stderr).not.toContain('NEVER-PRINTED');
      expect(result.stdout + result.stderr).not.toContain('Headers.append');
    }
    expect(t.mock.requests({ path: '/api/app/me' })).toEqual([]);
    expect(readFileSync(tokensPath, 'utf8')).toBe(tokens);
  });

  it('MP_CUSTOM_HEADER_VALUE with a line break: configuration error naming the variable, exit 1, value not printed', async () => {
    const t = await setup();
    await t.withTeam();
    const result = await t.mp(['project', 'list'], {
      env: { MP_CUSTOM_HEADER_NAME: 'X-Team', MP_CUSTOM_HEADER_VALUE: 'a\nNEVER-PRINTED: 1' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Configuration error: MP_CUSTOM_HEADER_VALUE');
    expect(result.stdout + result.stderr).not.toContain('NEVER-PRINTED');
    expect(result.stdout + result.stderr).not.toContain('Headers.append');
    expect(t.mock.requests({ path: '/api/app/me' })).toEqual([]);
  });

  it.each([
    ['a CR/LF', 'canary\r\nNEVER-PRINTED: 1'],
    ['a NUL', 'canary\0NEVER-PRINTED'],
  ])(
    'a bridge header value with %s: configuration error naming the file and headers.NAME, exit 1, value not printed',
    async (_, value) => {
      const t = await setup();
      const bridgePath = join(t.home, 'auth.json');
      writeFileSync(
        bridgePath,
        JSON.stringify({
          version: 2,
          account: {
            name: 'team',
            type: 'service_account',
            region: 'us',
            username: 'team-sa',
            secret: 's3cret-sa',
            default_project: '3713224',
          },
          headers: { 'X-Mixpanel-Cluster': value },
        }),
        { mode: 0o600 },
      );
      const result = await t.mp(['project', 'list'], { env: { MP_AUTH_FILE: bridgePath } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Configuration error: Invalid bridge file at ${bridgePath}`);
      expect(result.stderr).toContain('`headers.X-Mixpanel-Cluster`');
      expect(result.stdout + result.stderr).not.toContain('NEVER-PRINTED');
      expect(result.stdout + result.stderr).not.toContain('Headers.append');
      expect(t.mock.requests({ path: '/api/app/me' })).toEqual([]);
    },
  );
});
