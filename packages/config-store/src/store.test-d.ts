import { describe, it } from 'vitest';
import type { ConfigStore } from './store';

declare const store: ConfigStore;

describe('useSession', () => {
  it('takes a target alone, or any of account, project and workspace', () => {
    store.useSession({ target: 'prod' });
    store.useSession({ account: 'ops', project: '5', workspace: 7 });
    // @ts-expect-error a target with an account
    store.useSession({ target: 'prod', account: 'ops' });
    // @ts-expect-error a target with a workspace
    store.useSession({ target: 'prod', workspace: 7 });
  });
});
