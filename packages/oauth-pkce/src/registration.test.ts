/** Which server a client record may be used against (docs/oauth.md#client-records-and-which-one-wins). */
import { resolveBaseUrlOverride } from '@mixpanel-data/auth-core';
import { describe, expect, it } from 'vitest';
import { clientRegisteredElsewhere, clientServer } from './registration';

describe('clientServer and clientRegisteredElsewhere', () => {
  const override = resolveBaseUrlOverride('http://127.0.0.1:4010', {});

  it('names the override OAuth URL, or nothing for the Mixpanel servers', () => {
    expect(clientServer('eu', null)).toBeUndefined();
    expect(clientServer('eu', override)).toBe('http://127.0.0.1:4010/oauth/');
  });

  it('refuses a record of the other server in either direction, and accepts its own', () => {
    const test = clientServer('us', override) as string;
    expect(clientRegisteredElsewhere({ oauthBaseUrl: test }, test)).toBeNull();
    expect(clientRegisteredElsewhere({}, undefined)).toBeNull();
    expect(clientRegisteredElsewhere({}, test)).toBe(
      'registered with the Mixpanel servers, not http://127.0.0.1:4010/oauth/',
    );
    expect(clientRegisteredElsewhere({ oauthBaseUrl: test }, undefined)).toBe(
      'registered with http://127.0.0.1:4010/oauth/, not the Mixpanel servers',
    );
  });
});
