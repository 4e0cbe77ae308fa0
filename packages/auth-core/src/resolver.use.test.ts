import { describe, expect, it } from 'vitest';
import { parseBridge } from './bridge';
import { ArgumentError, ConfigError } from './errors';
import { type ResolveSources, resolveSession, resolveUse } from './resolver';

const config = {
  active: { account: 'team', workspace: 77 },
  accounts: {
    team: {
      type: 'service_account',
      region: 'us',
      default_project: '100',
      username: 'u',
      secret: 's',
    },
    personal: { type: 'oauth_browser', region: 'eu', default_project: '200' },
    bare: { type: 'oauth_browser', region: 'us' },
  },
  targets: { ecom: { account: 'personal', project: '300', workspace: 3 } },
  settings: { custom_header: { name: 'X-A', value: '1' } },
};
const sources = (extra: Partial<ResolveSources> = {}): ResolveSources => ({ config, ...extra });
const start = (extra: Partial<ResolveSources> = {}) => resolveSession(sources(extra));

describe('resolveUse (docs/resolution.md#per-branch-rules)', () => {
  it('{} changes nothing', () => {
    const current = start();
    expect(resolveUse(current, {}, sources())).toBe(current);
  });

  it('an invalid MP_REGION fails every switch, as it fails every resolution (docs/resolution.md#environment-credentials)', () => {
    const current = start();
    const bad = sources({ env: { MP_REGION: 'xx' } });
    for (const options of [
      { account: 'personal' },
      { project: '5' },
      { workspace: 9 },
      { target: 'ecom' },
    ]) {
      expect(() => resolveUse(current, options, bad)).toThrow(ConfigError);
      expect(() => resolveUse(current, options, bad)).toThrow("MP_REGION='xx' is not one of");
    }
    expect(resolveUse(current, {}, bad)).toBe(current);
  });

  it('workspace only: set, everything else kept', () => {
    const next = resolveUse(start(), { workspace: 9 }, sources());
    expect([next.session.account.name, next.session.projectId, next.session.workspaceId]).toEqual([
      'team',
      '100',
      9,
    ]);
    expect(next.provenance.workspace).toEqual({ source: 'param', value: 9, shadowed: [] });
  });

  it('project only: exactly that project (env not consulted), workspace cleared unless given', () => {
    const env = { MP_PROJECT_ID: '999' };
    const cleared = resolveUse(start(), { project: '5' }, sources({ env }));
    expect([cleared.session.projectId, cleared.session.workspaceId]).toEqual(['5', null]);
    expect(
      resolveUse(start(), { project: '5', workspace: 4 }, sources({ env })).session.workspaceId,
    ).toBe(4);
    expect(cleared.session.account.name).toBe('team');
  });

  it('account: takes its default project, never the previous project or workspace', () => {
    const next = resolveUse(start(), { account: 'personal' }, sources());
    expect([next.session.account.name, next.session.projectId, next.session.workspaceId]).toEqual([
      'personal',
      '200',
      null,
    ]);
    expect(next.session.headers).toEqual({ 'X-A': '1' });
  });

  it('account: MP_PROJECT_ID and MP_WORKSPACE_ID are honoured; env credentials are not', () => {
    const env = {
      MP_PROJECT_ID: '7',
      MP_WORKSPACE_ID: '8',
      MP_USERNAME: 'x',
      MP_SECRET: 'y',
      MP_REGION: 'us',
    };
    const next = resolveUse(start(), { account: 'personal', project: '1' }, sources({ env }));
    expect([next.session.account.name, next.session.projectId, next.session.workspaceId]).toEqual([
      'personal',
      '7',
      8,
    ]);
    expect(
      resolveUse(start(), { account: 'personal', workspace: 2 }, sources({ env })).session
        .workspaceId,
    ).toBe(2);
  });

  it('account: the bridge project beats the new account default', () => {
    const bridge = parseBridge({
      account: { type: 'oauth_token', name: 'b', region: 'us', token: 't' },
      project: '555',
    });
    expect(
      resolveUse(start(), { account: 'personal' }, sources({ bridge })).session.projectId,
    ).toBe('555');
  });

  it('account: no project anywhere is the "no project" error naming the new account', () => {
    expect(() => resolveUse(start(), { account: 'bare' }, sources())).toThrow(
      "No project configured for account 'bare'.",
    );
    expect(() => resolveUse(start(), { account: 'ghost' }, sources())).toThrow(
      "Account 'ghost' not found.",
    );
  });

  it('target: a full resolution where env still beats the target', () => {
    const next = resolveUse(
      start(),
      { target: 'ecom' },
      sources({ env: { MP_PROJECT_ID: '42', MP_WORKSPACE_ID: '43' } }),
    );
    expect([next.session.account.name, next.session.projectId, next.session.workspaceId]).toEqual([
      'personal',
      '42',
      43,
    ]);
    expect(next.provenance.account.source).toBe('target');
  });

  it('refuses a target with an axis, an invalid id or workspace, before deciding anything', () => {
    // @ts-expect-error a target with an axis does not compile; JavaScript callers get the error
    expect(() => resolveUse(start(), { target: 'ecom', project: '1' }, sources())).toThrow(
      ArgumentError,
    );
    expect(() => resolveUse(start(), { project: 'abc' }, sources())).toThrow(ConfigError);
    expect(() => resolveUse(start(), { workspace: 0 }, sources())).toThrow(
      'Invalid workspace ID: 0. Must be > 0.',
    );
    expect(() =>
      resolveUse(start(), { account: 'personal' }, sources({ env: { MP_WORKSPACE_ID: 'x' } })),
    ).toThrow("MP_WORKSPACE_ID='x' is not a positive integer.");
  });

  it('a Session built by switching equals one built directly for the same inputs', () => {
    const switched = resolveUse(
      start(),
      { account: 'personal', project: '300', workspace: 3 },
      sources(),
    ).session;
    const direct = resolveSession(sources({ params: { target: 'ecom' } })).session;
    expect(switched.equals(direct)).toBe(true);
  });
});
