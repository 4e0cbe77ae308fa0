/** Re-login of the same account and the checks against Mixpanel (docs/cli.md#re-login, docs/cli.md#checks-against-mixpanel). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  AuthenticationError,
  createAccount,
  type MeResponse,
  NetworkError,
  OAuthError,
  ProjectNotFoundError,
  QueryError,
  RedirectError,
  WorkspaceNotFoundError,
} from '../src/index';
import { findSameAccount } from '../src/same-account';
import { checkProject, checkWorkspace, uncheckable } from '../src/verify';
import { errorOf, first, playBrowser, quiet, setup } from './helpers';

const me = (fields: Partial<MeResponse>): MeResponse =>
  ({ organizations: {}, projects: {}, workspaces: {}, ...fields }) as MeResponse;
const alice = me({ user_id: 42, user_email: 'alice@example.com' });
const bob = me({ user_id: 7, user_email: 'bob@example.com' });

describe('findSameAccount', () => {
  const sa = (name: string, username: string, region: 'us' | 'eu' = 'us') =>
    createAccount({ type: 'service_account', name, region, username, secret: 'x' });
  const browser = (name: string, region: 'us' | 'eu' = 'us') =>
    createAccount({ type: 'oauth_browser', name, region });

  it('a service account: same username and region; another username or region is no match', () => {
    const accounts = [sa('a', 'ci-sa', 'eu'), sa('b', 'other'), sa('c', 'ci-sa')];
    const found = findSameAccount(
      accounts,
      { type: 'service_account', username: 'ci-sa', region: 'us' },
      { cachedMe: () => null },
    );
    expect(found?.name).toBe('c');
    expect(
      findSameAccount(
        accounts,
        { type: 'service_account', username: 'nobody', region: 'us' },
        { cachedMe: () => null },
      ),
    ).toBeNull();
  });

  it('a browser login: the account whose cached /me names the same user in the same region; the active one first', () => {
    const cached: Record<string, MeResponse | null> = { bob: bob, a1: alice, a2: alice, eu: alice };
    const accounts = [browser('bob'), browser('a1'), browser('a2'), browser('eu', 'eu')];
    const cachedMe = (account: { name: string }) => cached[account.name] ?? null;
    const identity = { type: 'oauth_browser', region: 'us', me: alice } as const;
    expect(findSameAccount(accounts, identity, { cachedMe })?.name).toBe('a1');
    expect(findSameAccount(accounts, identity, { cachedMe, active: 'a2' })?.name).toBe('a2');
    // No cache, or a /me without user: no match.
    expect(findSameAccount([browser('x')], identity, { cachedMe: () => null })).toBeNull();
    expect(
      findSameAccount(
        accounts,
        { type: 'oauth_browser', region: 'us', me: me({}) },
        { cachedMe: () => me({}) },
      ),
    ).toBeNull();
  });
});

describe('checkProject, checkWorkspace, uncheckable', () => {
  const payload = me({
    projects: {
      '1': { name: 'One', organization_id: 1 },
      '2': { name: 'Two', organization_id: 1 },
    } as MeResponse['projects'],
    workspaces: {
      '10': { id: 10, name: 'Default', project_id: 1 },
      '20': { id: 20, name: 'Other', project_id: 2 },
    } as MeResponse['workspaces'],
  });

  it('an unknown project is ProjectNotFoundError listing the visible ones', () => {
    expect(() => checkProject(payload, '1')).not.toThrow();
    let error: unknown;
    try {
      checkProject(payload, '999');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProjectNotFoundError);
    expect((error as ProjectNotFoundError).availableProjects).toEqual(['1', '2']);
  });

  it("another project's workspace is WorkspaceNotFoundError listing the project's", () => {
    expect(() => checkWorkspace(payload, '1', 10)).not.toThrow();
    let error: unknown;
    try {
      checkWorkspace(payload, '1', 20);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WorkspaceNotFoundError);
    expect((error as WorkspaceNotFoundError).code).toBe('WORKSPACE_NOT_FOUND');
    expect((error as WorkspaceNotFoundError).details).toMatchObject({
      workspace_id: 20,
      project_id: '1',
      available_workspaces: [10],
    });
    expect((error as Error).message).toContain('Its workspaces: 10 (Default).');
  });

  it('no answer and a 403 cannot check; a 401 and a redirect are failures', () => {
    const network = new NetworkError('x', { reason: 'connect ECONNREFUSED' });
    expect(uncheckable(network)).toBe('could not reach Mixpanel (connect ECONNREFUSED)');
    expect(uncheckable(new QueryError('no', { statusCode: 403 }))).toMatch(/403/);
    expect(uncheckable(new QueryError('no', { statusCode: 404 }))).toBeNull();
    expect(uncheckable(new AuthenticationError('no'))).toBeNull();
    expect(uncheckable(new RedirectError('moved', { statusCode: 302 }))).toBeNull();
  });
});

describe('accounts.useProject and session.useWorkspace', () => {
  it('a visible project is set; the fresh /me cache answers without a request', async () => {
    const t = await setup();
    const result = await t.accounts.useProject('team', '3018488');
    expect(result).toEqual({ status: 'verified', warning: null });
    expect(t.store.getAccount('team').defaultProject).toBe('3018488');
    expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(1);
    await t.accounts.useProject('team', '3713224');
    expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(1);
  });

  it('an unknown project throws ProjectNotFoundError and leaves config.toml byte for byte', async () => {
    const t = await setup();
    const config = join(t.home, '.mp', 'config.toml');
    const before = readFileSync(config);
    const error = await errorOf(t.accounts.useProject('team', '999'));
    expect(error).toBeInstanceOf(ProjectNotFoundError);
    expect((error as ProjectNotFoundError).availableProjects).toEqual(['3018488', '3713224']);
    expect(readFileSync(config)).toEqual(before);
  });

  it('verify: false sends no request; no answer from Mixpanel sets it with a warning', async () => {
    const t = await setup();
    expect(await t.accounts.useProject('team', '999', { verify: false })).toEqual({
      status: 'skipped',
      warning: null,
    });
    expect(t.mock.requests()).toEqual([]);
    t.mock.dropConnection('/api/app/me');
    const result = await t.accounts.useProject('team', '998');
    expect(result.status).toBe('unverified');
    expect(result.warning).toMatch(
      /^could not reach Mixpanel \(.+\); project 998 was not verified\.$/,
    );
    expect(t.store.getAccount('team').defaultProject).toBe('998');
  });

  it('a browser account that is not logged in is set unchecked, saying so', async () => {
    const t = await setup();
    const result = await t.accounts.useProject('personal', '3713224');
    expect(result.status).toBe('skipped');
    expect(result.warning).toContain("account 'personal' is not logged in");
    expect(t.mock.requests()).toEqual([]);
  });

  it("a workspace of another project throws WorkspaceNotFoundError; the project's own is pinned", async () => {
    const t = await setup();
    const session = (await import('../src/index')).createSession(t.base);
    const config = join(t.home, '.mp', 'config.toml');
    const before = readFileSync(config);
    expect(await errorOf(session.useWorkspace(3448420))).toBeInstanceOf(WorkspaceNotFoundError);
    expect(await errorOf(session.useWorkspace(999999))).toBeInstanceOf(WorkspaceNotFoundError);
    expect(readFileSync(config)).toEqual(before);
    expect((await session.useWorkspace(3448414)).status).toBe('verified');
    expect(t.store.getActive().workspace).toBe(3448414);
    t.mock.clearRequests();
    expect((await session.useWorkspace(999999, { verify: false })).status).toBe('skipped');
    expect(t.mock.requests()).toEqual([]);
  });
});

describe('targets.addVerified', () => {
  it('checks the project and the workspace with the account; verify: false and malformed fields send no request', async () => {
    const t = await setup();
    const targets = (await import('../src/index')).createTargets(t.base);
    const config = join(t.home, '.mp', 'config.toml');
    const before = readFileSync(config);
    expect(
      await errorOf(targets.addVerified('prod', { account: 'team', project: '999' })),
    ).toBeInstanceOf(ProjectNotFoundError);
    expect(
      await errorOf(
        targets.addVerified('prod', { account: 'team', project: '3713224', workspace: 3448420 }),
      ),
    ).toBeInstanceOf(WorkspaceNotFoundError);
    expect(readFileSync(config)).toEqual(before);
    const added = await targets.addVerified('prod', {
      account: 'team',
      project: '3018488',
      workspace: 3448420,
    });
    expect(added.verification.status).toBe('verified');
    expect(added.target).toMatchObject({ name: 'prod', project: '3018488', workspace: 3448420 });
    t.mock.clearRequests();
    await targets.addVerified('raw', { account: 'team', project: '999' }, { verify: false });
    await errorOf(targets.addVerified('bad', { account: 'team', project: 'abc' }));
    await errorOf(targets.addVerified('ghost', { account: 'nobody', project: '1' }));
    expect(t.mock.requests()).toEqual([]);
  });
});

describe('addDiscovering checks', () => {
  const sa = (secret = 's3cret-sa') => ({
    type: 'service_account' as const,
    username: 'team-sa',
    secret,
    region: 'us' as const,
  });

  it('a wrong secret is AuthenticationError and adds nothing', async () => {
    const t = await setup();
    const config = join(t.home, '.mp', 'config.toml');
    const before = readFileSync(config);
    expect(await errorOf(t.accounts.addDiscovering('ci', sa('wrong')))).toBeInstanceOf(
      AuthenticationError,
    );
    expect(readFileSync(config)).toEqual(before);
  });

  it('no project: several without a picker is an ArgumentError listing them; a picker chooses; one is taken', async () => {
    const t = await setup();
    const several = await errorOf(t.accounts.addDiscovering('ci', sa()));
    expect(several).toBeInstanceOf(ArgumentError);
    expect(several.message).toContain('  - 3713224 : AI Demo (mixpanel.com)');
    expect(several.message).toContain('  - 3018488 : E-Commerce (mixpanel.com)');
    expect(t.store.read().hasAccount('ci')).toBe(false);
    const picked = await t.accounts.addDiscovering('ci', sa(), { pick: first });
    expect(picked.projectId).toBe('3713224');
  });

  it('an unknown --project is ProjectNotFoundError; Mixpanel unreachable adds it with a warning', async () => {
    const t = await setup();
    expect(
      await errorOf(t.accounts.addDiscovering('ci', { ...sa(), defaultProject: '999' })),
    ).toBeInstanceOf(ProjectNotFoundError);
    t.mock.dropConnection('/api/app/me');
    const warnings: string[] = [];
    const added = await t.accounts.addDiscovering(
      'ci',
      { ...sa(), defaultProject: '999' },
      { onWarning: (line) => warnings.push(line) },
    );
    expect(added.projectId).toBe('999');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^could not reach Mixpanel .*project 999 were not verified\.$/);
  });

  it('without a name, the service account of the same username and region gets the new secret and keeps its project', async () => {
    const t = await setup();
    t.store.updateAccount('team', { secret: 'old-secret' });
    const result = await t.accounts.addDiscovering(undefined, sa());
    expect(result).toMatchObject({ name: 'team', created: false, projectId: '3713224' });
    const team = t.store.getAccount('team');
    expect(team.type === 'service_account' && team.secret.reveal()).toBe('s3cret-sa');
    expect(t.store.read().accountNames().sort()).toEqual(['personal', 'team']);
    // With a name, a second account.
    expect(await t.accounts.addDiscovering('ci', sa(), { pick: first })).toMatchObject({
      name: 'ci',
      created: true,
    });
  });

  it('a token whose variable is not set here is added unchecked, with a warning and no request', async () => {
    const t = await setup();
    const warnings: string[] = [];
    const added = await t.accounts.addDiscovering(
      'ci',
      { type: 'oauth_token', tokenEnv: 'CI_ONLY_TOKEN', region: 'us' },
      { onWarning: (line) => warnings.push(line) },
    );
    expect(added).toMatchObject({ name: 'ci', created: true });
    expect(warnings).toEqual(['CI_ONLY_TOKEN is not set here; the token was not verified.']);
    expect(t.mock.requests()).toEqual([]);
  });

  it('verify: false sends no request, and needs the region and the name', async () => {
    const t = await setup();
    expect(
      await errorOf(t.accounts.addDiscovering(undefined, { ...sa('wrong') }, { verify: false })),
    ).toBeInstanceOf(ArgumentError);
    const { region: _region, ...noRegion } = sa('wrong');
    expect(
      await errorOf(t.accounts.addDiscovering('ci', noRegion, { verify: false })),
    ).toBeInstanceOf(ArgumentError);
    expect((await t.accounts.addDiscovering('ci', sa('wrong'), { verify: false })).name).toBe('ci');
    expect(t.mock.requests()).toEqual([]);
  });
});

describe('loginUnified re-authenticates the same account', () => {
  const browserLogin = { browserOpener: playBrowser, callbackPorts: [0], stderr: quiet };

  it('a browser login of the same user replaces the tokens of that account; a name makes a new one', async () => {
    const t = await setup();
    const created = await t.accounts.loginUnified({ ...browserLogin, pick: first });
    expect(created).toMatchObject({ accountName: 'acme-corp', created: true });
    const tokens = join(t.home, '.mp', 'accounts', 'acme-corp', 'tokens.json');
    const before = readFileSync(tokens, 'utf8');
    t.store.updateAccount('acme-corp', { defaultProject: '3018488' });
    const again = await t.accounts.loginUnified({ ...browserLogin, pick: first });
    expect(again).toMatchObject({ accountName: 'acme-corp', created: false, projectId: '3018488' });
    expect(readFileSync(tokens, 'utf8')).not.toBe(before);
    expect(t.store.read().accountNames().sort()).toEqual(['acme-corp', 'personal', 'team']);
    const named = await t.accounts.loginUnified({ ...browserLogin, pick: first, name: 'second' });
    expect(named).toMatchObject({ accountName: 'second', created: true });
  });

  it('a failed re-login leaves config.toml and the tokens byte for byte', async () => {
    const t = await setup();
    await t.accounts.loginUnified({ ...browserLogin, pick: first });
    const files = ['config.toml', 'accounts/acme-corp/tokens.json', 'accounts/acme-corp/me.json'];
    const read = () => files.map((file) => readFileSync(join(t.home, '.mp', file), 'utf8'));
    const before = read();
    t.mock.configure({ approval: 'deny' });
    expect(await errorOf(t.accounts.loginUnified({ ...browserLogin }))).toBeInstanceOf(OAuthError);
    t.mock.configure({ approval: 'auto' });
    t.mock.failWith('/api/app/me', 500, { times: 10 });
    await errorOf(t.accounts.loginUnified({ ...browserLogin }));
    expect(read()).toEqual(before);
  });

  it('a service account with the same username: a wrong secret changes nothing; the right one is written to it', async () => {
    const t = await setup({}, { MP_USERNAME: 'team-sa', MP_SECRET: 'wrong' });
    t.store.updateAccount('team', { secret: 'old-secret' });
    const config = join(t.home, '.mp', 'config.toml');
    const before = readFileSync(config);
    expect(
      await errorOf(t.accounts.loginUnified({ region: 'us', serviceAccount: true })),
    ).toBeInstanceOf(AuthenticationError);
    expect(readFileSync(config)).toEqual(before);
    const result = await t.accounts.loginUnified({
      region: 'us',
      serviceAccount: true,
      secret: 's3cret-sa',
    });
    expect(result).toMatchObject({ accountName: 'team', created: false, projectId: '3713224' });
    const team = t.store.getAccount('team');
    expect(team.type === 'service_account' && team.secret.reveal()).toBe('s3cret-sa');
    expect(t.store.read().accountNames().sort()).toEqual(['personal', 'team']);
  });
});
