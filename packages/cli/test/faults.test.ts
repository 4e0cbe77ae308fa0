/**
 * Faults a user meets at the terminal, run against the built `mp`: a password
 * in MP_BASE_URL is never echoed (docs/errors.md#secrets-and-redaction), an
 * answer from Mixpanel that fails validation is an error that leaves the /me
 * cache alone (docs/http.md#the-me-call, docs/http.md#events), and one fault
 * has one exit code and label whichever command meets it
 * (docs/errors.md#error-to-exit-code-mapping).
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

describe('one exit code and label per fault, whichever command meets it', () => {
  const COMMANDS: [path: string, args: string[]][] = [
    ['/api/app/me', ['project', 'list', '--refresh']],
    ['/api/app/me', ['workspace', 'list', '--refresh']],
    ['/api/query/events/names', ['inspect', 'events']],
    [
      '/api/query/segmentation',
      ['query', 'segmentation', '-e', 'Sign Up', '--from', '2024-01-01', '--to', '2024-01-02'],
    ],
  ];
  type Fault = (t: Awaited<ReturnType<typeof setup>>, path: string) => void;
  const FAULTS: [name: string, inject: Fault, exit: number, label: string][] = [
    ['401', (t, path) => t.mock.failWith(path, 401, { times: null }), 2, 'Authentication error: '],
    ['403', (t, path) => t.mock.failWith(path, 403, { times: null }), 3, 'Query error: '],
    ['404', (t, path) => t.mock.failWith(path, 404, { times: null }), 3, 'Query error: '],
    [
      '429 with a long Retry-After',
      (t, path) => t.mock.rateLimit(path, { times: null, retryAfter: '120' }),
      5,
      'Rate limited: ',
    ],
    ['500', (t, path) => t.mock.failWith(path, 500, { times: null }), 1, 'Server error (500): '],
    [
      'a dropped connection',
      (t, path) => t.mock.dropConnection(path, { times: null }),
      1,
      'Error: HTTP error: ',
    ],
    [
      'a 200 that is not JSON',
      (t, path) => t.mock.failWith(path, 200, { text: '<html>', times: null }),
      1,
      'Unexpected response from Mixpanel: ',
    ],
  ];

  it.each(FAULTS)('%s', async (_name, inject, exit, label) => {
    const t = await setup();
    await t.withTeam();
    for (const [path, args] of COMMANDS) {
      t.mock.clearFaults();
      inject(t, path);
      const result = await t.mp(args);
      const first = result.stderr.replace(/^note: MP_BASE_URL is set.*\n/, '').split('\n')[0];
      expect({
        command: args.slice(0, 2),
        code: result.code,
        label: first?.slice(0, label.length),
      }).toEqual({
        command: args.slice(0, 2),
        code: exit,
        label,
      });
    }
  });
});
