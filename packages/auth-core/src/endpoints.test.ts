import { describe, expect, it } from 'vitest';
import {
  API_FAMILIES,
  baseUrlFor,
  buildUrl,
  regionBaseUrl,
  resolveBaseUrlOverride,
  rewriteUrl,
} from './endpoints';
import { ConfigError } from './errors';
import { REGIONS } from './scalars';

describe('region table (docs/http.md#hosts-per-region)', () => {
  it.each([
    [
      'query',
      'https://mixpanel.com/api/query',
      'https://eu.mixpanel.com/api/query',
      'https://in.mixpanel.com/api/query',
    ],
    [
      'export',
      'https://data.mixpanel.com/api/2.0',
      'https://data-eu.mixpanel.com/api/2.0',
      'https://data-in.mixpanel.com/api/2.0',
    ],
    [
      'engage',
      'https://mixpanel.com/api/2.0/engage',
      'https://eu.mixpanel.com/api/2.0/engage',
      'https://in.mixpanel.com/api/2.0/engage',
    ],
    [
      'app',
      'https://mixpanel.com/api/app',
      'https://eu.mixpanel.com/api/app',
      'https://in.mixpanel.com/api/app',
    ],
    [
      'oauth',
      'https://mixpanel.com/oauth/',
      'https://eu.mixpanel.com/oauth/',
      'https://in.mixpanel.com/oauth/',
    ],
  ] as const)('%s', (family, us, eu, india) => {
    expect(REGIONS.map((region) => regionBaseUrl(family, region))).toEqual([us, eu, india]);
  });

  it('joins paths with exactly one slash', () => {
    expect(buildUrl('query', 'us', 'segmentation')).toBe(
      'https://mixpanel.com/api/query/segmentation',
    );
    expect(buildUrl('engage', 'us', '')).toBe('https://mixpanel.com/api/2.0/engage/');
    expect(buildUrl('app', 'eu', '/me')).toBe('https://eu.mixpanel.com/api/app/me');
    expect(buildUrl('oauth', 'in', 'token/')).toBe('https://in.mixpanel.com/oauth/token/');
  });
});

describe('base-URL override (docs/http.md#base-url-override)', () => {
  it('maps every family under one origin, paths unchanged', () => {
    const override = resolveBaseUrlOverride(undefined, { MP_BASE_URL: 'http://127.0.0.1:8080/' });
    expect(API_FAMILIES.map((family) => baseUrlFor(family, 'eu', override))).toEqual([
      'http://127.0.0.1:8080/api/query',
      'http://127.0.0.1:8080/api/2.0',
      'http://127.0.0.1:8080/api/2.0/engage',
      'http://127.0.0.1:8080/api/app',
      'http://127.0.0.1:8080/oauth/',
    ]);
    expect(buildUrl('oauth', 'us', 'mcp/register/', override)).toBe(
      'http://127.0.0.1:8080/oauth/mcp/register/',
    );
  });

  it('prefers the option over the env var and ignores an empty env var', () => {
    expect(
      resolveBaseUrlOverride('https://mock.example', { MP_BASE_URL: 'http://localhost:1' })?.us,
    ).toBe('https://mock.example');
    expect(resolveBaseUrlOverride(undefined, { MP_BASE_URL: '' })).toBeNull();
    expect(resolveBaseUrlOverride()).toBeNull();
  });

  it.each(['http://localhost:9', 'http://127.8.9.1', 'http://[::1]:80', 'https://x.example:8443'])(
    'accepts %s',
    (value) => {
      expect(resolveBaseUrlOverride(value)?.in).toBe(new URL(value).origin);
    },
  );

  it.each([
    ['http://mock.example', 'loopback'],
    ['ftp://127.0.0.1', 'scheme'],
    ['http://u:p@127.0.0.1', 'user info'],
    ['http://127.0.0.1/api', 'path'],
    ['http://127.0.0.1/?a=1', 'query'],
    ['http://127.0.0.1/#x', 'fragment'],
    ['not a url', 'parse'],
  ])('refuses %s', (value, why) => {
    try {
      resolveBaseUrlOverride(undefined, { MP_BASE_URL: value });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      // The value is shown with its user info replaced (docs/errors.md#secrets-and-redaction).
      const shown = value.replace('u:p@', '***@');
      expect((error as ConfigError).message).toContain(`MP_BASE_URL='${shown}'`);
      expect((error as ConfigError).message).toContain(why);
      expect((error as ConfigError).message).toContain('http://127.0.0.1:8080');
      expect((error as ConfigError).details).toEqual({ env_var: 'MP_BASE_URL', value: shown });
    }
  });

  it('never shows the password of a refused MP_BASE_URL or baseUrl, in the message or the details', () => {
    for (const [option, env] of [
      [undefined, { MP_BASE_URL: 'https://user:PASSW0RD@127.0.0.1:1' }],
      ['https://user:PASSW0RD@127.0.0.1:1', {}],
      [
        {
          us: 'https://user:PASSW0RD@127.0.0.1:1',
          eu: 'https://a.example',
          in: 'https://b.example',
        },
        {},
      ],
    ] as const) {
      const error = (() => {
        try {
          resolveBaseUrlOverride(option, env);
        } catch (thrown) {
          return thrown as ConfigError;
        }
        throw new Error('accepted');
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toContain("='https://***@127.0.0.1:1' is not a usable origin");
      expect(JSON.stringify(error)).not.toContain('PASSW0RD');
      expect(error.message).not.toContain('PASSW0RD');
    }
  });

  it('takes a per-region map only with all three regions', () => {
    const map = resolveBaseUrlOverride({
      us: 'http://127.0.0.1:1',
      eu: 'http://127.0.0.1:2',
      in: 'http://127.0.0.1:3',
    });
    expect(buildUrl('app', 'eu', 'me', map)).toBe('http://127.0.0.1:2/api/app/me');
    expect(() =>
      resolveBaseUrlOverride({ us: 'http://127.0.0.1:1', eu: 'http://127.0.0.1:2' }),
    ).toThrow("'in' is missing");
    expect(() =>
      resolveBaseUrlOverride({
        us: 'http://127.0.0.1:1',
        eu: 'http://127.0.0.1:2',
        in: 'http://127.0.0.1:3',
        jp: 'http://127.0.0.1:4',
      }),
    ).toThrow("unknown region 'jp'");
  });

  it('rewrites absolute Mixpanel URLs only', () => {
    const override = resolveBaseUrlOverride('http://127.0.0.1:5');
    expect(rewriteUrl('https://data-eu.mixpanel.com/api/2.0/export?x=1', 'eu', override)).toBe(
      'http://127.0.0.1:5/api/2.0/export?x=1',
    );
    expect(rewriteUrl('https://example.com/a', 'us', override)).toBe('https://example.com/a');
    expect(rewriteUrl('https://mixpanel.com/a', 'us', null)).toBe('https://mixpanel.com/a');
  });
});
