import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  isProjectId,
  isWorkspaceId,
  OAuthBrowserAccount,
  OAuthTokenAccount,
  OAuthTokens,
  type ProjectId,
  parseBridge,
  ServiceAccount,
  type WorkspaceId,
} from '@mixpanel-data/auth-core';
import { createTokenStore, MAX_CREDENTIAL_BYTES } from '@mixpanel-data/config-store';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BridgeContent,
  findBridgePath,
  loadBridge,
  materializeBridgeTokens,
  removeBridge,
  serializeBridge,
  writeBridge,
} from './index';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function place() {
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'mp-bridge-home-')));
  const cwd = realpathSync(mkdtempSync(join(tmpdir(), 'mp-bridge-cwd-')));
  dirs.push(home, cwd);
  const claude = join(home, '.claude', 'mixpanel', 'auth.json');
  const local = join(cwd, 'mixpanel_auth.json');
  return {
    home,
    cwd,
    claude,
    local,
    options: (env: Record<string, string> = {}) => ({ env: { HOME: home, ...env }, home, cwd }),
  };
}

const tokens = (expires: string, access = 'eyJ-access') =>
  new OAuthTokens({
    accessToken: access,
    refreshToken: 'rt_7f3c',
    expiresAt: new Date(expires),
    scope: 'read projects',
    tokenType: 'Bearer',
  });
const projectId = (id: string): ProjectId => {
  if (!isProjectId(id)) throw new Error(`not a project id: ${id}`);
  return id;
};
const workspaceId = (id: number): WorkspaceId => {
  if (!isWorkspaceId(id)) throw new Error(`not a workspace id: ${id}`);
  return id;
};
const browser: BridgeContent = {
  account: new OAuthBrowserAccount({ name: 'me', region: 'us', defaultProject: '12001' }),
  tokens: tokens('2026-06-01T09:30:00Z'),
  project: projectId('12002'),
  workspace: workspaceId(555123),
  headers: { 'X-Mixpanel-Cluster': 'canary-3' },
};
const sa: BridgeContent = {
  account: new ServiceAccount({
    name: 'ops-sa',
    region: 'eu',
    defaultProject: '4400117',
    username: 'ops-bot',
    secret: 'Zx81-secret',
  }),
  tokens: null,
  project: null,
  workspace: null,
  headers: {},
};

describe('serializeBridge (docs/files.md#bridge-file-bytes)', () => {
  it('writes sorted keys, 2-space indent, the Z form, and omits absent pins', () => {
    const text = serializeBridge(browser);
    expect(JSON.parse(text)).toEqual({
      account: { default_project: '12001', name: 'me', region: 'us', type: 'oauth_browser' },
      headers: { 'X-Mixpanel-Cluster': 'canary-3' },
      project: '12002',
      tokens: {
        access_token: 'eyJ-access',
        expires_at: '2026-06-01T09:30:00Z',
        refresh_token: 'rt_7f3c',
        scope: 'read projects',
        token_type: 'Bearer',
      },
      version: 2,
      workspace: 555123,
    });
    expect(text.split('\n')[1]).toBe('  "account": {');
    expect(Object.keys(JSON.parse(serializeBridge(sa)))).toEqual(['account', 'headers', 'version']);
  });

  it('round-trips through parseBridge for every account type', () => {
    const pipeline: BridgeContent = {
      account: new OAuthTokenAccount({
        name: 'pipeline',
        region: 'in',
        tokenEnv: 'PIPELINE_MP_BEARER',
      }),
      tokens: null,
      project: null,
      workspace: workspaceId(901),
      headers: {},
    };
    for (const content of [browser, sa, pipeline]) {
      const parsed = parseBridge(JSON.parse(serializeBridge(content)));
      expect(parsed.account.equals(content.account)).toBe(true);
      expect([parsed.project, parsed.workspace, parsed.headers]).toEqual([
        content.project,
        content.workspace,
        content.headers,
      ]);
    }
  });
});

describe('an access-only bridge (docs/files.md#access-only-bridge)', () => {
  it('leaves refresh_token out, loads back without one, and materialises a tokens.json without one', () => {
    const p = place();
    const accessOnly = { ...browser, tokens: browser.tokens!.with({ refreshToken: undefined }) };
    writeBridge(p.claude, accessOnly);
    const text = readFileSync(p.claude, 'utf8');
    expect(Object.keys(JSON.parse(text).tokens)).toEqual([
      'access_token',
      'expires_at',
      'scope',
      'token_type',
    ]);
    expect(text).not.toContain('rt_7f3c');
    const loaded = loadBridge(undefined, p.options());
    expect(loaded?.bridge.tokens?.accessToken.reveal()).toBe('eyJ-access');
    expect(loaded?.bridge.tokens?.refreshToken).toBeUndefined();
    const store = createTokenStore({ env: { HOME: p.home }, home: p.home });
    expect(materializeBridgeTokens(loaded!.bridge, store)).toBe(true);
    expect(readFileSync(store.tokensPath('me'), 'utf8')).not.toContain('refresh_token');
  });
});

describe('writeBridge', () => {
  it('writes 0600, creates a missing parent 0700, and two writes give identical bytes', () => {
    const p = place();
    writeBridge(p.claude, browser);
    expect(statSync(p.claude).mode & 0o777).toBe(0o600);
    expect(statSync(join(p.home, '.claude', 'mixpanel')).mode & 0o777).toBe(0o700);
    const first = readFileSync(p.claude);
    writeBridge(p.claude, browser);
    expect(readFileSync(p.claude).equals(first)).toBe(true);
  });

  it('leaves an existing parent as it is and replaces a symlink at the destination', () => {
    const p = place();
    chmodSync(p.cwd, 0o755);
    const elsewhere = join(p.home, 'victim.json');
    writeFileSync(elsewhere, 'untouched');
    symlinkSync(elsewhere, p.local);
    writeBridge(p.local, sa);
    expect(statSync(p.cwd).mode & 0o777).toBe(0o755);
    expect(readFileSync(elsewhere, 'utf8')).toBe('untouched');
    expect(lstatSync(p.local).isSymbolicLink()).toBe(false);
  });

  it('refuses a browser account without tokens', () => {
    const p = place();
    expect(() => writeBridge(p.local, { ...browser, tokens: null })).toThrow(ConfigError);
    expect(existsSync(p.local)).toBe(false);
  });
});

describe('loadBridge (docs/files.md#bridge-search-order)', () => {
  it('finds ~/.claude/mixpanel/auth.json first, then ./mixpanel_auth.json', () => {
    const p = place();
    expect(loadBridge(undefined, p.options())).toBeNull();
    writeBridge(p.local, sa);
    expect(loadBridge(undefined, p.options())?.path).toBe(p.local);
    writeBridge(p.claude, browser);
    const loaded = loadBridge(undefined, p.options());
    expect(loaded?.path).toBe(p.claude);
    expect(loaded?.bridge.account.name).toBe('me');
    expect(loaded?.bridge.tokens?.refreshToken?.reveal()).toBe('rt_7f3c');
    expect(findBridgePath(undefined, p.options())).toBe(p.claude);
  });

  it('MP_AUTH_FILE is the only candidate: missing means no bridge even when a default exists', () => {
    const p = place();
    writeBridge(p.claude, browser);
    expect(
      loadBridge(undefined, p.options({ MP_AUTH_FILE: join(p.home, 'nope.json') })),
    ).toBeNull();
    const explicit = join(p.home, 'chosen.json');
    writeBridge(explicit, sa);
    expect(loadBridge(undefined, p.options({ MP_AUTH_FILE: explicit }))?.bridge.account.name).toBe(
      'ops-sa',
    );
    expect(loadBridge(undefined, p.options({ MP_AUTH_FILE: '' }))?.path).toBe(p.claude);
    expect(
      loadBridge(explicit, p.options({ MP_AUTH_FILE: join(p.home, 'other.json') }))?.path,
    ).toBe(explicit);
  });

  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };

  it.each(['live', 'dangling'])('refuses a %s symlink and does not fall through', (kind) => {
    const p = place();
    writeBridge(p.local, sa);
    mkdirSync(join(p.home, '.claude', 'mixpanel'), { recursive: true });
    const real = join(p.home, 'real.json');
    if (kind === 'live') writeBridge(real, sa);
    symlinkSync(real, p.claude);
    const error = refusal(() => loadBridge(undefined, p.options()));
    expect(error.message).toContain(
      `Could not read bridge file at ${p.claude}: Refusing to read credential at symlink`,
    );
    expect(error.details.path).toBe(p.claude);
  });

  it('names the file for corrupt JSON, a wrong version, a browser account without tokens, or lax permissions', () => {
    const p = place();
    mkdirSync(join(p.home, '.claude', 'mixpanel'), { recursive: true });
    const cases: [string, string][] = [
      ['{"version": 2,', 'not valid JSON'],
      [
        JSON.stringify({
          version: 3,
          account: { type: 'oauth_browser', name: 'me', region: 'us' },
        }),
        `Invalid bridge file at ${p.claude}`,
      ],
      [
        JSON.stringify({
          version: 2,
          account: { type: 'oauth_browser', name: 'me', region: 'us' },
        }),
        'requires `tokens`',
      ],
    ];
    writeBridge(p.local, sa);
    for (const [text, message] of cases) {
      writeFileSync(p.claude, text, { mode: 0o600 });
      expect(refusal(() => loadBridge(undefined, p.options())).message).toContain(message);
    }
    writeBridge(p.claude, sa);
    chmodSync(p.claude, 0o644);
    expect(refusal(() => loadBridge(undefined, p.options())).message).toContain(
      `chmod 600 ${p.claude}`,
    );
  });

  it('refuses a bridge under a symlinked ~/.claude', () => {
    const p = place();
    const dotfiles = join(p.home, 'dotfiles-claude');
    mkdirSync(join(dotfiles, 'mixpanel'), { recursive: true, mode: 0o700 });
    writeBridge(join(dotfiles, 'mixpanel', 'auth.json'), sa);
    symlinkSync(dotfiles, join(p.home, '.claude'));
    expect(refusal(() => loadBridge(undefined, p.options())).message).toContain(
      'symlinked directory',
    );
  });
});

describe('removeBridge (docs/files.md#bridge-removal)', () => {
  it('removes the first existing default, reports false when there is none, keeps the parent', () => {
    const p = place();
    expect(removeBridge(undefined, p.options())).toBe(false);
    writeBridge(p.claude, sa);
    expect(removeBridge(undefined, p.options())).toBe(true);
    expect(existsSync(p.claude)).toBe(false);
    expect(existsSync(join(p.home, '.claude', 'mixpanel'))).toBe(true);
  });

  it('honours --at and MP_AUTH_FILE without fallback, and removes a dangling link', () => {
    const p = place();
    writeBridge(p.claude, sa);
    expect(removeBridge(undefined, p.options({ MP_AUTH_FILE: join(p.home, 'none.json') }))).toBe(
      false,
    );
    expect(existsSync(p.claude)).toBe(true);
    const link = join(p.home, 'dangling.json');
    symlinkSync(join(p.home, 'missing'), link);
    expect(removeBridge(link, p.options())).toBe(true);
    expect(() => lstatSync(link)).toThrow();
  });
});

describe('bridge files and the size cap (docs/files.md#size-cap)', () => {
  it('refuses to write a bridge no reader would accept, leaving the old file', () => {
    const p = place();
    writeBridge(p.local, sa);
    const before = readFileSync(p.local, 'utf8');
    const huge = { ...sa, headers: { 'X-Pad': 'x'.repeat(MAX_CREDENTIAL_BYTES) } };
    let thrown: unknown;
    try {
      writeBridge(p.local, huge);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).message).toMatch(
      /^Refusing to write .*mixpanel_auth\.json: it would be \d+ bytes, above the 1048576-byte cap every reader enforces; nothing was written\.$/,
    );
    expect(readFileSync(p.local, 'utf8')).toBe(before);
    expect(readdirSync(p.cwd)).toEqual(['mixpanel_auth.json']);
  });
});

describe('removeBridge and links', () => {
  it('refuses to delete a bridge through a symlinked ~/.claude, as reading it is refused', () => {
    const p = place();
    const dotfiles = join(p.home, 'dotfiles-claude');
    mkdirSync(join(dotfiles, 'mixpanel'), { recursive: true, mode: 0o700 });
    writeBridge(join(dotfiles, 'mixpanel', 'auth.json'), sa);
    symlinkSync(dotfiles, join(p.home, '.claude'));
    expect(() => removeBridge(undefined, p.options())).toThrow(
      `Refusing to delete credential under symlinked directory ${join(p.home, '.claude')}`,
    );
    expect(existsSync(join(dotfiles, 'mixpanel', 'auth.json'))).toBe(true);
  });

  it('removes a live link at the path itself, never its target', () => {
    const p = place();
    const real = join(p.home, 'real.json');
    writeBridge(real, sa);
    const link = join(p.home, 'link.json');
    symlinkSync(real, link);
    expect(removeBridge(link, p.options())).toBe(true);
    expect(() => lstatSync(link)).toThrow();
    expect(existsSync(real)).toBe(true);
  });
});

describe('materializeBridgeTokens (docs/files.md#token-materialization, newer wins)', () => {
  it('writes when there is no local file, replacing an empty scope with "read"', async () => {
    const p = place();
    const store = createTokenStore({ env: { HOME: p.home }, home: p.home });
    const bridge = parseBridge(
      JSON.parse(
        serializeBridge({
          ...browser,
          tokens: tokens('2030-01-01T00:00:00Z').with({ scope: '' }),
        }),
      ),
    );
    expect(materializeBridgeTokens(bridge, store)).toBe(true);
    expect(store.readTokens('me')?.scope).toBe('read');
  });

  it('keeps a local token that expires later, replaces an older or malformed one', async () => {
    const p = place();
    const store = createTokenStore({ env: { HOME: p.home }, home: p.home });
    const bridge = parseBridge(
      JSON.parse(
        serializeBridge({
          ...browser,
          tokens: tokens('2030-01-01T00:00:00Z', 'from-bridge'),
        }),
      ),
    );
    store.writeTokens('me', tokens('2031-01-01T00:00:00Z', 'refreshed-locally'));
    expect(materializeBridgeTokens(bridge, store)).toBe(false);
    expect(store.readTokens('me')?.accessToken.reveal()).toBe('refreshed-locally');
    store.writeTokens('me', tokens('2029-01-01T00:00:00Z', 'stale'));
    expect(materializeBridgeTokens(bridge, store)).toBe(true);
    expect(store.readTokens('me')?.accessToken.reveal()).toBe('from-bridge');
    writeFileSync(store.tokensPath('me'), '{oops', { mode: 0o600 });
    expect(materializeBridgeTokens(bridge, store)).toBe(true);
    expect(store.readTokens('me')?.accessToken.reveal()).toBe('from-bridge');
  });

  it('does nothing for other account types', async () => {
    const p = place();
    const store = createTokenStore({ env: { HOME: p.home }, home: p.home });
    expect(await materializeBridgeTokens(parseBridge(JSON.parse(serializeBridge(sa))), store)).toBe(
      false,
    );
    expect(existsSync(join(p.home, '.mp'))).toBe(false);
  });
});
