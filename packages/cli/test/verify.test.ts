/** `mp login` again re-authenticates the same account; names are checked against Mixpanel (docs/cli.md#re-login, docs/cli.md#checks-against-mixpanel). */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { defaultFixture } from '@mixpanel-data/testkit';
import { describe, expect, it } from 'vitest';
import { addServiceAccount, MOCK_BROWSER, runMpInPty, setup } from './helpers';

const browser = { BROWSER: MOCK_BROWSER };
const sa = { MP_USERNAME: 'team-sa', MP_SECRET: 's3cret-sa' };

/** An origin where nothing listens: a port the OS gave out and took back. */
async function closedOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const addCi = (extra: string[] = []) =>
  addServiceAccount('ci', '--region', 'us', '--secret-stdin', ...extra);

const names = async (t: Awaited<ReturnType<typeof setup>>) =>
  JSON.parse((await t.mp(['account', 'list', '-f', 'json'])).stdout).map(
    (account: { name: string }) => account.name,
  );

describe('mp login again', () => {
  it('re-authenticates the account of the same browser user, says so in one line, and --name makes a second one', async () => {
    const t = await setup();
    expect((await t.mp(['login', '--project', '3713224'], { env: browser })).code).toBe(0);
    const tokens = join(t.home, '.mp', 'accounts', 'acme-corp', 'tokens.json');
    const before = readFileSync(tokens, 'utf8');
    const again = await t.mp(['login'], { env: browser });
    expect(again).toMatchObject({
      code: 0,
      stdout: "Re-authenticated account 'acme-corp' (alice@example.com · AI Demo)\n",
    });
    expect(readFileSync(tokens, 'utf8')).not.toBe(before);
    expect(await names(t)).toEqual(['acme-corp']);
    const named = await t.mp(['login', '--name', 'second', '--project', '3018488'], {
      env: browser,
    });
    expect(named.stdout).toBe('Logged in as alice@example.com → second · E-Commerce\n');
    expect(await names(t)).toEqual(['acme-corp', 'second']);
  });

  it('a failed re-login leaves config.toml and the tokens byte for byte', async () => {
    const t = await setup();
    expect((await t.mp(['login', '--project', '3713224'], { env: browser })).code).toBe(0);
    const tokens = join(t.home, '.mp', 'accounts', 'acme-corp', 'tokens.json');
    const before = [readFileSync(t.config), readFileSync(tokens)];
    t.mock.configure({ approval: 'deny' });
    const denied = await t.mp(['login'], { env: browser });
    expect(denied.code).toBe(2);
    expect([readFileSync(t.config), readFileSync(tokens)]).toEqual(before);
  });

  it('a service account with the same username (login -S, or account add without NAME) is re-authenticated', async () => {
    const t = await setup();
    await t.withTeam();
    const login = await t.mp(['login', '-S', '--region', 'us'], { env: sa });
    expect(login).toMatchObject({
      code: 0,
      stdout: "Re-authenticated account 'team' (alice@example.com · AI Demo)\n",
    });
    const add = await t.mp(addServiceAccount(null, '--region', 'us', '--secret-stdin'), {
      stdin: 's3cret-sa\n',
    });
    expect(add).toMatchObject({
      code: 0,
      stdout: "Re-authenticated account 'team' (service_account, us) — new secret written\n",
    });
    expect(await names(t)).toEqual(['team']);
  });
});

describe('mp project use and mp workspace use check against Mixpanel', () => {
  it('project use 999: exit 4 listing the visible projects, config.toml byte for byte', async () => {
    const t = await setup();
    await t.withTeam();
    const before = readFileSync(t.config);
    const result = await t.mp(['project', 'use', '999']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(
      'Project not found: 999\nAccessible projects: 3018488, 3713224\n',
    );
    expect(result.stdout).toBe('');
    expect(readFileSync(t.config)).toEqual(before);
    expect((await t.mp(['project', 'use', '3018488'])).code).toBe(0);
  });

  it("workspace use of another project's workspace (or an unknown one): exit 1 naming the project's, config.toml byte for byte", async () => {
    const t = await setup();
    await t.withTeam();
    const before = readFileSync(t.config);
    for (const id of ['3448420', '999999']) {
      const result = await t.mp(['workspace', 'use', id]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `Workspace error: Workspace ${id} is not a workspace of project 3713224. Its workspaces: 3448413 (Default), 3448414 (Staging).`,
      );
      expect(result.stderr).toContain('  Code: WORKSPACE_NOT_FOUND');
    }
    expect(readFileSync(t.config)).toEqual(before);
    expect((await t.mp(['workspace', 'use', '3448414'])).stdout).toBe(
      'Active workspace: 3448414\n',
    );
  });

  it('Mixpanel unreachable: accepted with one warning line (none with -q)', async () => {
    const t = await setup();
    await t.withTeam();
    const env = { MP_BASE_URL: await closedOrigin() };
    const result = await t.mp(['project', 'use', '3018488'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Set default_project for account 'team' to '3018488'\n");
    expect(result.stderr).toMatch(
      /\nwarning: could not reach Mixpanel \([^\n]+\); project 3018488 was not verified\.\n$/,
    );
    const quiet = await t.mp(['-q', 'workspace', 'use', '3448420'], { env });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toContain('warning');
    expect(readFileSync(t.config, 'utf8')).toContain('workspace = 3448420');
  });

  it('--no-verify sends no request', async () => {
    const t = await setup();
    await t.withTeam();
    t.mock.clearRequests();
    expect((await t.mp(['project', 'use', '999', '--no-verify'])).code).toBe(0);
    expect((await t.mp(['workspace', 'use', '999999', '--no-verify'])).code).toBe(0);
    const add = await t.mp(addCi(['--no-verify']), { stdin: 'wrong\n' });
    expect(add.code).toBe(0);
    expect(t.mock.requests()).toEqual([]);
  });
});

describe('mp target add checks against Mixpanel', () => {
  it('an unknown project exits 4, a workspace of another project 1, config.toml byte for byte; --no-verify sends no request', async () => {
    const t = await setup();
    await t.withTeam();
    const before = readFileSync(t.config);
    const unknown = await t.mp(['target', 'add', 'prod', '-a', 'team', '-p', '999']);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('Project not found: 999\n');
    const other = await t.mp([
      'target',
      'add',
      'prod',
      '-a',
      'team',
      '-p',
      '3713224',
      '-w',
      '3448420',
    ]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('  Code: WORKSPACE_NOT_FOUND');
    expect(readFileSync(t.config)).toEqual(before);
    expect(
      (await t.mp(['target', 'add', 'prod', '-a', 'team', '-p', '3018488', '-w', '3448420']))
        .stdout,
    ).toBe('Added target: prod\n');
    t.mock.clearRequests();
    const raw = await t.mp(['target', 'add', 'raw', '-a', 'team', '-p', '999', '--no-verify']);
    expect(raw.code).toBe(0);
    expect(t.mock.requests()).toEqual([]);
  });
});

describe('mp account add checks against Mixpanel', () => {
  it('a wrong secret: exit 2 and no account written', async () => {
    const t = await setup();
    const result = await t.mp(addCi(['--project', '3713224']), { stdin: 'wrong\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Authentication error: Mixpanel rejected these credentials');
    expect(existsSync(t.config)).toBe(false);
  });

  it('no --project with one visible project: that one', async () => {
    const fixture = defaultFixture();
    fixture.projects = fixture.projects.slice(0, 1);
    fixture.users[0]!.project_ids = ['3713224'];
    fixture.workspaces = fixture.workspaces.filter((w) => w.project_id === 3713224);
    const t = await setup({ fixture });
    const result = await t.mp(addCi(), { stdin: 's3cret-sa\n' });
    expect(result.code).toBe(0);
    expect(readFileSync(t.config, 'utf8')).toContain('default_project = "3713224"');
  });

  it('no --project with several, off a terminal: exit 3 listing them, nothing written', async () => {
    const t = await setup();
    const result = await t.mp(addCi(), { stdin: 's3cret-sa\n' });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'Invalid argument: Several projects are visible to these credentials; pass --project ID to choose one:\n  - 3713224 : AI Demo (mixpanel.com)\n  - 3018488 : E-Commerce (mixpanel.com)\n',
    );
    expect(existsSync(t.config)).toBe(false);
  });

  it('no --project with several, on a terminal: the picker', async () => {
    const t = await setup();
    const args = addCi().filter((arg) => arg !== '--secret-stdin');
    const result = await runMpInPty(args, {
      env: { ...t.env, MP_SECRET: 's3cret-sa' },
      cwd: t.home,
      prompt: 'Which project? [1]: ',
      answer: '2',
    });
    expect(result.code).toBe(0);
    expect(result.output).toContain('  2) E-Commerce');
    expect(readFileSync(t.config, 'utf8')).toContain('default_project = "3018488"');
  });

  it('an unknown --project: exit 4; Mixpanel unreachable: added with the warning', async () => {
    const t = await setup();
    const unknown = await t.mp(addCi(['--project', '999']), { stdin: 's3cret-sa\n' });
    expect(unknown.code).toBe(4);
    expect(existsSync(t.config)).toBe(false);
    const env = { MP_BASE_URL: await closedOrigin() };
    const offline = await t.mp(addCi(['--project', '999']), { stdin: 's3cret-sa\n', env });
    expect(offline.code).toBe(0);
    expect(offline.stderr).toMatch(
      /\nwarning: could not reach Mixpanel \([^\n]+\); the credentials and project 999 were not verified\.\n$/,
    );
  });
});
