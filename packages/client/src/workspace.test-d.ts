import type { UseOptions } from '@mixpanel-data/auth-core';
import { describe, expectTypeOf, it } from 'vitest';
import { type UseSwitch, Workspace, type WorkspaceOptions } from './workspace';

declare const ws: Workspace;
declare const maybeTarget: string | undefined;
declare const maybeAccount: string | undefined;

describe('Workspace.use', () => {
  it('takes a target alone, or any of account, project and workspace', () => {
    expectTypeOf(ws.use({ target: 'prod' })).toEqualTypeOf<Workspace>();
    ws.use({ target: 'prod', persist: true });
    ws.use({ account: 'ops', project: '5', workspace: 7, persist: true });
    ws.use({ project: '5' });
    ws.use({});
    ws.use();
    expectTypeOf<UseSwitch>().toExtend<UseOptions>();
  });

  it('does not compile a target with an account, project or workspace', () => {
    // @ts-expect-error target with project
    ws.use({ target: 'prod', project: '5' });
    // @ts-expect-error target with account
    ws.use({ target: 'prod', account: 'ops', persist: true });
    // @ts-expect-error target with workspace
    ws.use({ target: 'prod', workspace: 7 });
    // @ts-expect-error values that may both be set must be narrowed first
    ws.use({ target: maybeTarget, account: maybeAccount });
  });
});

describe('new Workspace', () => {
  it('takes a target alone, or any of account, project and workspace', () => {
    expectTypeOf(new Workspace({ target: 'prod', env: {} })).toEqualTypeOf<Workspace>();
    new Workspace({ account: 'ops', project: '5', workspace: 7, fallbackProject: '0' });
    new Workspace();
    expectTypeOf<WorkspaceOptions>().toExtend<UseOptions>();
  });

  it('does not compile a target with an account, project or workspace', () => {
    // @ts-expect-error target with account
    new Workspace({ target: 'prod', account: 'ops' });
    // @ts-expect-error target with project
    new Workspace({ target: 'prod', project: '5', env: {} });
    // @ts-expect-error target with workspace
    new Workspace({ target: 'prod', workspace: 7 });
  });
});
