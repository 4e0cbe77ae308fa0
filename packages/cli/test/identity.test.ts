/** `mp project`, `mp workspace`, `mp target`, `mp session` (docs/cli.md#mp-project, docs/files.md#bridge-file). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setup } from './helpers';

describe('mp project', () => {
  it('list marks the default project, works without one, honours --refresh and formats', async () => {
    const t = await setup();
    await t.withTeam();
    const table = await t.mp(['project', 'list']);
    expect(table.code).toBe(0);
    // docs/cli.md#mp-project-list's fixed layout: NAME at column 18, ORG at column 52.
    expect(table.stdout).toBe(
      [
        `  ${'ID'.padEnd(16)}${'NAME'.padEnd(34)}ORG`,
        `* ${'3713224'.padEnd(16)}${'AI Demo'.padEnd(34)}100`,
        `  ${'3018488'.padEnd(16)}${'E-Commerce'.padEnd(34)}100`,
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await t.mp(['project', 'list', '-f', 'json'])).stdout);
    expect(json[0]).toEqual({
      id: '3713224',
      name: 'AI Demo',
      organization_id: 100,
      timezone: 'US/Pacific',
      is_active: true,
    });
    expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(1);
    await t.mp(['project', 'list', '--refresh']);
    expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(2);
    await t.mp(['account', 'update', 'team', '--clear-project']);
    const noProject = await t.mp(['project', 'list', '-f', 'plain']);
    expect(noProject).toMatchObject({ code: 0, stdout: '3713224\n3018488\n' });
  });

  it('use sets the default project of the active account; without one it exits 4; show prints it', async () => {
    const t = await setup();
    expect((await t.mp(['project', 'show'])).stdout).toBe('(no active project)\n');
    const none = await t.mp(['project', 'use', '1']);
    expect(none.code).toBe(4);
    expect(none.stderr).toContain('No active account configured. Run `mp account use NAME` first.');
    await t.withTeam();
    expect((await t.mp(['project', 'use', '3018488'])).stdout).toBe(
      "Set default_project for account 'team' to '3018488'\n",
    );
    expect((await t.mp(['project', 'show'])).stdout).toBe('3018488\n');
    expect((await t.mp(['project', 'use', 'abc'])).code).toBe(1);
  });

  it('project use changes only default_project: [active] (and its workspace pin) stays byte for byte', async () => {
    const t = await setup();
    await t.withTeam();
    expect((await t.mp(['workspace', 'use', '3448414'])).code).toBe(0);
    const active = (text: string) => text.slice(0, text.indexOf('\n\n'));
    const before = active(readFileSync(t.config, 'utf8'));
    expect(before).toContain('workspace = 3448414');
    expect((await t.mp(['project', 'use', '3018488'])).code).toBe(0);
    const after = readFileSync(t.config, 'utf8');
    expect(active(after)).toBe(before);
    expect(after).toContain('default_project = "3018488"');
  });

  it('a service account without /me scope gets the user_details hint (exit 3, as any 403)', async () => {
    const { defaultFixture } = await import('@mixpanel-data/testkit');
    const fixture = defaultFixture();
    fixture.service_accounts[0]!.me_scope = false;
    const t = await setup({ fixture });
    await t.withTeam();
    const result = await t.mp(['project', 'list']);
    expect(result.code).toBe(3);
    expect(result.stderr.replace(/^note: MP_BASE_URL is set.*\n/, '')).toBe(
      [
        "Query error: Service account 'team' is missing the `user_details` scope.",
        '',
        'Re-mint the SA in Mixpanel Settings → Service Accounts with that scope checked, or pass --project ID explicitly to skip the /me lookup.',
        '  Endpoint: me',
        '  Hint: check that the account has permission for this project (service accounts need the right role).',
        '',
      ].join('\n'),
    );
  });
});

describe('mp workspace', () => {
  it('list, use and show', async () => {
    const t = await setup();
    await t.withTeam();
    const table = await t.mp(['workspace', 'list']);
    // docs/cli.md#commands's fixed layout: NAME at column 16, DEFAULT at column 50.
    expect(table.stdout).toBe(
      [
        `${'ID'.padEnd(16)}${'NAME'.padEnd(34)}DEFAULT`,
        `${'3448413'.padEnd(16)}${'Default'.padEnd(34)}*`,
        `${'3448414'.padEnd(16)}Staging`,
        '',
      ].join('\n'),
    );
    expect(
      JSON.parse((await t.mp(['workspace', 'list', '--project', '3018488', '-f', 'json'])).stdout),
    ).toEqual([{ id: 3448420, name: 'All Project Data', is_default: true }]);
    expect((await t.mp(['workspace', 'show'])).stdout).toBe(
      '(workspace will be auto-resolved on first use)\n',
    );
    expect((await t.mp(['workspace', 'use', '3448414'])).stdout).toBe(
      'Active workspace: 3448414\n',
    );
    expect((await t.mp(['workspace', 'show'])).stdout).toBe('3448414\n');
    expect((await t.mp(['workspace', 'use', 'x'])).code).toBe(2);
    const zero = await t.mp(['workspace', 'use', '0']);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toContain('Invalid workspace ID: 0. Must be a positive integer.');
  });
});

describe('mp target', () => {
  it('add, list, show, use and remove', async () => {
    const t = await setup();
    await t.withTeam();
    expect(
      (await t.mp(['target', 'add', 'ecom', '-a', 'team', '-p', '3018488', '-w', '3448420']))
        .stdout,
    ).toBe('Added target: ecom\n');
    await t.mp(['target', 'add', 'demo', '--account', 'team', '--project', '3713224']);
    expect((await t.mp(['target', 'list'])).stdout).toBe(
      'NAME            ACCOUNT         PROJECT      WORKSPACE\ndemo            team            3713224      -\necom            team            3018488      3448420\n',
    );
    expect((await t.mp(['target', 'show', 'ecom', '-f', 'json'])).stdout).toBe(
      '{"name": "ecom", "account": "team", "project": "3018488", "workspace": 3448420}\n',
    );
    expect((await t.mp(['target', 'show', 'demo'])).stdout).toBe(
      'name:      demo\naccount:   team\nproject:   3713224\nworkspace: -\n',
    );
    expect((await t.mp(['target', 'use', 'ecom'])).stdout).toBe(
      'Active target: ecom\n→ team · 3018488 · ws 3448420\n',
    );
    expect(readFileSync(t.config, 'utf8')).toContain(
      '[active]\naccount = "team"\nworkspace = 3448420',
    );
    const noYes = await t.mp(['target', 'remove', 'demo']);
    expect(noYes.code).toBe(3);
    expect(noYes.stderr).toContain('pass --yes');
    expect((await t.mp(['target', 'remove', 'demo', '--yes'])).stdout).toBe(
      'Removed target: demo\n',
    );
    expect((await t.mp(['target', 'show', 'demo'])).code).toBe(1);
  });

  it.each([
    [['t', '-a', 'ghost', '-p', '1'], "account 'ghost' is not configured"],
    [['t', '-a', 'team', '-p', 'x'], 'Invalid target fields'],
    [['t', '-a', 'team', '-p', '1', '-w', '0'], 'greater than 0'],
  ])('add %j fails with exit 1', async (args, message) => {
    const t = await setup();
    await t.withTeam();
    const result = await t.mp(['target', 'add', ...args]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });

  it.each([
    [['t', '-p', '1'], "Usage error: Missing option '--account' / '-a'.\n"],
    [['t', '-a', 'team'], "Usage error: Missing option '--project' / '-p'.\n"],
  ])('add %j without a required option is a usage error (exit 2)', async (args, stderr) => {
    const t = await setup();
    await t.withTeam();
    const before = readFileSync(t.config);
    const result = await t.mp(['target', 'add', ...args]);
    expect(result).toMatchObject({ code: 2, stderr });
    expect(readFileSync(t.config).equals(before)).toBe(true);
  });

  it('a per-command --target writes nothing', async () => {
    const t = await setup();
    await t.withTeam();
    await t.mp(['target', 'add', 'ecom', '-a', 'team', '-p', '3018488']);
    const before = readFileSync(t.config, 'utf8');
    expect(
      JSON.parse((await t.mp(['--target', 'ecom', 'inspect', 'events', '-f', 'json'])).stdout),
    ).toEqual(['Add to Cart', 'Checkout']);
    expect(readFileSync(t.config, 'utf8')).toBe(before);
  });
});

describe('mp session', () => {
  it('shows the persisted state from the /me cache, as text and JSON', async () => {
    const t = await setup();
    expect((await t.mp(['session'])).stdout).toBe(
      'Account:   (none)\nProject:   (none)\nWorkspace: auto-resolved on first workspace-scoped call\nUser:      (uncached)\n',
    );
    await t.withTeam();
    expect((await t.mp(['session'])).stdout).toContain('Project:   (uncached) (3713224)');
    await t.mp(['project', 'list']);
    await t.mp(['workspace', 'use', '3448413']);
    expect((await t.mp(['session'])).stdout).toBe(
      'Account:   team (service_account, us)\nProject:   AI Demo (3713224) [organization: Acme Corp]\nWorkspace: Default (3448413)\nUser:      alice@example.com\n',
    );
    expect(JSON.parse((await t.mp(['session', '-f', 'json'])).stdout)).toEqual({
      account: { name: 'team', type: 'service_account', region: 'us' },
      project: { id: '3713224', name: 'AI Demo', organization: 'Acme Corp' },
      workspace: { id: 3448413, name: 'Default' },
      user: { email: 'alice@example.com' },
      me_cached: true,
    });
  });

  it('--explain shows each axis with its source and what it shadows', async () => {
    const t = await setup();
    await t.withTeam();
    const result = await t.mp(['-p', '3018488', 'session', '--explain'], {
      env: { MP_WORKSPACE_ID: '7' },
    });
    expect(result.stdout).toContain('Account:   team (service_account, us)  [from active]');
    expect(result.stdout).toContain('Project:   3018488  [from param]  shadows 3713224 (default)');
    expect(result.stdout).toContain('Workspace: 7  [from env]');
    const env = await t.mp(['session', '--explain', '-f', 'json'], {
      env: { MP_OAUTH_TOKEN: 'static-token-abc', MP_PROJECT_ID: '1', MP_REGION: 'us' },
    });
    expect(JSON.parse(env.stdout).provenance.account).toEqual({
      source: 'env',
      value: 'env-oauth-token',
      shadowed: [{ source: 'active', value: 'team' }],
    });
    expect(env.stderr).toContain(
      'warning: Environment credentials (env-oauth-token) override team (active).',
    );
  });

  it('--explain reads MP_PROJECT_ID and MP_WORKSPACE_ID once: the env source, no phantom flag', async () => {
    const t = await setup();
    await t.withTeam();
    const result = await t.mp(['session', '--explain'], {
      env: { MP_PROJECT_ID: '5', MP_WORKSPACE_ID: '7' },
    });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toContain('Project:   5  [from env]  shadows 3713224 (default)');
    expect(lines).toContain('Workspace: 7  [from env]');
    expect(result.stdout).not.toContain('(param)');
    const flagged = await t.mp(['-p', '3018488', 'session', '--explain'], {
      env: { MP_PROJECT_ID: '5' },
    });
    expect(flagged.stdout.split('\n')).toContain(
      'Project:   5  [from env]  shadows 3018488 (param), 3713224 (default)',
    );
  });

  it('--effective is the same view as --explain', async () => {
    const t = await setup();
    await t.withTeam();
    const explain = await t.mp(['-p', '3018488', 'session', '--explain']);
    const effective = await t.mp(['-p', '3018488', 'session', '--effective']);
    expect(effective).toEqual({ ...explain, code: 0 });
    expect(effective.stdout).toContain('Project:   3018488  [from param]');
  });

  it('--bridge shows the bridge file in effect, or none', async () => {
    const t = await setup();
    await t.withTeam();
    expect((await t.mp(['session', '--bridge'])).stdout).toBe('No bridge file found.\n');
    expect((await t.mp(['session', '--bridge', '-f', 'json'])).stdout).toBe(
      '{\n  "bridge": null\n}\n',
    );
    const path = join(t.home, 'b.json');
    await t.mp(['account', 'export-bridge', '--to', path, '--workspace', '3448414']);
    const shown = await t.mp(['session', '--bridge'], { env: { MP_AUTH_FILE: path } });
    expect(shown.stdout).toBe(
      `Bridge:    ${path}\nAccount:   team (service_account, us, source: bridge)\nProject:   (from config/env)\nWorkspace: 3448414\n`,
    );
    const plain = await t.mp(['session'], { env: { MP_AUTH_FILE: path } });
    expect(plain.stderr).toContain(`A bridge file at ${path} overrides the active account`);
  });
});
