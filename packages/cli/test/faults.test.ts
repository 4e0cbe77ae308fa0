/**
 * Faults a user meets at the terminal, run against the built `mp`: a password
 * in MP_BASE_URL is never echoed (docs/errors.md#secrets-and-redaction).
 */
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
