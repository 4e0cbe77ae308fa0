import { describe, expect, it } from 'vitest';
import { applyConfigPatch, defaultConfig } from './config';

const USERS = new Set([42, 43]);

describe('MockConfig', () => {
  it('has the defaults of docs/testkit.md#configuration', () => {
    expect(defaultConfig(42)).toStrictEqual({
      approval: 'auto',
      approve_as_user_id: 42,
      strict_redirect_uri: true,
      code_ttl_seconds: 600,
      access_token_ttl_seconds: 3600,
      rotate_refresh_tokens: true,
      omit_refresh_token_on_refresh: false,
      revoke_family_on_reuse: true,
      invalid_grant_status: 400,
      registration_status: 201,
      token_response: {},
      me_variant: null,
      workspaces_variant: null,
      date_skew_seconds: 0,
      export_events: 3,
      export_bytes: null,
    });
  });

  it('merges a patch shallowly without touching the original', () => {
    const current = defaultConfig(42);
    const next = applyConfigPatch(
      current,
      { approval: 'form', token_response: { omit_fields: ['scope'] }, approve_as_user_id: 43 },
      USERS,
    );
    expect(next.approval).toBe('form');
    expect(next.approve_as_user_id).toBe(43);
    expect(next.token_response).toEqual({ omit_fields: ['scope'] });
    expect(current.approval).toBe('auto');
  });

  it.each([
    [{ approvals: 'auto' }, /unknown key "approvals"/],
    [{ approval: 'maybe' }, /approval must be one of/],
    [{ me_variant: 'odd' }, /me_variant must be null or one of/],
    [{ workspaces_variant: 3 }, /workspaces_variant must be null or one of/],
    [{ approve_as_user_id: 7 }, /approve_as_user_id 7 is not a fixture user/],
    [{ rotate_refresh_tokens: 'yes' }, /rotate_refresh_tokens must be a boolean/],
    [{ access_token_ttl_seconds: '60' }, /access_token_ttl_seconds must be a number/],
    [{ date_skew_seconds: '90' }, /date_skew_seconds must be a number/],
    [{ invalid_grant_status: 99 }, /invalid_grant_status must be an HTTP status/],
    [{ token_response: { expires_in_format: 'hex' } }, /expires_in_format must be one of/],
    [{ token_response: { extra: true } }, /unknown key token_response\.extra/],
    [[], /a config patch must be an object/],
  ])('rejects %j', (patch, message) => {
    expect(() => applyConfigPatch(defaultConfig(42), patch, USERS)).toThrow(message);
  });
});
