/** `mp login` and `mp account add` discovery in the library (docs/cli.md#mp-account-add, docs/oauth.md#authorize-url; docs/oauth.md#login-overview, docs/oauth.md#region-probing). */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultFixture, startMockMixpanel } from '@mixpanel-data/testkit';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  InvalidArgumentError,
  ProjectNotFoundError,
  RegionProbeError,
  RegionProbeNetworkError,
} from '../src/index';
import { deriveAccountName, slugify } from '../src/naming';
import { probeRegion } from '../src/region-probe';
import { errorOf, first, playBrowser, quiet, setup } from './helpers';

describe('naming (docs/cli.md#account-names)', () => {
  it.each([
    ['Acme Corp', 'acme-corp'],
    ['Café Industries', 'cafe-industries'],
    ['  Acme  &  Sons ', 'acme-sons'],
    ['---', ''],
    ['ＡＣＭＥ', 'acme'],
    ['x'.repeat(40), 'x'.repeat(32)],
    [`${'a'.repeat(31)} b`, 'a'.repeat(31)],
  ])('slugify(%j) = %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it('is idempotent and always a short lower-case slug', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (name) => {
        const slug = slugify(name);
        expect(slug).toMatch(/^[a-z0-9-]{0,32}$/);
        expect(slugify(slug)).toBe(slug);
      }),
    );
  });

  it('derives from the first organization, with the first free suffix', () => {
    expect(
      deriveAccountName(
        [
          { id: 1, name: 'Acme Corp' },
          { id: 2, name: 'Other' },
        ],
        new Set(),
      ),
    ).toBe('acme-corp');
    expect(
      deriveAccountName(
        [{ id: 1, name: 'Acme Corp' }],
        new Set(['acme-corp', 'acme-corp-2', 'acme-corp-4']),
      ),
    ).toBe('acme-corp-3');
    expect(deriveAccountName([{ id: 7, name: '***' }], new Set())).toBe('org-7');
    expect(deriveAccountName([], new Set())).toBe('account');
  });
});

describe('probeRegion (docs/oauth.md#region-probing)', () => {
  const mocks: Awaited<ReturnType<typeof startMockMixpanel>>[] = [];
  afterEach(async () => {
    for (const mock of mocks.splice(0)) await mock.close();
  });

  it('tries us, eu, in in order and stops at the first 200', async () => {
    const withoutAccount = defaultFixture();
    withoutAccount.service_accounts = [];
    const us = await startMockMixpanel({ fixture: withoutAccount });
    const eu = await startMockMixpanel();
    const india = await startMockMixpanel();
    mocks.push(us, eu, india);
    const attempts: unknown[] = [];
    const found = await probeRegion(
      { type: 'service_account', username: 'team-sa', secret: 's3cret-sa' },
      {
        baseUrl: { us: us.origin, eu: eu.origin, in: india.origin },
        onAttempt: (attempt) => attempts.push(attempt),
      },
    );
    expect(found.region).toBe('eu');
    expect(found.attempts).toEqual([
      ['us', 401],
      ['eu', 200],
    ]);
    expect(india.requests()).toHaveLength(0);
    expect(attempts).toHaveLength(2);
  });

  it('all refusing is RegionProbeError with every attempt; all unreachable is RegionProbeNetworkError', async () => {
    const mock = await startMockMixpanel();
    mocks.push(mock);
    const refused = await errorOf(
      probeRegion({ type: 'oauth_token', token: 'nope' }, { baseUrl: mock.origin }),
    );
    expect(refused).toBeInstanceOf(RegionProbeError);
    expect(refused).not.toBeInstanceOf(RegionProbeNetworkError);
    expect(
      (refused as RegionProbeError).attempts.map(([region, status]) => [region, status]),
    ).toEqual([
      ['us', 401],
      ['eu', 401],
      ['in', 401],
    ]);
    const offline = await errorOf(
      probeRegion({ type: 'oauth_token', token: 'x' }, { baseUrl: 'http://127.0.0.1:9' }),
    );
    expect(offline).toBeInstanceOf(RegionProbeNetworkError);
    expect(offline.code).toBe('OAUTH_NETWORK_UNREACHABLE');
  });

  it('an unset token_env is a ConfigError before any request', async () => {
    await expect(
      probeRegion({ type: 'oauth_token', tokenEnv: 'NOPE_VAR' }, { env: {} }),
    ).rejects.toThrow("--token-env 'NOPE_VAR' is unset; cannot probe region.");
  });

  it('a token no header can carry is a ConfigError naming its source before any request, never the token', async () => {
    const mock = await startMockMixpanel();
    mocks.push(mock);
    const bad = 'NOT-SHOWN\r\nX-Injected: 1';
    const inline = await errorOf(
      probeRegion({ type: 'oauth_token', token: bad }, { baseUrl: mock.origin }),
    );
    const fromEnv = await errorOf(
      probeRegion(
        { type: 'oauth_token', tokenEnv: 'CI_TOKEN' },
        { baseUrl: mock.origin, env: { CI_TOKEN: bad } },
      ),
    );
    expect(inline).toBeInstanceOf(ConfigError);
    expect(inline.message).toMatch(/^The token contains a line break/);
    expect(fromEnv).toBeInstanceOf(ConfigError);
    expect(fromEnv.message).toMatch(/^The variable CI_TOKEN contains a line break/);
    expect(fromEnv.details).toEqual({ env_var: 'CI_TOKEN' });
    for (const error of [inline, fromEnv])
      expect(error.message + JSON.stringify(error.details)).not.toContain('NOT-SHOWN');
    expect(mock.requests()).toEqual([]);
  });
});

describe('loginUnified (docs/cli.md#mp-login)', () => {
  it('a service account from the environment: region probed, name derived, project picked, made active; again: the same account re-authenticated', async () => {
    const t = await setup({}, { MP_USERNAME: 'team-sa', MP_SECRET: 's3cret-sa' });
    t.store.removeAccount('team', { force: true });
    const notes: string[] = [];
    const result = await t.accounts.loginUnified({
      pick: first,
      onNote: (line) => notes.push(line),
    });
    expect(result).toMatchObject({
      accountName: 'acme-corp',
      type: 'service_account',
      region: 'us',
      created: true,
      userEmail: 'alice@example.com',
    });
    expect(result.projectId).toBe('3713224');
    expect(notes).toContain('Probing regions for /me access ...');
    expect(t.store.getActive().account).toBe('acme-corp');
    expect(existsSync(join(t.home, '.mp', 'accounts', 'acme-corp', 'me.json'))).toBe(true);
    expect(notes.some((line) => line.includes('already exists'))).toBe(false);
    const againNotes: string[] = [];
    const again = await t.accounts.loginUnified({
      pick: first,
      region: 'us',
      onNote: (line) => againNotes.push(line),
    });
    expect(again).toMatchObject({ accountName: 'acme-corp', created: false });
    expect(againNotes).toEqual([]);
    expect(t.store.listAccounts().map((account) => account.name)).toEqual([
      'acme-corp',
      'personal',
    ]);
  });

  it('a name taken by another service account: the first free suffix and the note', async () => {
    const t = await setup({}, { MP_USERNAME: 'team-sa', MP_SECRET: 's3cret-sa' });
    t.store.removeAccount('team', { force: true });
    t.store.addAccount('acme-corp', {
      type: 'service_account',
      region: 'us',
      username: 'other-sa',
      secret: 'other-secret',
    });
    const notes: string[] = [];
    const result = await t.accounts.loginUnified({
      pick: first,
      region: 'us',
      onNote: (line) => notes.push(line),
    });
    expect(result).toMatchObject({ accountName: 'acme-corp-2', created: true });
    expect(notes).toEqual([
      "note: account 'acme-corp' already exists; created 'acme-corp-2'. Use `mp login --name acme-corp` to refresh the existing one.",
    ]);
  });

  it('project choice: --project must be visible (exit 4 error), a stale MP_PROJECT_ID fails, several without a picker fail', async () => {
    const t = await setup({}, { MP_USERNAME: 'team-sa', MP_SECRET: 's3cret-sa' });
    t.store.removeAccount('team', { force: true });
    expect(await errorOf(t.accounts.loginUnified({ region: 'us', project: '999' }))).toBeInstanceOf(
      ProjectNotFoundError,
    );
    const several = await errorOf(t.accounts.loginUnified({ region: 'us' }));
    expect(several.message).toContain('Multiple projects accessible to this account');
    const stale = await setup(
      {},
      { MP_USERNAME: 'team-sa', MP_SECRET: 's3cret-sa', MP_PROJECT_ID: '999' },
    );
    stale.store.removeAccount('team', { force: true });
    const error = await errorOf(stale.accounts.loginUnified({ region: 'us' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('MP_PROJECT_ID=999 is not visible to this account.');
    expect(await t.accounts.loginUnified({ region: 'us', project: '3018488' })).toMatchObject({
      projectId: '3018488',
      projectName: 'E-Commerce',
    });
  });

  it('--token-env stores the variable name; a bare MP_OAUTH_TOKEN is stored inline', async () => {
    const t = await setup({}, { MY_TOKEN: 'static-token-abc', MP_OAUTH_TOKEN: 'static-token-abc' });
    const pointer = await t.accounts.loginUnified({
      tokenEnv: 'MY_TOKEN',
      region: 'us',
      pick: first,
      name: 'by-env',
    });
    const account = t.store.getAccount(pointer.accountName);
    expect(account.type === 'oauth_token' && account.tokenEnv).toBe('MY_TOKEN');
    const inline = await t.accounts.loginUnified({ region: 'us', pick: first, name: 'inline' });
    const stored = t.store.getAccount(inline.accountName);
    expect(stored.type === 'oauth_token' && stored.token?.reveal()).toBe('static-token-abc');
  });

  it('refuses flag misuse before any I/O', async () => {
    const t = await setup({}, { MP_USERNAME: 'u', MP_SECRET: 's' });
    for (const options of [
      { serviceAccount: true, tokenEnv: 'X' },
      { openBrowser: false },
      { tokenEnv: 'X', secretStdin: true },
    ]) {
      const error = await errorOf(t.accounts.loginUnified(options));
      expect(error).toBeInstanceOf(InvalidArgumentError);
    }
    expect(t.mock.requests()).toHaveLength(0);
  });

  it('a new browser account: placeholder directory published under the derived name, tokens inside', async () => {
    const t = await setup();
    const result = await t.accounts.loginUnified({
      browserOpener: playBrowser,
      callbackPorts: [0],
      stderr: quiet,
      pick: first,
    });
    expect(result).toMatchObject({
      accountName: 'acme-corp',
      type: 'oauth_browser',
      created: true,
    });
    expect(existsSync(join(t.home, '.mp', 'accounts', 'acme-corp', 'tokens.json'))).toBe(true);
    expect(
      readdirSync(join(t.home, '.mp', 'accounts')).filter((name) => name.startsWith('.tmp-')),
    ).toEqual([]);
    expect(t.store.getActive()).toEqual({ account: 'acme-corp' });
  });

  it('a new browser account whose project lives in another region: E-2, nothing published', async () => {
    const fixture = defaultFixture();
    for (const project of fixture.projects) project.domain = 'eu.mixpanel.com';
    const t = await setup({ fixture });
    const error = await errorOf(
      t.accounts.loginUnified({
        browserOpener: playBrowser,
        callbackPorts: [0],
        stderr: quiet,
        pick: first,
      }),
    );
    expect(error.message).toContain('Region mismatch.');
    expect(error.message).toContain('mp login --region eu');
    expect(readdirSync(join(t.home, '.mp', 'accounts'))).toEqual([]);
  });

  it('re-login refuses a different type or region, and rotates a service account secret', async () => {
    const t = await setup({}, { MP_USERNAME: 'team-sa', MP_SECRET: 's3cret-sa' });
    expect((await errorOf(t.accounts.loginUnified({ name: 'personal' }))).message).toContain(
      "Account 'personal' is type 'oauth_browser'; cannot re-login as type 'service_account'.",
    );
    expect(
      (await errorOf(t.accounts.loginUnified({ name: 'team', region: 'eu' }))).message,
    ).toContain("bound to region 'us'");
    t.store.updateAccount('team', { secret: 'old-secret' });
    const notes: string[] = [];
    const result = await t.accounts.loginUnified({
      name: 'team',
      project: '1',
      onNote: (line) => notes.push(line),
    });
    expect(result).toMatchObject({ accountName: 'team', created: false });
    const account = t.store.getAccount('team');
    expect(account.type === 'service_account' && account.secret.reveal()).toBe('s3cret-sa');
    expect(notes[0]).toMatch(/^note: --project ignored on re-login/);
  });
});

describe('addDiscovering (docs/cli.md#mp-account-add)', () => {
  it('probes the region and derives the name when they are missing', async () => {
    const t = await setup();
    t.store.removeAccount('team', { force: true });
    const summary = await t.accounts.addDiscovering(
      undefined,
      { type: 'service_account', username: 'team-sa', secret: 's3cret-sa' },
      { pick: first },
    );
    expect(summary).toMatchObject({ name: 'acme-corp', region: 'us', projectId: '3713224' });
    await expect(t.accounts.addDiscovering(undefined, { type: 'oauth_browser' })).rejects.toThrow(
      'NAME is required for oauth_browser',
    );
  });
});
