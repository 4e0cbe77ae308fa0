/** `mp account …` as a subprocess against the mock (docs/cli.md#mp-account, docs/cli.md#commands). */
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addServiceAccount, setup } from './helpers';

describe('mp account list', () => {
  it('prints the onboarding text on an empty config; [] as JSON; nothing as JSONL', async () => {
    const t = await setup();
    const table = await t.mp(['account', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('(no accounts configured)');
    expect(table.stdout).toContain(
      'mp account add NAME --type service_account --username USER --region us --secret-stdin',
    );
    expect((await t.mp(['account', 'list', '-f', 'json'])).stdout).toBe('[]\n');
    expect((await t.mp(['account', 'list', '-f', 'jsonl'])).stdout).toBe('');
    // csv is a header row plus one row per record: the header stays when there are none.
    expect((await t.mp(['account', 'list', '-f', 'csv'])).stdout).toBe(
      'name,type,region,status,is_active,referenced_by_targets,user_email,project_id,project_name\n',
    );
    expect((await t.mp(['target', 'list', '-f', 'csv'])).stdout).toBe(
      'name,account,project,workspace\n',
    );
  });

  it('tables with two-space columns, never truncating a 64-character name; all formats', async () => {
    const t = await setup();
    await t.withTeam();
    const long = 'x'.repeat(64);
    await t.mp(['account', 'add', long, '--type', 'oauth_browser', '--region', 'eu']);
    const table = (await t.mp(['account', 'list'])).stdout.split('\n');
    expect(table[0]).toMatch(/^NAME {62}TYPE {13}REGION {2}ACTIVE$/);
    expect(table[1]).toMatch(/^team +service_account +us +\*$/);
    expect(table[2]).toBe(`${long}  oauth_browser    eu`);
    const json = JSON.parse((await t.mp(['account', 'list', '-f', 'json'])).stdout);
    expect(Object.keys(json[0])).toEqual([
      'name',
      'type',
      'region',
      'status',
      'is_active',
      'referenced_by_targets',
      'user_email',
      'project_id',
      'project_name',
    ]);
    expect(json[0]).toMatchObject({ name: 'team', is_active: true, project_id: '3713224' });
    expect((await t.mp(['account', 'list', '-f', 'plain'])).stdout).toBe(`team\n${long}\n`);
    expect((await t.mp(['account', 'list', '-f', 'csv'])).stdout.split('\n')[0]).toBe(
      'name,type,region,status,is_active,referenced_by_targets,user_email,project_id,project_name',
    );
    const bad = await t.mp(['account', 'list', '-f', 'yaml']);
    expect(bad.code).toBe(2);
  });
});

/** A loopback port that was just free: nothing listens on it. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

describe('mp account add', () => {
  it('adds a service account with the secret from stdin (0600 file) and promotes the first account', async () => {
    const t = await setup();
    const result = await t.mp(
      addServiceAccount('team', '--region', 'us', '--project', '3713224', '--secret-stdin'),
      { stdin: '  s3cret-sa \n' },
    );
    expect(result).toMatchObject({
      code: 0,
      stdout: "Added account 'team' (service_account, us)\n(promoted to active)\n",
    });
    expect(statSync(t.config).mode & 0o777).toBe(0o600);
    expect(readFileSync(t.config, 'utf8')).toContain('secret = "s3cret-sa"');
  });

  it('takes MP_SECRET and MP_PROJECT_ID; stores MP_OAUTH_TOKEN inline or a --token-env name', async () => {
    const t = await setup();
    const sa = await t.mp(addServiceAccount('sa', '--region', 'us'), {
      env: { MP_SECRET: 's3cret-sa', MP_PROJECT_ID: '3713224' },
    });
    expect(sa.code).toBe(0);
    const token = await t.mp(
      ['account', 'add', 'tok', '--type', 'oauth_token', '--region', 'us', '--project', '3713224'],
      { env: { MP_OAUTH_TOKEN: 'static-token-abc' } },
    );
    expect(token.stdout).toContain('stored inline');
    await t.mp([
      'account',
      'add',
      'ref',
      '--type',
      'oauth_token',
      '--region',
      'eu',
      '--token-env',
      'CI_TOKEN',
    ]);
    const config = readFileSync(t.config, 'utf8');
    expect(config).toContain(
      '[accounts.sa]\ntype = "service_account"\nregion = "us"\ndefault_project = "3713224"',
    );
    expect(config).toContain('token_env = "CI_TOKEN"');
  });

  it('probes the region when none is given and derives the name from /me', async () => {
    const t = await setup();
    const result = await t.mp(addServiceAccount(null, '--project', '3713224', '--secret-stdin'), {
      stdin: 's3cret-sa',
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Probing regions for /me access ...');
    expect(result.stderr).toContain('us: 200 ✓');
    expect(result.stdout).toContain("Added account 'acme-corp' (service_account, us)");
    const agents = t.mock.requests({ path: '/api/app/me' }).map((r) => r.headers['user-agent']);
    expect(agents.length).toBeGreaterThan(0);
    for (const agent of agents) expect(agent).toMatch(/\(entry=cli; node\//);
  });

  it.each([
    [['--type', 'robot'], "Invalid --type: 'robot'"],
    [['--type', 'oauth_browser', '--region', 'mars'], "Invalid --region: 'mars'"],
    [['--type', 'service_account', '--region', 'us'], '--username is required for service_account'],
    [
      ['--type', 'service_account', '--region', 'us', '--username', 'u'],
      'Set MP_SECRET or use --secret-stdin',
    ],
    [
      ['--type', 'oauth_token', '--region', 'us'],
      'Provide --token-env NAME or set MP_OAUTH_TOKEN.',
    ],
    [
      ['--type', 'oauth_token', '--token-env', 'UNSET_VAR'],
      "--token-env 'UNSET_VAR' is unset; cannot probe region.",
    ],
    [['--type', 'oauth_browser'], 'NAME is required for oauth_browser'],
    [
      ['--type', 'service_account', '--region', 'us', '--username', 'u', '--token-env', 'X'],
      '--token-env does not apply to service_account',
    ],
  ])('refuses %j with exit 3 and writes nothing', async (args, message) => {
    const t = await setup();
    const name = args.includes('oauth_browser') && !args.includes('--region') ? [] : ['x'];
    const result = await t.mp(['account', 'add', ...name, ...args]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(message);
    expect(existsSync(t.config)).toBe(false);
  });

  it('an empty or oversized piped secret is exit 3', async () => {
    const t = await setup();
    const base = [
      'account',
      'add',
      'x',
      '--type',
      'service_account',
      '--username',
      'u',
      '--region',
      'us',
      '--secret-stdin',
    ];
    expect((await t.mp(base, { stdin: '   \n' })).stderr).toContain('Secret is empty');
    const big = await t.mp(base, { stdin: 'a'.repeat(70_000) });
    expect(big.code).toBe(3);
    expect(big.stderr).toContain('stdin payload exceeds 65536 bytes; refusing to truncate.');
  });

  it('a duplicate is a configuration error (exit 1) and a probe failure is E-1 (exit 2)', async () => {
    const t = await setup();
    await t.withTeam();
    const duplicate = await t.mp([
      'account',
      'add',
      'team',
      '--type',
      'oauth_browser',
      '--region',
      'us',
    ]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain("Configuration error: Account 'team' already exists.\n");
    const probe = await t.mp(
      [
        'account',
        'add',
        'y',
        '--type',
        'service_account',
        '--username',
        'nobody',
        '--secret-stdin',
      ],
      { stdin: 'wrong' },
    );
    expect(probe.code).toBe(2);
    expect(probe.stderr).toContain('ERROR: Credential not valid in any region.');
    expect(probe.stderr).toContain('  us: 401');
    expect(probe.stderr).toContain('pass --region {us|eu|in}');
  });

  it('a probe that never reaches any region is the network variant of E-1 (exit 2)', async () => {
    const t = await setup();
    const result = await t.mp(
      ['account', 'add', 'y', '--type', 'service_account', '--username', 'u', '--secret-stdin'],
      { stdin: 'pw', env: { MP_BASE_URL: `http://127.0.0.1:${await closedPort()}` } },
    );
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n');
    const error = lines.findIndex((line) => line.startsWith('ERROR: '));
    expect(lines[error]).toBe(
      'ERROR: Could not reach any Mixpanel region — every probe failed at the network layer (DNS, TLS, or connect refused).',
    );
    expect(lines.slice(error)).toContainEqual(
      expect.stringMatching(
        /^ {2}us: 0 \(network error: TypeError: ECONNREFUSED \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)\)$/,
      ),
    );
    expect(lines).toContain('Check your network connection or proxy settings, then retry.');
    expect(existsSync(t.config)).toBe(false);
  });

  it('--secret VALUE does not exist (usage error, nothing written)', async () => {
    const t = await setup();
    const result = await t.mp([
      'account',
      'add',
      'x',
      '--type',
      'service_account',
      '--username',
      'u',
      '--region',
      'us',
      '--secret',
      'oops',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No such option: --secret');
    expect(existsSync(t.config)).toBe(false);
  });
});

describe('mp account update / remove / use / show', () => {
  it('update lists only what changed; errors exit 1 or 3', async () => {
    const t = await setup();
    await t.withTeam();
    expect(
      (await t.mp(['account', 'update', 'team', '--region', 'eu', '--project', '3018488'])).stdout,
    ).toBe("Updated account 'team' (region=eu, default_project=3018488)\n");
    expect((await t.mp(['account', 'update', 'team'])).stdout).toBe(
      "Updated account 'team' (no changes)\n",
    );
    expect((await t.mp(['account', 'update', 'team', '--region', 'xx'])).code).toBe(3);
    expect((await t.mp(['account', 'update', 'ghost', '--region', 'eu'])).code).toBe(1);
    const wrong = await t.mp(['account', 'update', 'team', '--token-env', 'X']);
    expect(wrong).toMatchObject({ code: 1 });
    expect(wrong.stderr).toContain(
      "only apply to oauth_token (account 'team' is 'service_account')",
    );
    const before = readFileSync(t.config);
    expect((await t.mp(['account', 'update', 'team', '--secret-stdin'], { stdin: '' })).code).toBe(
      3,
    );
    expect(readFileSync(t.config).equals(before)).toBe(true);
  });

  it('update refuses flags of two account types, or a project set and cleared (exit 3)', async () => {
    const t = await setup();
    await t.withTeam();
    const before = readFileSync(t.config);
    const mixed = await t.mp(['account', 'update', 'team', '--username', 'u', '--token-env', 'X']);
    expect(mixed).toMatchObject({ code: 3 });
    expect(mixed.stderr).toContain('--username and --token-env belong to different account types');
    const both = await t.mp(['account', 'update', 'team', '--project', '5', '--clear-project']);
    expect(both).toMatchObject({ code: 3 });
    expect(both.stderr).toContain('--project and --clear-project are mutually exclusive.');
    expect(readFileSync(t.config).equals(before)).toBe(true);
  });

  it('remove refuses an account used by targets without --force, then reports orphans', async () => {
    const t = await setup();
    await t.withTeam();
    await t.mp(['target', 'add', 'ecom', '--account', 'team', '--project', '3018488']);
    const refused = await t.mp(['account', 'remove', 'team', '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "Account 'team' is referenced by target(s): 'ecom'. Pass `--force` to remove anyway.",
    );
    const forced = await t.mp(['account', 'remove', 'team', '--force', '--yes']);
    expect(forced).toMatchObject({
      code: 0,
      stdout: "Removed account 'team'\nOrphaned targets: ecom\n",
    });
    expect((await t.mp(['account', 'remove', 'team', '--yes'])).code).toBe(1);
  });

  it('use and show', async () => {
    const t = await setup();
    await t.withTeam();
    await t.mp(['account', 'add', 'me', '--type', 'oauth_browser', '--region', 'eu']);
    expect((await t.mp(['account', 'use', 'me'])).stdout).toBe('Active account: me\n');
    expect((await t.mp(['account', 'use', 'ghost'])).stderr).toContain(
      "Configuration error: Cannot set active account: 'ghost' is not configured.\n",
    );
    expect(JSON.parse((await t.mp(['account', 'show', '-f', 'json'])).stdout)).toMatchObject({
      name: 'me',
      is_active: true,
    });
    expect((await t.mp(['account', 'show', 'team'])).stdout).toMatch(
      /^NAME +TYPE +REGION +ACTIVE\nteam +service_account +us\n$/,
    );
  });
});

describe('argument checks (docs/cli.md#mp-account-add)', () => {
  it('a missing --type is a usage error (exit 2), not an empty type', async () => {
    const t = await setup();
    const result = await t.mp(['account', 'add', 'x']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain("Usage error: Missing option '--type'.");
    expect(existsSync(t.config)).toBe(false);
  });

  it('update reads --secret-stdin before checking anything else', async () => {
    const t = await setup();
    await t.withTeam();
    const result = await t.mp(['account', 'update', 'team', '--secret-stdin', '--region', 'zz'], {
      stdin: '',
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('Secret is empty');
  });

  it('credentials rejected while deriving a name are named as such, not by an internal name', async () => {
    const t = await setup();
    const result = await t.mp(
      ['account', 'add', '--type', 'service_account', '--username', 'team-sa', '--region', 'us'],
      { env: { MP_SECRET: 'wrong' } },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Mixpanel rejected these credentials (401).');
    expect(result.stderr).not.toContain('add-probe');
  });

  it('workspace show exits 0 even when config.toml is broken', async () => {
    const t = await setup();
    await t.withTeam();
    writeFileSync(t.config, '[active]\nworkspace = "abc"\n', { mode: 0o600 });
    expect(await t.mp(['workspace', 'show'])).toMatchObject({
      code: 0,
      stdout: '(workspace will be auto-resolved on first use)\n',
    });
  });
});

describe('names and places that look like something else', () => {
  it('`__proto__` is a missing account until one is added under that name, then a normal one', async () => {
    const t = await setup();
    await t.withTeam();
    const before = readFileSync(t.config, 'utf8');
    expect(await t.mp(['account', 'use', '__proto__'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("Cannot set active account: '__proto__' is not configured."),
    });
    expect((await t.mp(['account', 'remove', '__proto__', '--yes'])).code).not.toBe(0);
    expect((await t.mp(['target', 'add', 'x', '-a', '__proto__', '-p', '1'])).code).not.toBe(0);
    expect(readFileSync(t.config, 'utf8')).toBe(before);
    await t.mp(['account', 'add', '__proto__', '--type', 'oauth_browser', '--region', 'us']);
    expect((await t.mp(['account', 'use', '__proto__'])).stdout).toBe(
      'Active account: __proto__\n',
    );
  });

  it('a symlinked ~/.mp is refused before anything is written through it', async () => {
    const t = await setup();
    const elsewhere = mkdtempSync(join(tmpdir(), 'mp-elsewhere-'));
    try {
      chmodSync(elsewhere, 0o755);
      symlinkSync(elsewhere, join(t.home, '.mp'));
      for (const args of [
        ['account', 'add', 'me', '--type', 'oauth_browser', '--region', 'us'],
        ['account', 'list'],
      ]) {
        const result = await t.mp(args);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(`under symlinked directory ${join(t.home, '.mp')}`);
        expect(result.stderr).toContain('Replace the linked directory with a real one');
      }
      expect(readdirSync(elsewhere)).toEqual([]);
      expect(statSync(elsewhere).mode & 0o777).toBe(0o755); // not tightened through the link
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('mp account test / token / logout', () => {
  it('test prints the JSON result and exits 0, 2 or 4', async () => {
    const t = await setup();
    await t.withTeam();
    const ok = await t.mp(['account', 'test']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      account_name: 'team',
      ok: true,
      user: { id: 42, email: 'alice@example.com' },
      accessible_project_count: 2,
    });
    const missing = await t.mp(['account', 'test', 'ghost']);
    expect(missing.code).toBe(4);
    expect(JSON.parse(missing.stdout)).toMatchObject({
      ok: false,
      error: "Account 'ghost' not found.",
    });
    await t.mp(['account', 'update', 'team', '--secret-stdin'], { stdin: 'wrong-secret-9' });
    const denied = await t.mp(['account', 'test', 'team']);
    expect(denied.code).toBe(2);
    expect(JSON.parse(denied.stdout)).toMatchObject({ ok: false, error_code: 'AUTH_FAILED' });
    expect(denied.stdout + denied.stderr).not.toContain('wrong-secret-9');
  });

  it('token: N/A for a service account, the static token otherwise; logout always confirms', async () => {
    const t = await setup();
    await t.withTeam();
    expect((await t.mp(['account', 'token'])).stdout).toBe('N/A\n');
    await t.mp([
      'account',
      'add',
      'tok',
      '--type',
      'oauth_token',
      '--region',
      'us',
      '--token-env',
      'MY_TOK',
    ]);
    expect(
      (await t.mp(['account', 'token', 'tok'], { env: { MY_TOK: 'static-token-abc' } })).stdout,
    ).toBe('static-token-abc\n');
    const unset = await t.mp(['account', 'token', 'tok']);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('OAuth error:');
    expect(unset.stderr).toContain('  Code: OAUTH_TOKEN_ERROR');
    expect((await t.mp(['account', 'logout', 'team', '--yes'])).stdout).toBe(
      "Removed tokens for 'team'\n",
    );
    expect((await t.mp(['account', 'logout', 'ghost'])).code).toBe(1);
  });
});

describe('mp account login', () => {
  it('on a service account is a configuration error (exit 1) that names the type, and writes nothing', async () => {
    const t = await setup();
    await t.withTeam();
    const before = readFileSync(t.config);
    const result = await t.mp(['account', 'login', 'team']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "Configuration error: `mp account login` is only valid for oauth_browser accounts; 'team' is type 'service_account'.\n",
    );
    expect(readFileSync(t.config).equals(before)).toBe(true);
  });
});

describe('bridge export and removal', () => {
  it('exports with pins, prints only the path and the account, and removes again', async () => {
    const t = await setup();
    await t.withTeam();
    const to = join(t.home, 'out', 'auth.json');
    const result = await t.mp([
      'account',
      'export-bridge',
      '--to',
      to,
      '--project',
      '3018488',
      '--workspace',
      '3448420',
    ]);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toBe(`Wrote bridge file to ${to}\nAccount: team (service_account, us)\n`);
    expect(statSync(to).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(to, 'utf8'))).toMatchObject({
      version: 2,
      project: '3018488',
      workspace: 3448420,
    });
    expect((await t.mp(['account', 'export-bridge', '--to', to, '--project', 'abc'])).code).toBe(3);
    expect((await t.mp(['account', 'export-bridge', '--to', to, '--account', 'ghost'])).code).toBe(
      1,
    );
    expect((await t.mp(['account', 'remove-bridge', '--at', to])).stdout).toBe(
      'Removed bridge file.\n',
    );
    expect((await t.mp(['account', 'remove-bridge', '--at', to])).stdout).toBe(
      'No bridge file to remove.\n',
    );
  });

  it('a browser account without tokens cannot be exported (exit 2); the default destination gets a notice', async () => {
    const t = await setup();
    await t.mp(['account', 'add', 'me', '--type', 'oauth_browser', '--region', 'us']);
    expect((await t.mp(['account', 'export-bridge'])).code).toBe(2);
    await t.withTeam();
    const local = await t.mp(['account', 'export-bridge', '--account', 'team']);
    expect(local.stderr).toContain('is a default bridge location on this machine');
    expect(existsSync(join(t.home, 'mixpanel_auth.json'))).toBe(true);
  });
});
