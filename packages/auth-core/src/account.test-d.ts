import { describe, expectTypeOf, it } from 'vitest';
import type { Account, OAuthBrowserAccount, OAuthTokenAccount, ServiceAccount } from './account';
import type { ErrorCode, OAuthError } from './errors';
import type { AccountName, ProjectId, Region } from './scalars';
import type { Secret } from './secret';

describe('Account union', () => {
  it('narrows on type', () => {
    const check = (account: Account) => {
      if (account.type === 'service_account') {
        expectTypeOf(account).toEqualTypeOf<ServiceAccount>();
        expectTypeOf(account.secret).toEqualTypeOf<Secret>();
      } else if (account.type === 'oauth_token') {
        expectTypeOf(account).toEqualTypeOf<OAuthTokenAccount>();
        expectTypeOf(account.tokenEnv).toEqualTypeOf<string | undefined>();
      } else {
        expectTypeOf(account).toEqualTypeOf<OAuthBrowserAccount>();
      }
    };
    expectTypeOf(check).parameter(0).toEqualTypeOf<Account>();
  });

  it('brands identifiers so an account name is not a project id', () => {
    expectTypeOf<Account['name']>().toEqualTypeOf<AccountName>();
    expectTypeOf<Account['region']>().toEqualTypeOf<Region>();
    expectTypeOf<AccountName>().not.toEqualTypeOf<ProjectId>();
    expectTypeOf<string>().not.toMatchTypeOf<ProjectId>();
  });

  it('keeps error codes a closed union', () => {
    expectTypeOf<OAuthError['code']>().toMatchTypeOf<ErrorCode>();
    expectTypeOf<'NOT_A_CODE'>().not.toMatchTypeOf<ErrorCode>();
  });
});
