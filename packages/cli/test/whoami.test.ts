/** `mp whoami` (docs/cli.md#mp-whoami): who `mp` acts as, and whether the credentials work. */
import { describe, expect, it } from 'vitest';
import { setup } from './helpers';

/** stderr without the test setup's MP_BASE_URL note. */
const stderrOf = (text: string) => text.replace(/^note: MP_BASE_URL is set.*\n/, '');
const ME = { path: '/api/app/me' };

describe('mp whoami', () => {
  it('nothing configured: exit 1 with the resolver error; with -q nothing at all', async () => {
    const t = await setup();
    const result = await t.mp(['whoami']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(stderrOf(result.stderr)).toMatch(/^Configuration error: /);
    const quiet = await t.mp(['-q', 'whoami']);
    expect(quiet).toMatchObject({ code: 1, stdout: '' });
    expect(stderrOf(quiet.stderr)).toBe('');
    expect(t.mock.countRequests(ME)).toBe(0);
  });

  it('a working service account: exit 0, account, project, workspace and user (text and json)', async () => {
    const t = await setup();
    await t.withTeam();
    const text = await t.mp(['whoami']);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      [
        'Account:   team (service_account, us)',
        'Project:   AI Demo (3713224)',
        'Workspace: auto-resolved on first workspace-scoped call',
        'User:      alice@example.com',
        '',
      ].join('\n'),
    );
    // The first call asked /me; the second counts the fresh cache as the check.
    expect(t.mock.countRequests(ME)).toBe(1);
    expect((await t.mp(['workspace', 'use', '3448414'])).code).toBe(0);
    const json = await t.mp(['whoami', '-f', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      account: { name: 'team', type: 'service_account', region: 'us' },
      project: { id: '3713224', name: 'AI Demo' },
      workspace: { id: 3448414, name: 'Staging' },
      user: { email: 'alice@example.com' },
      checked: 'cache',
    });
    expect(t.mock.countRequests(ME)).toBe(1);
  });

  it('--refresh asks Mixpanel even with a fresh cache', async () => {
    const t = await setup();
    await t.withTeam();
    expect((await t.mp(['whoami'])).code).toBe(0);
    expect(t.mock.countRequests(ME)).toBe(1);
    const refreshed = await t.mp(['whoami', '--refresh', '-f', 'json']);
    expect(refreshed.code).toBe(0);
    expect(JSON.parse(refreshed.stdout).checked).toBe('me');
    expect(t.mock.countRequests(ME)).toBe(2);
  });

  it('a wrong secret (401 from /me): exit 2 with an authentication error; -q prints nothing', async () => {
    const t = await setup();
    await t.withTeam('wrong', 'not-the-secret');
    const result = await t.mp(['whoami']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(stderrOf(result.stderr)).toMatch(/^Authentication error: /);
    expect(result.stderr).not.toContain('not-the-secret');
    const quiet = await t.mp(['-q', 'whoami']);
    expect(quiet).toMatchObject({ code: 2, stdout: '' });
    expect(stderrOf(quiet.stderr)).toBe('');
  });

  it('-q with working credentials: exit 0, nothing printed', async () => {
    const t = await setup();
    await t.withTeam();
    const quiet = await t.mp(['-q', 'whoami']);
    expect(quiet).toMatchObject({ code: 0, stdout: '' });
    expect(stderrOf(quiet.stderr)).toBe('');
    expect(t.mock.countRequests(ME)).toBe(1);
  });

  it('a fresh cache counts as the check; --refresh finds a secret changed since (exit 2)', async () => {
    const t = await setup();
    await t.withTeam();
    expect((await t.mp(['whoami'])).code).toBe(0);
    const updated = await t.mp(['account', 'update', 'team', '--secret-stdin'], {
      stdin: 'not-the-secret\n',
    });
    expect(updated.code).toBe(0);
    expect((await t.mp(['whoami'])).code).toBe(0);
    expect(t.mock.countRequests(ME)).toBe(1);
    const refreshed = await t.mp(['whoami', '--refresh']);
    expect(refreshed.code).toBe(2);
    expect(stderrOf(refreshed.stderr)).toMatch(/^Authentication error: /);
    expect(t.mock.countRequests(ME)).toBe(2);
  });

  it('honours -a; a browser account without tokens is exit 2 before any request', async () => {
    const t = await setup();
    await t.withTeam();
    const added = await t.mp([
      'account',
      'add',
      'web',
      '--type',
      'oauth_browser',
      '--region',
      'eu',
      '--project',
      '3713224',
    ]);
    expect(added.code).toBe(0);
    const result = await t.mp(['-a', 'web', 'whoami']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(stderrOf(result.stderr)).toMatch(/^OAuth error: /);
    expect(t.mock.countRequests(ME)).toBe(0);
    // The active account is still `team`.
    expect((await t.mp(['whoami'])).stdout).toContain('Account:   team (service_account, us)');
  });
});
