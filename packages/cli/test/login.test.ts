/** `mp account login` and `mp login` through the real PKCE flow against the mock (docs/cli.md#mp-account-login, docs/testkit.md#query-routes). */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultFixture, redirectFor, simulateBrowser } from '@mixpanel-data/testkit';
import { describe, expect, it } from 'vitest';
import { MOCK_BROWSER, setup } from './helpers';

const browser = { BROWSER: MOCK_BROWSER };

describe('mp account export-bridge of a logged-in browser account', () => {
  it('says the tokens are included and when the access token expires, never the token', async () => {
    const t = await setup();
    await t.mp(['account', 'add', 'personal', '--type', 'oauth_browser', '--region', 'us']);
    expect((await t.mp(['account', 'login', 'personal'], { env: browser })).code).toBe(0);
    const to = join(t.home, 'auth.json');
    const result = await t.mp(['account', 'export-bridge', '--account', 'personal', '--to', to]);
    expect(result.code).toBe(0);
    const { tokens } = JSON.parse(readFileSync(to, 'utf8'));
    expect(result.stdout).toBe(
      `Wrote bridge file to ${to}\nAccount: personal (oauth_browser, us) · tokens: included (access token expires ${tokens.expires_at})\n`,
    );
    expect(result.stdout).not.toContain(tokens.access_token);
  });
});

describe('mp account login', () => {
  it('opens the browser ($BROWSER), writes tokens.json 0600, backfills the project and prints the result', async () => {
    const t = await setup();
    await t.mp(['account', 'add', 'personal', '--type', 'oauth_browser', '--region', 'us']);
    const result = await t.mp(['account', 'login', 'personal'], { env: browser });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({
      account_name: 'personal',
      user: { id: 42, email: 'alice@example.com' },
    });
    expect(json.tokens_path).toBe(join(t.home, '.mp', 'accounts', 'personal', 'tokens.json'));
    expect(statSync(json.tokens_path).mode & 0o777).toBe(0o600);
    expect(readFileSync(t.config, 'utf8')).toContain('default_project = "3018488"');
    expect(t.mock.countRequests({ path: '/oauth/mcp/register/' })).toBe(1);
    const again = await t.mp(['account', 'login', 'personal'], { env: browser });
    expect(again.code).toBe(0);
    expect(t.mock.countRequests({ path: '/oauth/mcp/register/' })).toBe(1);
    expect(JSON.parse((await t.mp(['account', 'test', 'personal'])).stdout).ok).toBe(true);
  });

  it('--no-browser: the URL goes to stderr after "Open this URL in your browser", whole, and the callback completes it', async () => {
    const t = await setup();
    await t.mp(['account', 'add', 'personal', '--type', 'oauth_browser', '--region', 'us']);
    let followed = false;
    const result = await t.mp(['account', 'login', 'personal', '--no-browser'], {
      onStderr: (text) => {
        const match = /Open this URL in your browser[^\n]*\n\n {2}(\S+)\n/.exec(text);
        if (match && !followed) {
          followed = true;
          void simulateBrowser(match[1]!);
        }
      },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /\n {2}http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\/\?response_type=code&client_id=[^\s]+&code_challenge_method=S256\n/,
    );
    expect(JSON.parse(result.stdout).account_name).toBe('personal');
  });

  it("refuses callbacks without the login's state (400), prints nothing of them, and completes with the real one", async () => {
    const t = await setup();
    await t.mp(['account', 'add', 'personal', '--type', 'oauth_browser', '--region', 'us']);
    const hostile: number[] = [];
    let playing: Promise<unknown> | undefined;
    const result = await t.mp(['account', 'login', 'personal', '--no-browser'], {
      onStderr: (text, child) => {
        const url = /Open this URL in your browser[^\n]*\n\n {2}(\S+)\n/.exec(text)?.[1];
        const callback = /reach http:\/\/localhost:(\d+)\/callback/.exec(text)?.[1];
        if (!url || !callback || playing) return;
        const base = `http://127.0.0.1:${callback}/callback`;
        playing = (async () => {
          for (const query of [
            '?error=x&error_description=%1B%5D0%3BPWNED%07',
            '?error=x&error_description=%1B%5D0%3BPWNED%07&state=wrong',
            '?code=forged&state=wrong',
          ]) {
            hostile.push((await fetch(`${base}${query}`)).status);
          }
          await simulateBrowser(url);
        })().catch((error: unknown) => {
          child.kill();
          return error;
        });
      },
    });
    expect(await playing).toBeUndefined();
    expect(hostile).toEqual([400, 400, 400]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).account_name).toBe('personal');
    const printed = result.stdout + result.stderr;
    expect(printed).not.toContain('\x1b');
    expect(printed).not.toContain('PWNED');
    expect(t.mock.requests({ path: '/oauth/token/' })).toHaveLength(1);
  });

  it('--no-browser: a pasted redirect on stdin completes it, after one bad paste', async () => {
    const t = await setup();
    await t.mp(['account', 'add', 'personal', '--type', 'oauth_browser', '--region', 'us']);
    const { spawn } = await import('node:child_process');
    const { MP } = await import('./helpers');
    const child = spawn(process.execPath, [MP, 'account', 'login', 'personal', '--no-browser'], {
      env: { PATH: process.env.PATH ?? '', ...t.env },
    });
    let stderr = '';
    let stdout = '';
    let answered = false;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const pasted = new Promise<void>((resolve) => {
      child.stderr.on('data', async (chunk) => {
        stderr += chunk;
        const match = /\n {2}(http\S+)\n/.exec(stderr);
        if (match && !answered) {
          answered = true;
          child.stdin.write('code=nope&state=nope\n');
          child.stdin.write(`${await redirectFor(match[1]!)}\n`);
          resolve();
        }
      });
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    await pasted;
    expect(code).toBe(0);
    expect(stderr.match(/^error: /gm)).toHaveLength(1);
    expect(JSON.parse(stdout).account_name).toBe('personal');
  });

  it('a denied authorization exits 2 with the OAuth code; a non-browser account exits 1', async () => {
    const t = await setup({ config: { approval: 'deny' } });
    await t.mp(['account', 'add', 'personal', '--type', 'oauth_browser', '--region', 'us']);
    const denied = await t.mp(['account', 'login', 'personal'], { env: browser });
    expect(denied.code).toBe(2);
    expect(denied.stderr).toContain('  Code: OAUTH_AUTH_DENIED');
    expect(existsSync(join(t.home, '.mp', 'accounts', 'personal', 'tokens.json'))).toBe(false);
    await t.withTeam();
    const wrong = await t.mp(['account', 'login', 'team']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(
      "is only valid for oauth_browser accounts; 'team' is type 'service_account'.",
    );
  });

  it('an EU project with US auth is E-2 (exit 1) and writes no tokens', async () => {
    const fixture = defaultFixture();
    for (const project of fixture.projects) project.domain = 'eu.mixpanel.com';
    const t = await setup({ fixture });
    await t.mp(['account', 'add', 'personal', '--type', 'oauth_browser', '--region', 'us']);
    const result = await t.mp(['account', 'login', 'personal'], { env: browser });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('mp login --region eu');
    expect(existsSync(join(t.home, '.mp', 'accounts', 'personal', 'tokens.json'))).toBe(false);
  });
});

describe('mp login', () => {
  it('a service account from the environment: one stdout line, the account active', async () => {
    const t = await setup({}, { MP_USERNAME: 'team-sa', MP_SECRET: 's3cret-sa' });
    const result = await t.mp(['login', '--region', 'us', '--project', '3713224']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Logged in as alice@example.com → acme-corp · AI Demo\n');
    expect(readFileSync(t.config, 'utf8')).toContain('[active]\naccount = "acme-corp"');
  });

  it('a new browser account with $BROWSER', async () => {
    const t = await setup();
    const result = await t.mp(['login', '--project', '3018488'], { env: browser });
    expect(result).toMatchObject({
      code: 0,
      stdout: 'Logged in as alice@example.com → acme-corp · E-Commerce\n',
    });
  });

  it.each(
    [
      [['--region', 'mars'], {}, 3, "ERROR: Invalid --region: 'mars' (use us / eu / in)."],
      [['-S', '--token-env', 'X'], {}, 3, 'mutually exclusive'],
      [
        ['--no-browser'],
        { MP_USERNAME: 'u', MP_SECRET: 's' },
        3,
        '--no-browser is only meaningful for the oauth_browser auth type.',
      ],
      [['--secret-stdin'], { MP_OAUTH_TOKEN: 't' }, 3, '--secret-stdin is only meaningful'],
      // Fails on the flags before reading stdin (which this test never closes).
      [['-S', '--no-browser', '--secret-stdin'], {}, 3, '--no-browser is only meaningful'],
      [
        ['--region', 'us', '--project', '999'],
        { MP_USERNAME: 'team-sa', MP_SECRET: 's3cret-sa' },
        4,
        'Project not found: 999',
      ],
      [
        ['--region', 'us'],
        { MP_USERNAME: 'team-sa', MP_SECRET: 's3cret-sa' },
        1,
        'Multiple projects accessible to this account',
      ],
      [
        ['--region', 'us'],
        { MP_USERNAME: 'team-sa', MP_SECRET: 's3cret-sa', MP_PROJECT_ID: '999' },
        1,
        'MP_PROJECT_ID=999 is not visible to this account.',
      ],
      [['--token-env', 'UNSET_VAR', '--region', 'us'], {}, 1, "Env var 'UNSET_VAR' is unset."],
      [
        ['-S', '--region', 'us'],
        { MP_USERNAME: 'nobody', MP_SECRET: 'x' },
        2,
        'Authentication error',
      ],
    ]
      // The title names the variables, never their values (a secret among them).
      .map((row) => {
        const [args, env, code, message] = row as [
          string[],
          Record<string, string>,
          number,
          string,
        ];
        return [args, Object.keys(env).join(' ') || 'none', code, env, message] as const;
      }),
  )('%j (env: %s) exits %i', async (args, _names, code, env, message) => {
    const t = await setup();
    const result = await t.mp(['login', ...args], { env });
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
  });
});
