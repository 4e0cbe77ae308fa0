import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { LockTimeoutError, OAuthError, OAuthTokens } from '@mixpanel-data/auth-core';
import { describe, expect, it } from 'vitest';
import { tempHome } from '../test/helpers';
import { FileTokenStore, serializeTokensFile } from './token-store';

const tokens = (refresh?: string) =>
  new OAuthTokens({
    accessToken: 'access-123',
    refreshToken: refresh,
    expiresAt: new Date('2026-05-01T10:00:00.123Z'),
    scope: 'read projects',
    tokenType: 'Bearer',
  });
const client = {
  clientId: 'client-1',
  region: 'us' as const,
  redirectUri: 'http://localhost:19284/callback',
  scope: 'projects',
  createdAt: new Date('2026-04-21T12:00:00.123Z'),
};

describe('tokens.json', () => {
  it('writes the reference format (one line, key order, +00:00, no null refresh token)', () => {
    expect(serializeTokensFile(tokens('refresh-456'))).toBe(
      '{"access_token": "access-123", "expires_at": "2026-05-01T10:00:00.123000+00:00", "token_type": "Bearer", "scope": "read projects", "refresh_token": "refresh-456"}',
    );
    expect(serializeTokensFile(tokens())).not.toContain('refresh_token');
  });

  it('round-trips through 0600 files in 0700 directories', () => {
    const t = tempHome();
    t.tokens.writeTokens('me', tokens('r'));
    const path = t.tokens.tokensPath('me');
    expect(t.mode(path)).toBe(0o600);
    expect(t.mode(dirname(path))).toBe(0o700);
    expect(t.mode(join(t.home, '.mp', 'accounts'))).toBe(0o700);
    expect(t.tokens.readTokens('me')?.equals(tokens('r'))).toBe(true);
  });

  it('reads a file written by the reference, Z or offset, unknown keys ignored', () => {
    const t = tempHome();
    const path = t.tokens.tokensPath('me');
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(
      path,
      '{"access_token": "a", "expires_at": "2026-04-22T12:00:00.123000+00:00", "token_type": "Bearer", "scope": "read", "project_id": "3"}',
      { mode: 0o600 },
    );
    expect(t.tokens.readTokens('me')?.expiresAt.toISOString()).toBe('2026-04-22T12:00:00.123Z');
  });

  it('returns null for a missing file and refuses unsafe or malformed ones with OAUTH_TOKEN_ERROR', () => {
    const t = tempHome();
    expect(t.tokens.readTokens('me')).toBeNull();
    const path = t.tokens.tokensPath('me');
    t.tokens.writeTokens('me', tokens());
    chmodSync(path, 0o644);
    const lax = (() => {
      try {
        t.tokens.readTokens('me');
      } catch (error) {
        return error as OAuthError;
      }
    })();
    expect(lax).toBeInstanceOf(OAuthError);
    expect(lax?.code).toBe('OAUTH_TOKEN_ERROR');
    expect(lax?.message).toContain(`chmod 600 ${path}`);
    chmodSync(path, 0o600);
    writeFileSync(path, '{"access_token": "a"}');
    expect(() => t.tokens.readTokens('me')).toThrow(
      /malformed or missing required fields.*mp account login me/,
    );
  });

  it('refuses a symlinked tokens.json, live or dangling', () => {
    const t = tempHome();
    const path = t.tokens.tokensPath('me');
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    symlinkSync(join(t.home, 'nowhere'), path);
    expect(() => t.tokens.readTokens('me')).toThrow(
      /symlink.*Remove the link and run `mp account login me`/,
    );
  });

  it('deletes tokens and says whether anything was there', () => {
    const t = tempHome();
    expect(t.tokens.deleteTokens('me')).toBe(false);
    t.tokens.writeTokens('me', tokens());
    expect(t.tokens.deleteTokens('me')).toBe(true);
    expect(existsSync(t.tokens.tokensPath('me'))).toBe(false);
  });

  it('honours MP_OAUTH_STORAGE_DIR', () => {
    const t = tempHome();
    const store = new FileTokenStore({
      env: { HOME: t.home, MP_OAUTH_STORAGE_DIR: join(t.home, 'state') },
      home: t.home,
    });
    store.writeTokens('me', tokens());
    expect(existsSync(join(t.home, 'state', 'accounts', 'me', 'tokens.json'))).toBe(true);
  });

  it('leaves the mode of an existing MP_OAUTH_STORAGE_DIR alone, and creates a missing one 0700', () => {
    const t = tempHome();
    const chosen = join(t.home, 'chosen');
    mkdirSync(chosen, { mode: 0o755 });
    chmodSync(chosen, 0o755);
    const store = (root: string) =>
      new FileTokenStore({ env: { HOME: t.home, MP_OAUTH_STORAGE_DIR: root }, home: t.home });
    store(chosen).writeTokens('me', tokens());
    store(chosen).writeClient(client);
    expect(t.mode(chosen)).toBe(0o755);
    expect(t.mode(join(chosen, 'accounts', 'me'))).toBe(0o700);
    store(join(t.home, 'fresh')).writeTokens('me', tokens());
    expect(t.mode(join(t.home, 'fresh'))).toBe(0o700);
  });

  it('refuses to write tokens or client records through a symlinked ~/.mp, creating nothing', () => {
    const t = tempHome();
    const elsewhere = join(t.home, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(t.home, '.mp'));
    expect(() => t.tokens.writeTokens('me', tokens())).toThrow(
      `under symlinked directory ${join(t.home, '.mp')}`,
    );
    expect(() => t.tokens.writeClient(client, 'me')).toThrow('Replace the linked directory');
    expect(readdirSync(elsewhere)).toEqual([]);
    // A record already there is refused on read, and its directory is not chmod-ed through the link.
    mkdirSync(join(elsewhere, 'oauth'), { mode: 0o755 });
    chmodSync(join(elsewhere, 'oauth'), 0o755);
    writeFileSync(join(elsewhere, 'oauth', 'client_us.json'), '{}', { mode: 0o600 });
    expect(t.tokens.readClient('us')).toBeNull();
    expect(t.mode(join(elsewhere, 'oauth'))).toBe(0o755);
    expect(() => t.tokens.readTokens('me')).toThrow(OAuthError);
    expect(() => t.tokens.readTokens('me')).toThrow('under symlinked directory');
  });
});

describe('client records', () => {
  it('writes the per-region record and the per-account mirror', () => {
    const t = tempHome();
    t.tokens.writeClient(client, 'me');
    const regional = t.tokens.clientPath('us');
    expect(JSON.parse(readFileSync(regional, 'utf8'))).toEqual({
      client_id: 'client-1',
      region: 'us',
      redirect_uri: 'http://localhost:19284/callback',
      scope: 'projects',
      created_at: '2026-04-21T12:00:00.123000+00:00',
    });
    expect(t.mode(regional)).toBe(0o600);
    expect(t.mode(dirname(regional))).toBe(0o700);
    expect(readFileSync(join(t.home, '.mp', 'accounts', 'me', 'client.json'), 'utf8')).toBe(
      readFileSync(regional, 'utf8'),
    );
    expect(t.tokens.readClient('us')?.clientId).toBe('client-1');
  });

  it('tightens the oauth/ directory before every read, also when the file is already 0600', () => {
    const t = tempHome();
    t.tokens.writeClient(client);
    const dir = dirname(t.tokens.clientPath('us'));
    chmodSync(dir, 0o755);
    expect(t.tokens.readClient('us')?.clientId).toBe('client-1');
    expect(t.mode(dir)).toBe(0o700);
  });

  it('with repair: false reads a record without tightening anything, and refuses a lax one', () => {
    const t = tempHome();
    t.tokens.writeClient(client);
    const path = t.tokens.clientPath('us');
    const dir = dirname(path);
    chmodSync(dir, 0o755);
    expect(t.tokens.readClient('us', undefined, { repair: false })?.clientId).toBe('client-1');
    expect(t.mode(dir)).toBe(0o755);
    chmodSync(path, 0o644);
    expect(t.tokens.readClient('us', undefined, { repair: false })).toBeNull();
    expect(t.mode(path)).toBe(0o644);
  });

  it('writes a client record under its lock: a live holder makes the write wait, then fail', () => {
    const t = tempHome();
    t.tokens.writeClient(client);
    const path = t.tokens.clientPath('us');
    const before = readFileSync(path, 'utf8');
    writeFileSync(
      `${path}.lock`,
      JSON.stringify({ pid: process.pid, time: Date.now(), nonce: 'x' }),
    );
    const locked = new FileTokenStore({ env: t.env, home: t.home, lock: { timeoutMs: 200 } });
    expect(() => locked.writeClient({ ...client, clientId: 'client-2' })).toThrow();
    expect(readFileSync(path, 'utf8')).toBe(before);
    unlinkSync(`${path}.lock`);
    locked.writeClient({ ...client, clientId: 'client-2' });
    expect(t.tokens.readClient('us')?.clientId).toBe('client-2');
  });

  it('repairs a lax mode instead of refusing', () => {
    const t = tempHome();
    t.tokens.writeClient(client);
    chmodSync(t.tokens.clientPath('us'), 0o644);
    expect(t.tokens.readClient('us')?.clientId).toBe('client-1');
    expect(statSync(t.tokens.clientPath('us')).mode & 0o777).toBe(0o600);
  });

  it('treats a symlinked or broken record as absent, warns by file name, and falls back to the mirror', () => {
    const warnings: string[] = [];
    const t = tempHome();
    const store = new FileTokenStore({
      env: t.env,
      home: t.home,
      onWarning: (line) => warnings.push(line),
    });
    store.writeClient(client, 'me');
    writeFileSync(store.clientPath('us'), '{not json');
    expect(store.readClient('us')).toBeNull();
    expect(store.readClient('us', 'me')?.clientId).toBe('client-1');
    const outside = join(t.home, 'outside.json');
    writeFileSync(outside, readFileSync(join(t.home, '.mp', 'accounts', 'me', 'client.json')), {
      mode: 0o644,
    });
    const regional = store.clientPath('us');
    unlinkSync(regional);
    symlinkSync(outside, regional);
    expect(store.readClient('us')).toBeNull();
    expect(statSync(outside).mode & 0o777).toBe(0o644);
    expect(warnings.join('\n')).toContain('client_us.json');
    expect(warnings.join('\n')).not.toContain(t.home);
  });
});

describe('the account token lock', () => {
  it('updateTokens holds tokens.json.lock while its callback runs and writes what it returns', async () => {
    const t = tempHome();
    const lock = `${t.tokens.tokensPath('me')}.lock`;
    let heldDuring = false;
    const result = await t.tokens.updateTokens('me', async (current) => {
      expect(current).toBeNull();
      heldDuring = existsSync(lock);
      return tokens('r1');
    });
    expect(heldDuring).toBe(true);
    expect(existsSync(lock)).toBe(false);
    expect(result?.equals(tokens('r1'))).toBe(true);
    expect(t.tokens.readTokens('me')?.equals(tokens('r1'))).toBe(true);
  });

  it('updateTokens leaves the file untouched when the callback returns undefined or the same tokens', async () => {
    const t = tempHome();
    t.tokens.writeTokens('me', tokens('r1'));
    const path = t.tokens.tokensPath('me');
    const before = statSync(path);
    await t.tokens.updateTokens('me', () => undefined);
    await t.tokens.updateTokens('me', (current) => current ?? undefined);
    expect(statSync(path).ino).toBe(before.ino);
  });

  it('a failing callback writes nothing and releases the lock', async () => {
    const t = tempHome();
    t.tokens.writeTokens('me', tokens('r1'));
    const before = readFileSync(t.tokens.tokensPath('me'));
    await expect(
      t.tokens.updateTokens('me', async () => {
        throw new Error('network down');
      }),
    ).rejects.toThrow('network down');
    expect(readFileSync(t.tokens.tokensPath('me'))).toEqual(before);
    expect(existsSync(`${t.tokens.tokensPath('me')}.lock`)).toBe(false);
  });

  it('a held lock makes writeTokens wait, then fail with LockTimeoutError, nothing written', () => {
    const t = tempHome();
    t.tokens.writeTokens('me', tokens('r1'));
    const path = t.tokens.tokensPath('me');
    const before = readFileSync(path);
    writeFileSync(
      `${path}.lock`,
      JSON.stringify({ pid: process.pid, time: Date.now(), nonce: 'x' }),
    );
    const locked = new FileTokenStore({ env: t.env, home: t.home, lock: { timeoutMs: 150 } });
    let thrown: unknown;
    try {
      locked.writeTokens('me', tokens('r2'));
    } catch (error) {
      thrown = error;
    }
    expect(LockTimeoutError.isInstance(thrown)).toBe(true);
    expect((thrown as LockTimeoutError).code).toBe('LOCK_TIMEOUT');
    expect(readFileSync(path)).toEqual(before);
  });

  it('replaceUnreadable reads a malformed file as absent; without it the read error stands', () => {
    const t = tempHome();
    t.tokens.writeTokens('me', tokens('r1'));
    writeFileSync(t.tokens.tokensPath('me'), '{broken', { mode: 0o600 });
    expect(() => t.tokens.updateTokensSync('me', () => tokens('r2'))).toThrow(OAuthError);
    const seen: unknown[] = [];
    t.tokens.updateTokensSync(
      'me',
      (current) => {
        seen.push(current);
        return tokens('r2');
      },
      { replaceUnreadable: true },
    );
    expect(seen).toEqual([null]);
    expect(t.tokens.readTokens('me')?.equals(tokens('r2'))).toBe(true);
  });
});

describe('deleteTokens', () => {
  it('removes tokens.json and reports whether there was one', () => {
    const t = tempHome();
    expect(t.tokens.deleteTokens('me')).toBe(false);
    t.tokens.writeTokens('me', tokens('r1'));
    expect(t.tokens.deleteTokens('me')).toBe(true);
    expect(existsSync(t.tokens.tokensPath('me'))).toBe(false);
  });

  it('refuses a symlinked account directory and deletes nothing through it', () => {
    const t = tempHome();
    const elsewhere = join(t.home, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    writeFileSync(join(elsewhere, 'tokens.json'), serializeTokensFile(tokens('r1')), {
      mode: 0o600,
    });
    mkdirSync(join(t.home, '.mp', 'accounts'), { recursive: true, mode: 0o700 });
    symlinkSync(elsewhere, join(t.home, '.mp', 'accounts', 'me'));
    expect(() => t.tokens.deleteTokens('me')).toThrow(/symlink/);
    expect(existsSync(join(elsewhere, 'tokens.json'))).toBe(true);
  });
});

describe('deleteAccountState', () => {
  it('deletes tokens.json, client.json, me.json and the directory, and keeps the region record', () => {
    const t = tempHome();
    expect(t.tokens.deleteAccountState('me')).toBe(false);
    t.tokens.writeTokens('me', tokens('r1'));
    t.tokens.writeClient(client, 'me');
    t.tokens.writeMe('me', '{}');
    writeFileSync(join(t.home, '.mp', 'accounts', 'me', 'stray.tmp'), 'x');
    expect(t.tokens.deleteAccountState('me')).toBe(true);
    expect(existsSync(join(t.home, '.mp', 'accounts', 'me'))).toBe(false);
    expect(t.tokens.readClient('us')?.clientId).toBe('client-1');
  });

  it('waits for the token lock: a live holder makes it fail with LockTimeoutError, nothing deleted', () => {
    const t = tempHome();
    t.tokens.writeTokens('me', tokens('r1'));
    const path = t.tokens.tokensPath('me');
    writeFileSync(
      `${path}.lock`,
      JSON.stringify({ pid: process.pid, time: Date.now(), nonce: 'x' }),
    );
    const locked = new FileTokenStore({ env: t.env, home: t.home, lock: { timeoutMs: 150 } });
    expect(() => locked.deleteAccountState('me')).toThrow(LockTimeoutError);
    expect(t.tokens.readTokens('me')?.refreshToken?.reveal()).toBe('r1');
  });

  it.each([
    ['the account directory', (dir: string) => dir],
    ['me.json', (dir: string) => join(dir, 'me.json')],
  ])('refuses when %s is a symlink and deletes nothing', (_what, linkAt) => {
    const t = tempHome();
    t.tokens.writeTokens('me', tokens('r1'));
    const dir = join(t.home, '.mp', 'accounts', 'me');
    const elsewhere = join(t.home, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    writeFileSync(join(elsewhere, 'me.json'), 'keep', { mode: 0o600 });
    const link = linkAt(dir);
    if (link === dir) {
      renameSync(dir, join(elsewhere, 'moved'));
      symlinkSync(elsewhere, dir);
    } else symlinkSync(join(elsewhere, 'me.json'), link);
    expect(() => t.tokens.deleteAccountState('me')).toThrow(/symlink/);
    expect(readFileSync(join(elsewhere, 'me.json'), 'utf8')).toBe('keep');
    if (link !== dir) expect(t.tokens.readTokens('me')?.refreshToken?.reveal()).toBe('r1');
  });
});

describe("the account's own client record", () => {
  it('wins over the region record: it names the client that issued the tokens', () => {
    const t = tempHome();
    t.tokens.writeClient(client, 'me');
    // A later registration for the region (another login, or the Python tool after its port moved).
    t.tokens.writeClient({ ...client, clientId: 'client-2' });
    expect(t.tokens.readClient('us', 'me')?.clientId).toBe('client-1');
    expect(t.tokens.readClient('us')?.clientId).toBe('client-2');
    expect(t.tokens.readClient('us', 'other')?.clientId).toBe('client-2');
  });
});

describe('me.json', () => {
  it('is written 0600 in a 0700 directory, read back, and deleted', () => {
    const t = tempHome();
    expect(t.tokens.readMe('me')).toBeNull();
    t.tokens.writeMe('me', '{"user_id": 1}');
    const path = join(t.home, '.mp', 'accounts', 'me', 'me.json');
    expect(t.mode(path)).toBe(0o600);
    expect(t.mode(dirname(path))).toBe(0o700);
    expect(t.tokens.readMe('me')).toEqual({ text: '{"user_id": 1}' });
    expect(t.tokens.deleteMe('me')).toBe(true);
    expect(t.tokens.readMe('me')).toBeNull();
  });

  it('a group-readable me.json is refused, not read', () => {
    const t = tempHome();
    t.tokens.writeMe('me', '{}');
    chmodSync(join(t.home, '.mp', 'accounts', 'me', 'me.json'), 0o644);
    expect(t.tokens.readMe('me')).toEqual({ refused: 'its permissions are too open' });
  });
});

describe('stageAccount', () => {
  it('keeps a new account hidden until publish, then moves it under its name with its client record', () => {
    const t = tempHome();
    const staged = t.tokens.stageAccount();
    staged.writeTokens(tokens('r1'));
    expect(existsSync(join(t.home, '.mp', 'accounts', 'me'))).toBe(false);
    expect(t.mode(staged.dir)).toBe(0o700);
    staged.publish('me', client);
    expect(existsSync(staged.dir)).toBe(false);
    expect(t.tokens.readTokens('me')?.equals(tokens('r1'))).toBe(true);
    expect(t.tokens.readClient('us', 'me')?.clientId).toBe('client-1');
  });

  it('refuses to publish over an existing account directory and discard removes the staging', () => {
    const t = tempHome();
    t.tokens.writeTokens('me', tokens('old'));
    const staged = t.tokens.stageAccount();
    staged.writeTokens(tokens('new'));
    expect(() => staged.publish('me')).toThrow(/already exists/);
    staged.discard();
    expect(existsSync(staged.dir)).toBe(false);
    expect(t.tokens.readTokens('me')?.equals(tokens('old'))).toBe(true);
  });

  it('refuses a symlinked ~/.mp before creating anything', () => {
    const t = tempHome();
    const elsewhere = join(t.home, 'real-mp');
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, join(t.home, '.mp'));
    expect(() => t.tokens.stageAccount()).toThrow(/symlinked directory/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it("sweeps a killed login's staging directory (its pid runs no process, or it is over an hour old), never a live one's or a link", () => {
    const t = tempHome();
    const accounts = join(t.home, '.mp', 'accounts');
    const dead = join(accounts, '.tmp-999999999-abcdef');
    const live = join(accounts, `.tmp-${process.ppid}-ghijkl`);
    const python = join(accounts, '.tmp-0123abcd');
    const old = join(accounts, '.tmp-4567cdef');
    for (const dir of [dead, live, python, old]) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(join(dir, 'tokens.json'), 'left', { mode: 0o600 });
    }
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    const elsewhere = join(t.home, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    writeFileSync(join(elsewhere, 'tokens.json'), 'keep', { mode: 0o600 });
    symlinkSync(elsewhere, join(accounts, '.tmp-999999998-linked'));
    const staged = t.tokens.stageAccount();
    expect(staged.dir).toMatch(new RegExp(`/\\.tmp-${process.pid}-[^/]{6}$`));
    expect(readdirSync(accounts).sort()).toEqual(
      [
        '.tmp-0123abcd',
        '.tmp-999999998-linked',
        `.tmp-${process.ppid}-ghijkl`,
        staged.dir.split('/').at(-1)!,
      ].sort(),
    );
    expect(readFileSync(join(elsewhere, 'tokens.json'), 'utf8')).toBe('keep');
    staged.discard();
  });
});
