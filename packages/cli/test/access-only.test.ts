/** `mp account export-bridge --access-only` and the bridge it writes on a receiving machine (docs/cli.md#mp-account-export-bridge, docs/files.md#access-only-bridge). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  copyBridgeExpiringAt,
  expectAccessOnlyBridge,
  expectRefreshedBridge,
} from '../../../test-utils/bridge-files';
import { fromNow } from '../src/format';
import { MOCK_BROWSER, setup } from './helpers';

type Host = Awaited<ReturnType<typeof setup>>;

/** A host with `personal` logged in through the mock browser. */
async function loggedInHost(mockOptions: Parameters<typeof setup>[0] = {}): Promise<Host> {
  const host = await setup(mockOptions);
  await host.mp(['account', 'add', 'personal', '--type', 'oauth_browser', '--region', 'us']);
  const login = await host.mp(['account', 'login', 'personal'], {
    env: { BROWSER: MOCK_BROWSER },
  });
  if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
  return host;
}

const tokensOf = (t: Host) =>
  JSON.parse(readFileSync(join(t.home, '.mp', 'accounts', 'personal', 'tokens.json'), 'utf8'));

/** stderr without the `note: MP_BASE_URL is set` line that every run against the mock prints. */
const errorLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => line && !line.startsWith('note: MP_BASE_URL is set'))
    .join('\n');

const refreshes = (t: Host) =>
  t.mock
    .requests({ path: '/oauth/token/' })
    .filter((r) => (r.body as Record<string, string>).grant_type === 'refresh_token');

/** The whole minutes `mp` may have printed for `expiresAt`, given when it ran. */
const minutesLeft = (expiresAt: string, before: number, after: number) => [
  Math.floor((Date.parse(expiresAt) - after) / 60_000),
  Math.floor((Date.parse(expiresAt) - before) / 60_000),
];

describe('mp account export-bridge --access-only', () => {
  it('writes the access token without the refresh token and prints when it expires, absolute and relative', async () => {
    const host = await loggedInHost();
    const local = tokensOf(host);
    host.mock.clearRequests();
    const to = join(host.home, 'auth.json');
    const before = Date.now();
    const result = await host.mp(['account', 'export-bridge', '--to', to, '--access-only']);
    const after = Date.now();
    expect(result.code, result.stderr).toBe(0);
    const tokens = expectAccessOnlyBridge(to, local);
    expect(refreshes(host)).toHaveLength(0);
    const match =
      /^Wrote bridge file to (.+)\nAccount: personal \(oauth_browser, us\) · tokens: access token only \(expires (\S+), in (\d+) min\)\nNote: no refresh token was written; once the access token expires, export a new bridge here\.\n$/.exec(
        result.stdout,
      );
    expect(match, result.stdout).not.toBeNull();
    expect([match![1], match![2]]).toEqual([to, tokens.expires_at]);
    const [low, high] = minutesLeft(tokens.expires_at, before, after);
    expect(Number(match![3])).toBeGreaterThanOrEqual(low!);
    expect(Number(match![3])).toBeLessThanOrEqual(high!);
    expect(result.stdout + result.stderr).not.toContain(local.access_token);
  });

  it('refreshes an access token with less than 10 minutes left first, once, and hands off the new one', async () => {
    const host = await loggedInHost({ config: { access_token_ttl_seconds: 300 } });
    const old = tokensOf(host);
    host.mock.configure({ access_token_ttl_seconds: 3600 });
    const to = join(host.home, 'auth.json');
    const result = await host.mp(['account', 'export-bridge', '--to', to, '--access-only']);
    expect(result.code, result.stderr).toBe(0);
    expect(refreshes(host)).toHaveLength(1);
    expectRefreshedBridge(to, tokensOf(host), old);
  });

  it('a fresh receiving HOME uses the bridge before expiry; after it, exit 2 names the fix and no refresh is sent', async () => {
    const host = await loggedInHost();
    const bridge = join(host.home, 'auth.json');
    expect(
      (await host.mp(['account', 'export-bridge', '--to', bridge, '--access-only'])).code,
    ).toBe(0);
    const receiving = await setup();
    const env = { MP_BASE_URL: host.mock.origin, MP_AUTH_FILE: bridge };
    const events = await receiving.mp(['inspect', 'events', '-f', 'json'], { env });
    expect(events.code, events.stderr).toBe(0);
    expect(JSON.parse(events.stdout).length).toBeGreaterThan(0);

    // An hour later: the token in the file has expired, and the mock agrees.
    const later = join(host.home, 'later.json');
    copyBridgeExpiringAt(bridge, later, '2020-01-01T00:00:00Z');
    host.mock.clock.advance(3600);
    host.mock.clearRequests();
    const another = await setup();
    const expired = await another.mp(['inspect', 'events'], {
      env: { MP_BASE_URL: host.mock.origin, MP_AUTH_FILE: later },
    });
    expect(expired.code).toBe(2);
    expect(errorLines(expired.stderr)).toBe(
      `OAuth error: The access token in the bridge file ${later} expired at 2020-01-01T00:00:00.000Z; it carries no refresh token. Export a new bridge on the machine that has the login: \`mp account export-bridge --access-only\`.\n  Code: OAUTH_TOKEN_ERROR`,
    );
    expect(host.mock.requests({ path: '/oauth/token/' })).toHaveLength(0);
    expect(host.mock.requests()).toHaveLength(0);
  });

  it('refuses a service account and a static-token account (exit 3, one line), writing nothing', async () => {
    const t = await setup();
    await t.withTeam();
    const ci = ['account', 'add', 'ci', '--type', 'oauth_token', '--token-env', 'CI_TOKEN'];
    expect((await t.mp([...ci, '--region', 'us'])).code).toBe(0);
    const fresh = join(t.home, 'fresh.json');
    const refused = await t.mp(['account', 'export-bridge', '--to', fresh, '--access-only']);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe('');
    expect(errorLines(refused.stderr)).toBe(
      "Invalid argument: --access-only is for browser-login accounts only; 'team' is a service account: it has a secret, not a token that expires, so there is nothing narrower to hand off. Export it without --access-only.",
    );
    expect(existsSync(fresh)).toBe(false);

    const to = join(t.home, 'auth.json');
    expect((await t.mp(['account', 'export-bridge', '--to', to])).code).toBe(0);
    const before = readFileSync(to);
    for (const account of ['team', 'ci']) {
      const result = await t.mp([
        'account',
        'export-bridge',
        '--account',
        account,
        '--to',
        to,
        '--access-only',
      ]);
      expect(result.code).toBe(3);
      expect(errorLines(result.stderr)).toMatch(
        new RegExp(
          `^Invalid argument: --access-only is for browser-login accounts only; '${account}' is [^\n]+ Export it without --access-only\\.$`,
        ),
      );
      expect(readFileSync(to).equals(before)).toBe(true);
    }
  });
});

describe('fromNow', () => {
  it('rounds down to whole minutes, adds hours past an hour, and says when under a minute or past', () => {
    const now = Date.parse('2026-06-01T09:00:00Z');
    const at = (seconds: number) => fromNow(new Date(now + seconds * 1000), now);
    expect([at(3599), at(60), at(3600), at(3900), at(7200)]).toEqual([
      'in 59 min',
      'in 1 min',
      'in 1 h',
      'in 1 h 5 min',
      'in 2 h',
    ]);
    expect([at(59), at(0), at(-60)]).toEqual([
      'in under a minute',
      'already expired',
      'already expired',
    ]);
  });
});
