/**
 * Store-level regressions: a writer killed inside a container, deletes
 * through links, and writes that would produce a file the reader refuses.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ConfigError, OAuthTokens } from '@mixpanel-data/auth-core';
import { describe, expect, it } from 'vitest';
import {
  ConfigStore,
  FileTokenStore,
  MAX_CREDENTIAL_BYTES,
  serializeTokensFile,
} from '../src/index';
import { expectUnchanged, tempHome } from './helpers';

const tokens = (access = 'access-123') =>
  new OAuthTokens({
    accessToken: access,
    refreshToken: 'refresh-1',
    expiresAt: new Date('2026-05-01T10:00:00.123Z'),
    scope: 'read projects',
    tokenType: 'Bearer',
  });

/** What a writer that ran as pid 1 of a container and was killed after creating its temp file leaves. */
function leaveKilledContainerWriter(target: string): void {
  const start = Number(readFileSync('/proc/1/stat', 'utf8').split(') ')[1]!.split(' ')[19]);
  const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  // pid 1 runs here too, but it is not the process that took the lock: it started at another time.
  writeFileSync(
    `${target}.lock`,
    JSON.stringify({ pid: 1, time: Date.now(), nonce: '1-killed', start: start + 4242, boot }),
    { mode: 0o600 },
  );
  writeFileSync(`${target}.tmp.1.0`, 'half a file', { mode: 0o600 });
}

describe('a writer killed inside a container', () => {
  it('blocks neither the lock nor the temp name of the next config.toml write', () => {
    const t = tempHome();
    t.store.addAccount('base', { type: 'oauth_browser', region: 'us', defaultProject: '1' });
    leaveKilledContainerWriter(t.configPath);
    const store = new ConfigStore({ env: t.env, home: t.home, lock: { timeoutMs: 3_000 } });
    const started = Date.now();
    store.addTarget('after', { account: 'base', project: '2' });
    expect(Date.now() - started).toBeLessThan(1_500);
    store.addTarget('again', { account: 'base', project: '3' });
    expect(store.listTargets().map((target) => target.name)).toEqual(['after', 'again']);
    expect(existsSync(`${t.configPath}.lock`)).toBe(false);
  });

  it('blocks neither the lock nor the temp name of the next tokens.json write', () => {
    const t = tempHome();
    t.tokens.writeTokens('me', tokens('first'));
    const path = t.tokens.tokensPath('me');
    leaveKilledContainerWriter(path);
    const store = new FileTokenStore({ env: t.env, home: t.home, lock: { timeoutMs: 3_000 } });
    const started = Date.now();
    store.writeTokens('me', tokens('second'));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(store.readTokens('me')?.accessToken.reveal()).toBe('second');
  });
});

describe('deletes refuse links', () => {
  it('removeAccount does not delete through a linked accounts/ directory: it refuses, config.toml unchanged', () => {
    const t = tempHome();
    const store = new ConfigStore({ env: t.env, home: t.home });
    store.addAccount('me', { type: 'oauth_browser', region: 'us' });
    const config = join(t.home, '.mp', 'config.toml');
    const before = readFileSync(config);
    const elsewhere = join(t.home, 'elsewhere');
    mkdirSync(join(elsewhere, 'me'), { recursive: true, mode: 0o700 });
    writeFileSync(join(elsewhere, 'me', 'tokens.json'), 'keep', { mode: 0o600 });
    symlinkSync(elsewhere, join(t.home, '.mp', 'accounts'));
    expect(() => store.removeAccount('me')).toThrow(
      `Refusing to delete credential under symlinked directory ${join(t.home, '.mp', 'accounts')}`,
    );
    expect(readFileSync(join(elsewhere, 'me', 'tokens.json'), 'utf8')).toBe('keep');
    expect(readFileSync(config)).toEqual(before);
  });

  it('removeAccount does not delete a linked accounts/NAME or what it points to: it refuses, config.toml unchanged', () => {
    const t = tempHome();
    const store = new ConfigStore({ env: t.env, home: t.home });
    store.addAccount('me', { type: 'oauth_browser', region: 'us' });
    const config = join(t.home, '.mp', 'config.toml');
    const before = readFileSync(config);
    const elsewhere = join(t.home, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    writeFileSync(join(elsewhere, 'tokens.json'), 'keep', { mode: 0o600 });
    mkdirSync(join(t.home, '.mp', 'accounts'), { mode: 0o700 });
    symlinkSync(elsewhere, join(t.home, '.mp', 'accounts', 'me'));
    expect(() => store.removeAccount('me')).toThrow(/symlink/);
    expect(readFileSync(join(elsewhere, 'tokens.json'), 'utf8')).toBe('keep');
    expect(readFileSync(config)).toEqual(before);
  });

  it('discarding a published login refuses a directory swapped for a link', () => {
    const t = tempHome();
    const staged = t.tokens.stageAccount();
    staged.writeTokens(tokens());
    const published = staged.publish('me');
    const elsewhere = join(t.home, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    writeFileSync(join(elsewhere, 'tokens.json'), 'keep', { mode: 0o600 });
    // Replaced by a link between publish and discard.
    renameSync(published, join(t.home, 'moved'));
    symlinkSync(elsewhere, published);
    expect(() => staged.discard()).toThrow(/symlink/);
    expect(readFileSync(join(elsewhere, 'tokens.json'), 'utf8')).toBe('keep');
  });
});

describe('writes stay under the size cap the readers enforce', () => {
  /** A config.toml filled with targets to just under the cap, written through the store. */
  function nearlyFullConfig() {
    const t = tempHome();
    t.store.addAccount('base', { type: 'oauth_browser', region: 'us' });
    const fill = (count: number) => {
      t.store.transaction((document) => {
        const targets: Record<string, unknown> = {};
        for (let i = 0; i < count; i++)
          targets[`t${String(i).padStart(5, '0')}`] = { account: 'base', project: '1' };
        document.targets = targets;
      });
      return readFileSync(t.configPath).length;
    };
    const small = fill(1_000);
    const perTarget = (fill(2_000) - small) / 1_000;
    fill(1_000 + Math.floor((MAX_CREDENTIAL_BYTES - small) / perTarget));
    return { ...t, perTarget };
  }

  it('refuses a config.toml write that would pass 1 MiB, naming size, cap and fix; the repair still works', () => {
    const t = nearlyFullConfig();
    const size = readFileSync(t.configPath).length;
    expect(size).toBeLessThanOrEqual(MAX_CREDENTIAL_BYTES);
    expect(size).toBeGreaterThan(MAX_CREDENTIAL_BYTES - t.perTarget);
    const error = expectUnchanged(t.configPath, () =>
      t.store.addTarget('one-more', { account: 'base', project: '2' }),
    ) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      new RegExp(
        `^Refusing to write ${t.configPath}: it would be \\d+ bytes, above the 1048576-byte cap every reader enforces; nothing was written\\. Remove targets or accounts you no longer need \\(\`mp target remove NAME\`, \`mp account remove NAME\`\\), or edit the file\\.$`,
      ),
    );
    expect(Number(error.details.size)).toBeGreaterThan(MAX_CREDENTIAL_BYTES);
    expect(readdirSync(join(t.home, '.mp')).sort()).toEqual(['config.toml']);
    t.store.removeTarget('t00000');
    expect(readFileSync(t.configPath).length).toBeLessThan(size);
  });

  it('a config.toml already over the cap names the fix when it is read', () => {
    const t = tempHome();
    t.store.addAccount('base', { type: 'oauth_browser', region: 'us' });
    writeFileSync(t.configPath, `${t.read()}\n# ${'x'.repeat(MAX_CREDENTIAL_BYTES)}\n`);
    expect(() => t.store.listAccounts()).toThrow(
      /exceeds cap 1048576: .*\. Remove targets or accounts you no longer need/,
    );
  });

  it('refuses tokens.json and client records above the cap, leaving the old ones', () => {
    const t = tempHome();
    t.tokens.writeTokens('me', tokens('first'));
    const path = t.tokens.tokensPath('me');
    expectUnchanged(path, () =>
      t.tokens.writeTokens('me', tokens('a'.repeat(MAX_CREDENTIAL_BYTES))),
    );
    expect(readFileSync(path, 'utf8')).toBe(serializeTokensFile(tokens('first')));
    const client = {
      clientId: 'c'.repeat(MAX_CREDENTIAL_BYTES),
      region: 'us' as const,
      redirectUri: 'http://localhost:1/callback',
      scope: 'projects',
      createdAt: new Date(),
    };
    expect(() => t.tokens.writeClient(client)).toThrow(/above the 1048576-byte cap/);
    expect(existsSync(t.tokens.clientPath('us'))).toBe(false);
  });

  it('does not cache a /me answer above the cap: the old cache goes, with a warning', () => {
    const t = tempHome();
    const warnings: string[] = [];
    const store = new FileTokenStore({
      env: t.env,
      home: t.home,
      onWarning: (m) => warnings.push(m),
    });
    store.writeMe('me', '{"user_id": 1}');
    store.writeMe('me', `{"pad": "${'x'.repeat(MAX_CREDENTIAL_BYTES)}"}`);
    expect(store.readMe('me')).toBeNull();
    expect(warnings).toEqual([
      `Not caching /me for account 'me': ${MAX_CREDENTIAL_BYTES + 11} bytes is above the 1048576-byte cap of me.json.`,
    ]);
  });
});
