import { join } from 'node:path';
import { ConfigError } from '@mixpanel-data/auth-core';
import { describe, expect, it } from 'vitest';
import { locations } from './paths';

describe('locations', () => {
  it('defaults everything under ~/.mp', () => {
    const where = locations({ env: {}, home: '/h' });
    expect(where.configPath).toBe('/h/.mp/config.toml');
    expect(where.root).toBe('/h/.mp');
    expect(where.defaultRoot).toBe(true);
    expect(where.tokensPath('me')).toBe('/h/.mp/accounts/me/tokens.json');
    expect(where.mePath('me')).toBe('/h/.mp/accounts/me/me.json');
    expect(where.accountClientPath('me')).toBe('/h/.mp/accounts/me/client.json');
    expect(where.clientPath('eu')).toBe('/h/.mp/oauth/client_eu.json');
  });

  it('MP_CONFIG_PATH and MP_OAUTH_STORAGE_DIR move only their own files; empty means unset', () => {
    const where = locations({
      env: { MP_CONFIG_PATH: '/etc/mp.toml', MP_OAUTH_STORAGE_DIR: '/state' },
      home: '/h',
    });
    expect(where.configPath).toBe('/etc/mp.toml');
    expect(where.tokensPath('a')).toBe('/state/accounts/a/tokens.json');
    expect(where.defaultRoot).toBe(false);
    const empty = locations({ env: { MP_CONFIG_PATH: '', MP_OAUTH_STORAGE_DIR: '' }, home: '/h' });
    expect([empty.configPath, empty.root]).toEqual(['/h/.mp/config.toml', '/h/.mp']);
  });

  it('takes HOME from the injected env when no home is given', () => {
    expect(locations({ env: { HOME: '/home/x' } }).configPath).toBe(
      join('/home/x', '.mp', 'config.toml'),
    );
  });

  it.each(['..', 'a/b', '/abs', '', 'x'.repeat(65), '../../etc'])(
    'refuses account name %j before building a path',
    (name) => {
      expect(() => locations({ env: {}, home: '/h' }).accountDir(name)).toThrow(ConfigError);
    },
  );

  it('refuses an unknown region for a client record', () => {
    expect(() => locations({ env: {}, home: '/h' }).clientPath('jp' as never)).toThrow(
      "Unknown region 'jp'",
    );
  });
});
