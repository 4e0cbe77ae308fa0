import { describe, expect, it } from 'vitest';
import { parseBridge } from './bridge';
import { ConfigError } from './errors';

const browser = {
  version: 2,
  account: { type: 'oauth_browser', name: 'me', region: 'us', default_project: '12001' },
  tokens: {
    access_token: 'eyJ-access',
    refresh_token: 'rt_7f3c',
    expires_at: '2026-06-01T09:30:00Z',
    scope: 'read projects',
    token_type: 'Bearer',
  },
  project: '12002',
  workspace: 555123,
  headers: { 'X-Mixpanel-Cluster': 'canary-3' },
};
const path = '/home/u/.claude/mixpanel/auth.json';

describe('parseBridge (docs/files.md#bridge-format)', () => {
  it('reads the browser example', () => {
    const bridge = parseBridge(browser, path);
    expect(bridge.account.name).toBe('me');
    expect(bridge.account.defaultProject).toBe('12001');
    expect(bridge.tokens?.refreshToken?.reveal()).toBe('rt_7f3c');
    expect(bridge.tokens?.expiresAt.toISOString()).toBe('2026-06-01T09:30:00.000Z');
    expect(bridge.project).toBe('12002');
    expect(bridge.workspace).toBe(555123);
    expect(bridge.headers).toEqual({ 'X-Mixpanel-Cluster': 'canary-3' });
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('defaults version, pins and headers', () => {
    const bridge = parseBridge({
      account: { type: 'service_account', name: 'ops', region: 'eu', username: 'u', secret: 's' },
    });
    expect([
      bridge.version,
      bridge.project,
      bridge.workspace,
      bridge.headers,
      bridge.tokens,
    ]).toEqual([2, null, null, {}, null]);
  });

  it('ignores tokens for non-browser accounts and accepts token_env', () => {
    const bridge = parseBridge({
      version: 2,
      account: { type: 'oauth_token', name: 'p', region: 'in', token_env: 'PIPE' },
      tokens: { junk: true },
    });
    expect(bridge.tokens).toBeNull();
    expect(bridge.account.type === 'oauth_token' && bridge.account.tokenEnv).toBe('PIPE');
  });

  it('coerces a digit-string workspace like the reference', () => {
    expect(parseBridge({ ...browser, workspace: '7' }).workspace).toBe(7);
  });

  it.each([
    [{ ...browser, version: 1 }, '(`version`)'],
    [{ ...browser, version: 3 }, '(`version`)'],
    [{ ...browser, version: '2' }, '(`version`)'],
    [{ ...browser, extra: 1 }, 'Extra inputs are not permitted (`extra`)'],
    [{ ...browser, tokens: undefined }, 'requires `tokens` (`tokens`)'],
    [{ ...browser, project: 12002 }, 'Input should be a valid string (`project`)'],
    [{ ...browser, workspace: 0 }, '(`workspace`)'],
    [{ ...browser, workspace: '0' }, '(`workspace`)'],
    [{ ...browser, account: { ...browser.account, color: 'x' } }, '(`account.color`)'],
    [{ ...browser, account: { ...browser.account, name: 'a b' } }, '(`account.name`)'],
    [
      { ...browser, tokens: { ...browser.tokens, expires_at: '2026-06-01T09:30:00' } },
      '(`tokens`)',
    ],
    [{ ...browser, headers: { X: 1 } }, '(`headers.X`)'],
    [
      { ...browser, headers: { 'X-Cluster': 'a\r\nX-Injected: NOT-SHOWN' } },
      'Input should hold only characters allowed in an HTTP header (`headers.X-Cluster`)',
    ],
    [{ ...browser, headers: { 'X-Cluster': 'a\u0000NOT-SHOWN' } }, '(`headers.X-Cluster`)'],
    [{ ...browser, headers: { 'Bad Name': 'v' } }, '(`headers.Bad Name`)'],
    [
      { ...browser, tokens: { ...browser.tokens, access_token: 'NOT-SHOWN\r' } },
      'Input should hold only characters allowed in an HTTP header (`access_token`) (`tokens`)',
    ],
    [[browser], 'Input should be an object'],
    ['x', 'Input should be an object'],
  ])('rejects an invalid file %#', (document, fragment) => {
    try {
      parseBridge(document, path);
      expect.unreachable();
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).message).toContain(`Invalid bridge file at ${path}: `);
      expect((error as ConfigError).message).toContain(fragment);
      expect((error as ConfigError).details.path).toBe(path);
      expect((error as ConfigError).message).not.toMatch(/eyJ-access|rt_7f3c|NOT-SHOWN/);
    }
  });
});
