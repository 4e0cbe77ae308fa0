import type { Secret } from '@mixpanel-data/auth-core';
import { describe, expectTypeOf, it } from 'vitest';
import type { AddAccountFields, ConfigStore, UpdateAccountFields } from './store';

declare const store: ConfigStore;
declare const secret: Secret;
declare const flag: boolean;
declare const maybeProject: string | undefined;
declare const parsedRegion: string;

describe('AddAccountFields', () => {
  it('takes each account type with its own credential', () => {
    store.addAccount('ops', { type: 'service_account', region: 'eu', username: 'bot', secret });
    store.addAccount('ops', { type: 'service_account', username: 'bot', secret: 's' });
    store.addAccount('me', { type: 'oauth_browser', region: 'us', defaultProject: '5' });
    store.addAccount('ci', { type: 'oauth_token', region: 'in', token: 't' });
    store.addAccount('ci', { type: 'oauth_token', region: 'in', token: secret });
    store.addAccount('ci', { type: 'oauth_token', region: 'in', tokenEnv: 'CI_TOKEN' });
    expectTypeOf<AddAccountFields['type']>().toEqualTypeOf<
      'service_account' | 'oauth_browser' | 'oauth_token'
    >();
    expectTypeOf<AddAccountFields['region']>().toEqualTypeOf<'us' | 'eu' | 'in' | undefined>();
  });

  it('narrows on type', () => {
    const check = (fields: AddAccountFields) => {
      if (fields.type === 'service_account') {
        expectTypeOf(fields.username).toEqualTypeOf<string>();
        expectTypeOf(fields.secret).toEqualTypeOf<string | Secret>();
      } else if (fields.type === 'oauth_browser') {
        expectTypeOf(fields.token).toEqualTypeOf<undefined>();
      } else {
        expectTypeOf(fields.username).toEqualTypeOf<undefined>();
      }
    };
    expectTypeOf(check).parameter(0).toEqualTypeOf<AddAccountFields>();
  });

  it('rejects a region that is not one of us, eu, in', () => {
    // @ts-expect-error 'mars' is not a Region
    store.addAccount('me', { type: 'oauth_browser', region: 'mars' });
    // @ts-expect-error a string is not a Region until it is checked (isRegion)
    store.addAccount('me', { type: 'oauth_browser', region: parsedRegion });
  });

  it('requires username and secret for a service account', () => {
    // @ts-expect-error no secret
    store.addAccount('ops', { type: 'service_account', region: 'us', username: 'bot' });
    // @ts-expect-error no username
    store.addAccount('ops', { type: 'service_account', region: 'us', secret: 's' });
    // @ts-expect-error a token does not belong to a service account
    store.addAccount('ops', { type: 'service_account', username: 'u', secret: 's', token: 't' });
  });

  it('requires exactly one of token and tokenEnv for a static token', () => {
    // @ts-expect-error neither
    store.addAccount('ci', { type: 'oauth_token', region: 'us' });
    // @ts-expect-error both
    store.addAccount('ci', { type: 'oauth_token', region: 'us', token: 't', tokenEnv: 'E' });
    // @ts-expect-error a username does not belong to a token account
    store.addAccount('ci', { type: 'oauth_token', tokenEnv: 'E', username: 'u' });
  });

  it('takes no credential for a browser account', () => {
    // @ts-expect-error username
    store.addAccount('me', { type: 'oauth_browser', username: 'u' });
    // @ts-expect-error secret
    store.addAccount('me', { type: 'oauth_browser', secret: 's' });
    // @ts-expect-error token
    store.addAccount('me', { type: 'oauth_browser', token: 't' });
    // @ts-expect-error tokenEnv
    store.addAccount('me', { type: 'oauth_browser', tokenEnv: 'E' });
  });

  it('rejects an unknown type', () => {
    // @ts-expect-error not an account type
    store.addAccount('x', { type: 'api_key', region: 'us' });
  });
});

describe('UpdateAccountFields', () => {
  it('takes the fields of one account type, the type optional', () => {
    store.updateAccount('me', { region: 'eu' });
    store.updateAccount('me', { defaultProject: '5' });
    store.updateAccount('me', { clearDefaultProject: true });
    store.updateAccount('ops', { username: 'bot', secret, region: 'in' });
    store.updateAccount('ops', { type: 'service_account', secret: 's' });
    store.updateAccount('ci', { tokenEnv: 'CI_TOKEN' });
    store.updateAccount('ci', { type: 'oauth_token', token: secret });
    store.updateAccount('me', { clearDefaultProject: flag });
  });

  it('never mixes the credentials of two types', () => {
    // @ts-expect-error username is a service-account field, tokenEnv an oauth_token one
    store.updateAccount('x', { username: 'u', tokenEnv: 'E' });
    // @ts-expect-error secret with token
    store.updateAccount('x', { secret: 's', token: 't' });
    // @ts-expect-error token and tokenEnv replace each other: one at a time
    store.updateAccount('x', { token: 't', tokenEnv: 'E' });
    // @ts-expect-error a type given must fit the fields
    store.updateAccount('x', { type: 'oauth_token', username: 'u' });
    // @ts-expect-error a browser account has no credential to update
    store.updateAccount('x', { type: 'oauth_browser', tokenEnv: 'E' });
  });

  it('keeps clearDefaultProject exclusive with defaultProject', () => {
    // @ts-expect-error set and clear at once
    store.updateAccount('me', { defaultProject: '5', clearDefaultProject: true });
    // @ts-expect-error a project that may be set with a flag that may be true
    store.updateAccount('me', { defaultProject: maybeProject, clearDefaultProject: flag });
    if (flag) store.updateAccount('me', { clearDefaultProject: flag });
    else store.updateAccount('me', { defaultProject: maybeProject, clearDefaultProject: flag });
  });

  it('rejects a region that is not one of us, eu, in', () => {
    // @ts-expect-error 'mars' is not a Region
    store.updateAccount('me', { region: 'mars' });
    expectTypeOf<UpdateAccountFields['region']>().toEqualTypeOf<'us' | 'eu' | 'in' | undefined>();
  });
});

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
