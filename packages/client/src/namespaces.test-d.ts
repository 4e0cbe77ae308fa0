import type { AccountSummary, Secret } from '@mixpanel-data/auth-core';
import { describe, expectTypeOf, it } from 'vitest';
import type { AddAccountFields, UpdateAccountFields } from './index';
import type { createAccounts, createSession } from './namespaces';

declare const accounts: ReturnType<typeof createAccounts>;
declare const session: ReturnType<typeof createSession>;
declare const secret: Secret;
declare const parsedRegion: string;

describe('accounts.add', () => {
  it('takes the fields of one account type', () => {
    expectTypeOf(
      accounts.add('ops', { type: 'service_account', region: 'eu', username: 'bot', secret }),
    ).toEqualTypeOf<AccountSummary>();
    accounts.add('me', { type: 'oauth_browser', region: 'us' });
    accounts.add('ci', { type: 'oauth_token', region: 'in', tokenEnv: 'CI_TOKEN' });
    expectTypeOf(accounts.add).parameter(1).toEqualTypeOf<AddAccountFields>();
    expectTypeOf(accounts.addDiscovering).parameter(1).toEqualTypeOf<AddAccountFields>();
  });

  it('does not compile a misused field', () => {
    // @ts-expect-error 'mars' is not a Region
    accounts.add('me', { type: 'oauth_browser', region: 'mars' });
    // @ts-expect-error an unchecked string is not a Region
    accounts.add('me', { type: 'oauth_browser', region: parsedRegion });
    // @ts-expect-error a service account needs a secret
    accounts.add('ops', { type: 'service_account', region: 'us', username: 'bot' });
    // @ts-expect-error a static token needs exactly one of token and tokenEnv
    accounts.add('ci', { type: 'oauth_token', region: 'us', token: 't', tokenEnv: 'E' });
    // @ts-expect-error ... and not neither
    accounts.add('ci', { type: 'oauth_token', region: 'us' });
    // @ts-expect-error a browser account takes no credential
    accounts.add('me', { type: 'oauth_browser', region: 'us', username: 'u' });
    // @ts-expect-error addDiscovering takes the same fields
    void accounts.addDiscovering(undefined, { type: 'service_account', username: 'bot' });
  });
});

describe('accounts.update', () => {
  it('takes the fields of one account type', () => {
    accounts.update('ops', { username: 'bot', secret });
    accounts.update('ci', { tokenEnv: 'CI_TOKEN', region: 'eu' });
    accounts.update('me', { clearDefaultProject: true });
    expectTypeOf(accounts.update).parameter(1).toEqualTypeOf<UpdateAccountFields>();
  });

  it('does not compile a mix of types, both tokens, or set-and-clear', () => {
    // @ts-expect-error username with tokenEnv
    accounts.update('x', { username: 'u', tokenEnv: 'E' });
    // @ts-expect-error token with tokenEnv
    accounts.update('x', { token: 't', tokenEnv: 'E' });
    // @ts-expect-error defaultProject with clearDefaultProject
    accounts.update('x', { defaultProject: '5', clearDefaultProject: true });
    // @ts-expect-error a type that does not fit the fields
    accounts.update('x', { type: 'oauth_browser', secret: 's' });
    // @ts-expect-error 'mars' is not a Region
    accounts.update('x', { region: 'mars' });
  });
});

describe('session.use', () => {
  it('takes a target alone, or any of account, project and workspace', () => {
    session.use({ target: 'prod' });
    session.use({ account: 'ops', project: '5', workspace: 7 });
    // @ts-expect-error target with account
    session.use({ target: 'prod', account: 'ops' });
    // @ts-expect-error target with project
    session.use({ target: 'prod', project: '5' });
  });
});
