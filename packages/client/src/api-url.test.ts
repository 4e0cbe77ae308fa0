import { ArgumentError } from '@mixpanel-data/auth-core';
import { describe, expect, it } from 'vitest';
import { resolveApiUrl } from './api-url';

const MOCK = Object.freeze({
  us: 'http://127.0.0.1:9',
  eu: 'http://127.0.0.1:9',
  in: 'http://127.0.0.1:9',
});

describe('resolveApiUrl', () => {
  it.each([
    [
      '/api/query/events/names?type=general',
      'us',
      'https://mixpanel.com/api/query/events/names?type=general',
      'query',
    ],
    ['/api/app/me', 'eu', 'https://eu.mixpanel.com/api/app/me', 'app'],
    [
      '/api/2.0/export?from_date=2024-01-01',
      'us',
      'https://data.mixpanel.com/api/2.0/export?from_date=2024-01-01',
      'export',
    ],
    ['/api/2.0/export', 'in', 'https://data-in.mixpanel.com/api/2.0/export', 'export'],
    ['https://eu.mixpanel.com/api/app/me', 'eu', 'https://eu.mixpanel.com/api/app/me', 'app'],
    [
      'https://data-eu.mixpanel.com/api/2.0/export',
      'eu',
      'https://data-eu.mixpanel.com/api/2.0/export',
      'export',
    ],
  ] as const)('%s in %s → %s', (target, region, url, family) => {
    expect(resolveApiUrl(target, region, null)).toEqual({ url, family });
  });

  it('maps paths and region URLs to the override origin, path and query kept', () => {
    expect(resolveApiUrl('/api/2.0/export?a=1', 'us', MOCK).url).toBe(
      'http://127.0.0.1:9/api/2.0/export?a=1',
    );
    expect(resolveApiUrl('https://mixpanel.com/api/app/me', 'us', MOCK).url).toBe(
      'http://127.0.0.1:9/api/app/me',
    );
  });

  it.each([
    ['//evil.com/api/app/me', 'a path must not name a host'],
    ['/\\evil.com/api/app/me', 'a path must not name a host'],
    ['http://mixpanel.com/api/app/me', 'only https URLs are allowed'],
    ['https://evil.com/api/app/me', 'its host is not mixpanel.com or data.mixpanel.com'],
    ['https://api.mixpanel.com.evil.com/api/app/me', 'its host is not'],
    ['https://mixpanel.com.evil.com/api/app/me', 'its host is not'],
    ['https://mixpanel.com@evil.com/api/app/me', 'a URL must not carry user info'],
    ['https://user:pw@mixpanel.com/api/app/me', 'a URL must not carry user info'],
    ['https://mixpanel.com:8443/api/app/me', 'a URL must not name a port'],
    ['https://eu.mixpanel.com/api/app/me', 'its host is not'],
    ['/oauth/token/', 'its path is not under'],
    ['/api/app/../../oauth/token/', 'its path is not under'],
    ['/api/app/%2e%2e/%2e%2e/oauth/token/', 'its path is not under'],
    ['/api/2.0/engage', 'its path is not under'],
    ['api/app/me', 'neither a path starting with / nor a URL'],
    ['file:///etc/passwd', 'only https URLs are allowed'],
    ['javascript:alert(1)', 'only https URLs are allowed'],
  ])('refuses %s before any request (ArgumentError: %s)', (target, why) => {
    let caught: unknown;
    try {
      resolveApiUrl(target, 'us', MOCK);
    } catch (error) {
      caught = error;
    }
    expect(ArgumentError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toContain(why);
    expect((caught as Error).message).not.toContain('pw@');
  });
});
