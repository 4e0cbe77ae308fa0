/**
 * An account's files under ~/.mp/accounts/NAME never outlive it, and a new
 * account of the same name never takes them over (docs/files.md#what-remove-and-logout-delete).
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MOCK_BROWSER, setup } from './helpers';

const browser = { BROWSER: MOCK_BROWSER };

/** `me`, logged in through the mock: tokens.json holds tokens the mock accepts. */
async function loggedIn(t: Awaited<ReturnType<typeof setup>>) {
  expect((await t.mp(['account', 'add', 'me', '--type', 'oauth_browser'])).code).toBe(0);
  expect((await t.mp(['account', 'login', 'me'], { env: browser })).code).toBe(0);
  const tokens = join(t.home, '.mp', 'accounts', 'me', 'tokens.json');
  expect(existsSync(tokens)).toBe(true);
  // The tokens work: this is the identity a new `me` must not inherit.
  expect((await t.mp(['-p', '3713224', 'inspect', 'events'])).code).toBe(0);
  return tokens;
}

describe('a new account never inherits the files of an earlier one of its name', () => {
  it('after a remove that died between its two writes, the next `me` must log in', async () => {
    const t = await setup();
    const tokens = await loggedIn(t);
    // What a remove killed after its config write (and before deleting files) left.
    writeFileSync(t.config, '', { mode: 0o600 });
    expect(existsSync(tokens)).toBe(true);

    expect((await t.mp(['account', 'add', 'me', '--type', 'oauth_browser'])).code).toBe(0);
    const result = await t.mp(['-p', '3713224', 'inspect', 'events']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("No OAuth tokens found for account 'me'");
    expect(result.stderr).toContain('mp account login me');
    expect(existsSync(tokens)).toBe(false);
    expect(t.mock.countRequests({ path: '/api/query/events/names' })).toBe(1); // only the first run's
  });

  it('`mp login` of a new browser account replaces a leftover directory of the name it picks', async () => {
    const t = await setup();
    const leftover = join(t.home, '.mp', 'accounts', 'acme-corp');
    mkdirSync(leftover, { recursive: true, mode: 0o700 });
    writeFileSync(join(leftover, 'tokens.json'), 'left over', { mode: 0o600 });
    writeFileSync(join(leftover, 'me.json'), 'left over', { mode: 0o600 });
    const result = await t.mp(['login', '--project', '3018488'], { env: browser });
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('acme-corp') });
    expect(readFileSync(join(leftover, 'tokens.json'), 'utf8')).toContain('"access_token"');
    expect(existsSync(join(leftover, 'me.json'))).toBe(true);
    expect(readFileSync(join(leftover, 'me.json'), 'utf8')).not.toBe('left over');
    expect((await t.mp(['-p', '3018488', 'inspect', 'events'])).code).toBe(0);
  });
});

describe('mp account remove', () => {
  it('deletes the credentials before the config forgets the account', async () => {
    const t = await setup();
    const tokens = await loggedIn(t);
    const result = await t.mp(['account', 'remove', 'me', '--yes']);
    expect(result.code).toBe(0);
    expect(existsSync(tokens)).toBe(false);
    expect(existsSync(join(t.home, '.mp', 'accounts', 'me'))).toBe(false);
    expect(readFileSync(t.config, 'utf8')).not.toContain('[accounts.me]');
  });

  it('refuses a linked account directory: one line, exit 1, config.toml byte-for-byte the same', async () => {
    const t = await setup();
    expect((await t.mp(['account', 'add', 'me', '--type', 'oauth_browser'])).code).toBe(0);
    const elsewhere = join(t.home, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    writeFileSync(join(elsewhere, 'tokens.json'), 'keep', { mode: 0o600 });
    mkdirSync(join(t.home, '.mp', 'accounts'), { recursive: true, mode: 0o700 });
    symlinkSync(elsewhere, join(t.home, '.mp', 'accounts', 'me'));
    const before = readFileSync(t.config);
    const result = await t.mp(['account', 'remove', 'me', '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^Configuration error: Refusing to change .*accounts\/me: it is a symlink\./m,
    );
    expect(readFileSync(t.config)).toEqual(before);
    expect(readFileSync(join(elsewhere, 'tokens.json'), 'utf8')).toBe('keep');
  });
});
