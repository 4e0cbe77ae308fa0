/**
 * Faults a user meets at the terminal, run against the built `mp`: a password
 * in MP_BASE_URL is never echoed (docs/errors.md#secrets-and-redaction), and an
 * answer from Mixpanel that fails validation is an error that leaves the /me
 * cache alone (docs/http.md#the-me-call, docs/http.md#events).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setup } from './helpers';

const PASSWORD = 'PASSW0RD';
const withPassword = `https://user:${PASSWORD}@127.0.0.1:1`;

describe('a password in MP_BASE_URL', () => {
  it.each(['project list', 'inspect events', 'session --explain', 'workspace list --refresh'])(
    '`mp %s` refuses it without echoing the password',
    async (command) => {
      const t = await setup();
      await t.withTeam();
      const result = await t.mp(command.split(' '), { env: { MP_BASE_URL: withPassword } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'note: MP_BASE_URL is set; every Mixpanel request goes to https://***@127.0.0.1:1\n',
      );
      expect(result.stderr).toContain(
        "Configuration error: MP_BASE_URL='https://***@127.0.0.1:1' is not a usable origin: it must not contain user info.",
      );
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    },
  );

  it('is not in the JSON of `mp account test` (message and details)', async () => {
    const t = await setup();
    await t.withTeam();
    const result = await t.mp(['account', 'test', 'team'], { env: { MP_BASE_URL: withPassword } });
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(report.error_details).toEqual({
      env_var: 'MP_BASE_URL',
      value: 'https://***@127.0.0.1:1',
    });
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it('a redirect to a URL with user info is reported without it', async () => {
    const t = await setup();
    await t.withTeam();
    t.mock.inject({
      match: { path: '/api/query/events/names' },
      response: { status: 302, headers: { Location: `https://user:${PASSWORD}@evil.example/x` } },
    });
    const result = await t.mp(['inspect', 'events']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Error: HTTP error: unexpected redirect to https://***@evil.example/x (redirects are not followed).',
    );
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });
});

describe('an answer that fails validation', () => {
  const stderrOf = (text: string) => text.replace(/^note: MP_BASE_URL is set.*\n/, '');

  it.each(['project list', 'workspace list'])(
    'a /me of `null` makes `mp %s --refresh` fail and leaves me.json byte for byte',
    async (command) => {
      const args = command.split(' ');
      const t = await setup();
      await t.withTeam();
      const good = await t.mp(args);
      expect(good.code).toBe(0);
      const meJson = join(t.home, '.mp', 'accounts', 'team', 'me.json');
      const before = readFileSync(meJson);

      t.mock.failWith('/api/app/me', 200, { json: null });
      const result = await t.mp([...args, '--refresh']);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(stderrOf(result.stderr)).toBe(
        'Unexpected response from Mixpanel: Unexpected response format from Mixpanel (/me): Input should be an object\n',
      );
      expect(readFileSync(meJson).equals(before)).toBe(true);

      // Later commands still trust the good cache: same output, no new request.
      const again = await t.mp(args);
      expect(again.stdout).toBe(good.stdout);
      expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(2);
    },
  );

  it('an events endpoint answering an object makes `mp inspect events` fail, not print "(no events)"', async () => {
    const t = await setup();
    await t.withTeam();
    t.mock.failWith('/api/query/events/names', 200, { json: { names: ['Login'] } });
    const result = await t.mp(['inspect', 'events']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(stderrOf(result.stderr)).toBe(
      'Unexpected response from Mixpanel: Unexpected response format from Mixpanel (events/names): Input should be a valid list\n',
    );
  });
});
