import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OAuthBrowserAccount, OAuthTokenAccount, ServiceAccount } from './account';
import { ValidationError } from './errors';
import { Project, Session, WorkspaceRef } from './model';

const team = new ServiceAccount({
  name: 'team',
  region: 'eu',
  username: 'u',
  secret: 'top-secret-1',
});
const me = new OAuthBrowserAccount({ name: 'me', region: 'us' });
const p1 = new Project({ id: '1' });
const p2 = new Project({ id: '2', name: 'Two', organizationId: 9, timezone: 'US/Pacific' });
const w7 = new WorkspaceRef({ id: 7 });

describe('Project and WorkspaceRef', () => {
  it('keeps digit ids verbatim and rejects others', () => {
    expect(new Project({ id: '007' }).id).toBe('007');
    for (const id of ['', '-1', 'x', '1e3'])
      expect(() => new Project({ id })).toThrow(ValidationError);
    expect(() => new Project({ id: 5 as never })).toThrow(/Invalid project ID/);
  });

  it('fills only what it was given', () => {
    expect(p1.toJSON()).toEqual({ id: '1', name: null, organization_id: null, timezone: null });
    expect(p2.toJSON()).toEqual({
      id: '2',
      name: 'Two',
      organization_id: 9,
      timezone: 'US/Pacific',
    });
  });

  it('requires a positive safe integer workspace id', () => {
    for (const id of [0, -1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => new WorkspaceRef({ id })).toThrow('Must be > 0.');
    }
    expect(new WorkspaceRef({ id: 3, projectId: '1', isDefault: true }).toJSON()).toEqual({
      id: 3,
      name: null,
      is_default: true,
      project_id: '1',
    });
  });

  it('is frozen', () => {
    expect(Object.isFrozen(p1) && Object.isFrozen(w7)).toBe(true);
    expect(() => {
      (p1 as { id: string }).id = '2';
    }).toThrow(TypeError);
  });
});

describe('field types', () => {
  it.each([
    [() => new Project({ id: '1', name: 42 as never }), 'Project.name must be a string or null.'],
    [
      () => new Project({ id: '1', organizationId: 'abc' as never }),
      'Project.organizationId must be an integer or null.',
    ],
    [
      () => new Project({ id: '1', timezone: 5 as never }),
      'Project.timezone must be a string or null.',
    ],
    [
      () => new WorkspaceRef({ id: 1, isDefault: 'yes' as never }),
      'WorkspaceRef.isDefault must be a boolean or null.',
    ],
    [
      () => new WorkspaceRef({ id: 1, name: 5 as never }),
      'WorkspaceRef.name must be a string or null.',
    ],
  ])('rejects a wrongly typed optional field (%#)', (build, message) => {
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(message);
  });

  it.each([
    [{}, 'Session.account must be an Account.'],
    [{ account: team }, 'Session.project must be a Project.'],
    [{ account: { name: 'x' }, project: p1 }, 'Session.account must be an Account.'],
    [{ account: team, project: { id: 'abc' } }, 'Session.project must be a Project.'],
    [
      { account: team, project: p1, workspace: { id: -5 } },
      'Session.workspace must be a WorkspaceRef or null.',
    ],
  ])(
    'a Session without a valid account, project or workspace is a ValidationError (%#)',
    (init, message) => {
      expect(() => new Session(init as never)).toThrow(ValidationError);
      expect(() => new Session(init as never)).toThrow(message);
    },
  );
});

describe('Session', () => {
  it('defaults workspace to null and headers to {}', () => {
    const session = new Session({ account: team, project: p1 });
    expect(session.workspace).toBeNull();
    expect(session.headers).toEqual({});
    expect(session.projectId).toBe('1');
    expect(session.workspaceId).toBeNull();
    expect(session.region).toBe('eu');
    expect(session.accountName).toBe('team');
  });

  it('copies and freezes headers', () => {
    const headers: Record<string, string> = { 'X-A': '1' };
    const session = new Session({ account: team, project: p1, headers });
    headers['X-A'] = 'changed';
    headers['X-B'] = 'new';
    expect(session.headers).toEqual({ 'X-A': '1' });
    expect(() => {
      (session.headers as Record<string, string>)['X-C'] = 'y';
    }).toThrow(TypeError);
  });

  it('is frozen', () => {
    const session = new Session({ account: team, project: p1 });
    expect(() => {
      (session as { project: Project }).project = p2;
    }).toThrow(TypeError);
  });

  it('cross-checks a workspace that knows its project', () => {
    expect(
      () =>
        new Session({
          account: team,
          project: p1,
          workspace: new WorkspaceRef({ id: 5, projectId: '2' }),
        }),
    ).toThrow(
      "Workspace 5 belongs to project 2, not to the session's project 1. Re-resolve the workspace under project 1.",
    );
    expect(
      new Session({
        account: team,
        project: p1,
        workspace: new WorkspaceRef({ id: 5, projectId: '1' }),
      }).workspaceId,
    ).toBe(5);
    expect(new Session({ account: team, project: p1, workspace: w7 }).workspaceId).toBe(7);
  });

  describe('replace', () => {
    const base = new Session({
      account: team,
      project: p1,
      workspace: w7,
      headers: { 'X-A': '1' },
    });

    it('swapping account keeps project and workspace (same objects)', () => {
      const next = base.replace({ account: me });
      expect(next.account).toBe(me);
      expect(next.project).toBe(p1);
      expect(next.workspace).toBe(w7);
      expect(base.account).toBe(team);
    });

    it('an untouched headers map keeps its identity; a given one is copied and frozen', () => {
      expect(base.replace({ project: p2 }).headers).toBe(base.headers);
      const given = { 'X-B': '2' };
      const next = base.replace({ headers: given });
      expect(next.headers).not.toBe(given);
      expect(next.headers).toEqual(given);
      expect(Object.isFrozen(next.headers)).toBe(true);
    });

    it('swapping project keeps account and workspace', () => {
      const next = base.replace({ project: p2 });
      expect(next.project).toBe(p2);
      expect(next.account).toBe(team);
      expect(next.workspace).toBe(w7);
    });

    it('distinguishes clear, keep and set for the workspace', () => {
      const cleared = base.replace({ workspace: null });
      const kept = base.replace({});
      const keptUndefined = base.replace({ workspace: undefined });
      const set = base.replace({ workspace: new WorkspaceRef({ id: 9 }) });
      expect([
        cleared.workspaceId,
        kept.workspaceId,
        keptUndefined.workspaceId,
        set.workspaceId,
      ]).toEqual([null, 7, 7, 9]);
    });

    it('clears headers with {} and keeps them when absent', () => {
      expect(base.replace({ headers: {} }).headers).toEqual({});
      expect(base.replace({ project: p2 }).headers).toEqual({ 'X-A': '1' });
      expect(Object.isFrozen(base.replace({ headers: { 'X-B': '2' } }).headers)).toBe(true);
    });

    it('always returns a new, equal-but-distinct Session for an empty patch', () => {
      const copy = base.replace();
      expect(copy).not.toBe(base);
      expect(copy.equals(base)).toBe(true);
    });

    it('re-runs the cross-check (a deliberate fix over the reference)', () => {
      expect(() =>
        base.replace({ workspace: new WorkspaceRef({ id: 3, projectId: '2' }) }),
      ).toThrow(ValidationError);
    });
  });

  it('compares structurally, secrets by value', () => {
    const a = new Session({ account: team, project: p1, headers: { B: '2', A: '1' } });
    const b = new Session({
      account: new ServiceAccount({
        name: 'team',
        region: 'eu',
        username: 'u',
        secret: 'top-secret-1',
      }),
      project: new Project({ id: '1' }),
      headers: { A: '1', B: '2' },
    });
    expect(a.equals(b)).toBe(true);
    expect(a.equals(a.replace({ project: p2 }))).toBe(false);
    expect(
      a.equals(
        a.replace({
          account: new ServiceAccount({
            name: 'team',
            region: 'eu',
            username: 'u',
            secret: 'other',
          }),
        }),
      ),
    ).toBe(false);
  });

  it('serialises to plain objects without secrets', () => {
    const session = new Session({ account: team, project: p1, workspace: w7, headers: { X: 'y' } });
    const json = JSON.parse(JSON.stringify(session));
    expect(json).toEqual({
      account: {
        type: 'service_account',
        name: 'team',
        region: 'eu',
        username: 'u',
        secret: '**********',
      },
      project: { id: '1', name: null, organization_id: null, timezone: null },
      workspace: { id: 7, name: null, is_default: null, project_id: null },
      headers: { X: 'y' },
    });
    const token = new OAuthTokenAccount({ name: 'ci', region: 'us', token: 'tok-secret-2' });
    const printed = [
      inspect(session, { depth: 9 }),
      inspect(session.replace({ account: token }), { depth: 9 }),
    ].join();
    expect(printed).not.toMatch(/top-secret-1|tok-secret-2/);
  });

  it('builds auth headers through the account', async () => {
    const session = new Session({ account: team, project: p1 });
    expect(await session.authHeader()).toMatch(/^Basic /);
  });
});
