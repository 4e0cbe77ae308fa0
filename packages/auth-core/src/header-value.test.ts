import { describe, expect, it } from 'vitest';
import { isHeaderName } from './config';
import { ConfigError } from './errors';
import { checkHeaderValue, isHeaderValue } from './header-value';

describe('header values (docs/http.md#header-values)', () => {
  it.each(['Bearer abc.DEF-123_~+/=', 'canary-3', 'a\tb c', 'caf\u00e9', ''])(
    'accepts %j',
    (value) => {
      expect(isHeaderValue(value)).toBe(true);
      expect(checkHeaderValue(value, 'X', 'Fix it.')).toBe(value);
    },
  );

  it.each([
    'a\rb',
    'a\nb',
    'a\r\nX-Injected: 1',
    'a\0b',
    '\u001b]0;title\u0007',
    'a\u007fb',
    'euro \u20ac',
  ])('refuses %j', (value) => {
    expect(isHeaderValue(value)).toBe(false);
  });

  it('a refused value is a ConfigError naming the source and the fix, never the value', () => {
    let caught: unknown;
    try {
      checkHeaderValue('NOT-SHOWN\r\nX: 1', 'MP_CUSTOM_HEADER_VALUE', 'Unset it.', {
        env_var: 'MP_CUSTOM_HEADER_VALUE',
      });
    } catch (error) {
      caught = error;
    }
    expect(ConfigError.isInstance(caught)).toBe(true);
    const error = caught as ConfigError;
    expect(error.code).toBe('CONFIG_ERROR');
    expect(error.message).toBe(
      'MP_CUSTOM_HEADER_VALUE contains a line break or another character not allowed in an HTTP header. Unset it.',
    );
    expect(error.details).toEqual({ env_var: 'MP_CUSTOM_HEADER_VALUE' });
  });

  it('header names are RFC 9110 tokens', () => {
    expect(isHeaderName('X-Mixpanel-Cluster')).toBe(true);
    expect(isHeaderName('Bad Name')).toBe(false);
    expect(isHeaderName('X\r\nY')).toBe(false);
    expect(isHeaderName('')).toBe(false);
  });
});
