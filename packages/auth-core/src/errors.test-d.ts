import { describe, expectTypeOf, it } from 'vitest';
import type {
  AccountNotFoundError,
  AnyMixpanelDataError,
  ConfigError,
  ErrorCode,
  InvalidResponseError,
  NetworkError,
  NoWorkspacesError,
  OAuthError,
  OAuthRefreshRevokedError,
  OAuthTokenError,
  RateLimitError,
  RegionProbeError,
  RegionProbeNetworkError,
  ValidationError,
} from './errors';

describe('AnyMixpanelDataError', () => {
  it('narrows to the class on switch (error.code)', () => {
    const check = (error: AnyMixpanelDataError) => {
      switch (error.code) {
        case 'RATE_LIMITED':
          expectTypeOf(error).toEqualTypeOf<RateLimitError>();
          expectTypeOf(error.retryAfter).toEqualTypeOf<number | null>();
          break;
        case 'ACCOUNT_NOT_FOUND':
          expectTypeOf(error).toEqualTypeOf<AccountNotFoundError>();
          expectTypeOf(error.availableAccounts).toEqualTypeOf<readonly string[]>();
          break;
        case 'CONFIG_ERROR':
          expectTypeOf(error).toEqualTypeOf<ConfigError & { readonly code: 'CONFIG_ERROR' }>();
          break;
        case 'OAUTH_TOKEN_ERROR':
          expectTypeOf(error).toEqualTypeOf<OAuthTokenError>();
          break;
        case 'OAUTH_REFRESH_REVOKED':
          expectTypeOf(error).toEqualTypeOf<OAuthRefreshRevokedError>();
          break;
        case 'OAUTH_REGION_PROBE_FAILED':
          expectTypeOf(error).toEqualTypeOf<
            RegionProbeError & { readonly code: 'OAUTH_REGION_PROBE_FAILED' }
          >();
          break;
        case 'OAUTH_NETWORK_UNREACHABLE':
          expectTypeOf(error).toEqualTypeOf<RegionProbeNetworkError>();
          break;
        case 'NO_WORKSPACES':
          expectTypeOf(error).toEqualTypeOf<NoWorkspacesError>();
          break;
        case 'HTTP_ERROR':
          expectTypeOf(error).toMatchTypeOf<NetworkError>();
          expectTypeOf(error.reason).toEqualTypeOf<string>();
          break;
        case 'INVALID_RESPONSE':
          expectTypeOf(error).toEqualTypeOf<InvalidResponseError>();
          expectTypeOf(error.statusCode).toEqualTypeOf<number>();
          break;
        case 'VALIDATION_ERROR':
          expectTypeOf(error).toEqualTypeOf<ValidationError>();
          expectTypeOf(error.source).toEqualTypeOf<'input' | 'response'>();
          break;
      }
    };
    expectTypeOf(check).parameter(0).toEqualTypeOf<AnyMixpanelDataError>();
  });

  it('covers every code a concrete class can have', () => {
    expectTypeOf<AnyMixpanelDataError['code']>().toEqualTypeOf<
      Exclude<ErrorCode, 'UNKNOWN_ERROR' | 'API_ERROR'>
    >();
  });

  it('gives each concrete class a literal code', () => {
    expectTypeOf<OAuthTokenError['code']>().toEqualTypeOf<'OAUTH_TOKEN_ERROR'>();
    expectTypeOf<NetworkError['code']>().toEqualTypeOf<'HTTP_ERROR'>();
    expectTypeOf<AccountNotFoundError['code']>().toEqualTypeOf<'ACCOUNT_NOT_FOUND'>();
    expectTypeOf<OAuthError['code']>().toMatchTypeOf<ErrorCode>();
  });
});
