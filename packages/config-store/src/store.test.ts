import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  AccountInUseError,
  ArgumentError,
  ConfigError,
  OAuthTokens,
  type Target,
} from '@mixpanel-data/auth-core';
import { describe, expect, it, vi } from 'vitest';
import { expectUnchanged, tempHome } from '../test/helpers';

const sa = {
  type: 'service_account',
  region: 'eu',
  username: 'bot',
  secret: 'Zx81-secret',
} as const;

/** The illustrative config of docs/files.md#configtoml, built through the store. */
function specFixture() {
  const t = tempHome();
  t.store.addAccount('ops-sa', { ...sa, defaultProject: '4400117' });
  t.store.addAccount('me', { type: 'oauth_browser', region: 'us', defaultProject: '12001' });
  t.store.addAccount('pipeline', {
    type: 'oauth_token',
    region: 'in',
    tokenEnv: 'PIPELINE_MP_BEARER',
  });
  t.store.addTarget('checkout', { account: 'ops-sa', project: '4400118', workspace: 777002 });
  t.store.addTarget('sandbox', { account: 'me', project: '12002' });
  t.store.setActive({ workspace: 777001 });
  return t;
}

const messageOf = (error: unknown) => (error as Error).message;

describe('reading', () => {
  it('a missing file and an empty file both load as empty', () => {
    const t = tempHome();
    expect(t.store.listAccounts()).toEqual([]);
    expect(t.store.getActive()).toEqual({});
    mkdirSync(join(t.home, '.mp'), { mode: 0o700 });
    writeFileSync(t.configPath, '', { mode: 0o600 });
    expect(t.store.listAccounts()).toEqual([]);
    expect(t.store.listTargets()).toEqual([]);
  });

  it('a TOML with only config_version yields no accounts', () => {
    const t = tempHome();
    mkdirSync(join(t.home, '.mp'), { mode: 0o700 });
    writeFileSync(t.configPath, 'config_version = 2\n', { mode: 0o600 });
    expect(t.store.listAccounts()).toEqual([]);
  });

  it('names the file, line and column of a syntax error', () => {
    const t = tempHome();
    mkdirSync(join(t.home, '.mp'), { mode: 0o700 });
    writeFileSync(t.configPath, '[active]\naccount = \n', { mode: 0o600 });
    const error = (() => {
      try {
        t.store.listAccounts();
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(
      new RegExp(`^Could not parse config at ${t.configPath}: .*\\(line 2, column \\d+\\)`),
    );
    expect(error?.message).not.toContain('\n');
    expect(error?.details).toMatchObject({ path: t.configPath, line: 2 });
  });
});

describe('accounts', () => {
  it('round-trips each account type, with and without a default project', () => {
    const t = tempHome();
    t.store.addAccount('a', { ...sa });
    t.store.addAccount('b', { ...sa, defaultProject: '1' });
    t.store.addAccount('c', { type: 'oauth_browser', region: 'us' });
    t.store.addAccount('d', { type: 'oauth_token', region: 'in', token: 'inline-tok' });
    t.store.addAccount('e', {
      type: 'oauth_token',
      region: 'in',
      tokenEnv: 'E_TOK',
      defaultProject: '7',
    });
    const got = ['a', 'b', 'c', 'd', 'e'].map((name) => t.store.getAccount(name));
    expect(got.map((a) => [a.type, a.defaultProject])).toEqual([
      ['service_account', undefined],
      ['service_account', '1'],
      ['oauth_browser', undefined],
      ['oauth_token', undefined],
      ['oauth_token', '7'],
    ]);
    expect(got[3]!.type === 'oauth_token' && got[3]!.token?.reveal()).toBe('inline-tok');
    expect(t.mode(t.configPath)).toBe(0o600);
    expect(t.mode(join(t.home, '.mp'))).toBe(0o700);
  });

  it('promotes the first account to active, and only the first', () => {
    const t = tempHome();
    const first = t.store.addAccount('one', { type: 'oauth_browser', region: 'us' });
    expect(first.isActive).toBe(true);
    t.store.addAccount('two', { type: 'oauth_browser', region: 'us' });
    expect(t.store.getActive()).toEqual({ account: 'one' });
  });

  it('activate makes the new account active and drops the workspace pin, in one write', () => {
    const t = tempHome();
    t.store.addAccount('one', { type: 'oauth_browser', region: 'us' });
    t.store.setActive({ workspace: 7 });
    const writes = vi.spyOn(t.store, 'transaction');
    const added = t.store.addAccount(
      'two',
      { type: 'oauth_browser', region: 'us' },
      { activate: true },
    );
    expect(writes).toHaveBeenCalledTimes(1);
    expect(added.isActive).toBe(true);
    expect(t.store.getActive()).toEqual({ account: 'two' });
  });

  it('a file with accounts but no active one does not promote; a dangling active in an empty file is overwritten', () => {
    const t = tempHome();
    mkdirSync(join(t.home, '.mp'), { mode: 0o700 });
    writeFileSync(t.configPath, '[active]\naccount = "ghost"\n', { mode: 0o600 });
    t.store.addAccount('real', { type: 'oauth_browser', region: 'us' });
    expect(t.store.getActive()).toEqual({ account: 'real' });
    t.store.clearActive({ account: true });
    t.store.addAccount('later', { type: 'oauth_browser', region: 'us' });
    expect(t.store.getActive()).toEqual({});
  });

  it('defaults a browser account to region us and requires a region for the others', () => {
    const t = tempHome();
    expect(t.store.addAccount('b', { type: 'oauth_browser' }).region).toBe('us');
    expect(() =>
      t.store.addAccount('s', { type: 'service_account', username: 'u', secret: 's' }),
    ).toThrow(
      "Account type 'service_account' requires `region`. Pass region= explicitly, or use `mp login` for the guided probing flow.",
    );
  });

  it.each([
    [{ ...sa, username: undefined }, 'ServiceAccount requires `username` and `secret`.'],
    [
      { type: 'oauth_token', region: 'us' },
      'OAuthTokenAccount requires exactly one of `token` or `token_env`.',
    ],
    [
      { type: 'oauth_token', region: 'us', token: 't', tokenEnv: 'E' },
      'exactly one of `token` or `token_env`',
    ],
    [{ type: 'nope', region: 'us' }, "Unknown account type: 'nope'"],
    [
      { type: 'oauth_browser', region: 'us', username: 'u' },
      '`username` does not apply to oauth_browser accounts',
    ],
    [{ ...sa, tokenEnv: 'X' }, '`token_env` does not apply to service_account accounts'],
    [{ ...sa, secret: '' }, '`secret` must not be empty'],
    [{ type: 'oauth_token', region: 'us', token: '  ' }, '`token` must not be empty'],
    [{ ...sa, region: 'jp' }, "Invalid account fields for 'x': Input should be"],
    [
      { ...sa, defaultProject: 'abc' },
      "Invalid account fields for 'x': String should match pattern",
    ],
  ])('refuses %j and leaves the file as it was', (fields, message) => {
    const t = tempHome();
    t.store.addAccount('keep', { type: 'oauth_browser', region: 'us' });
    const error = expectUnchanged(t.configPath, () => t.store.addAccount('x', fields as never));
    expect(error).toBeInstanceOf(ConfigError);
    expect(messageOf(error)).toContain(message);
    expect(messageOf(error)).not.toContain('Zx81');
  });

  it('refuses a duplicate and an invalid name', () => {
    const t = tempHome();
    t.store.addAccount('team', { ...sa });
    expect(
      messageOf(expectUnchanged(t.configPath, () => t.store.addAccount('team', { ...sa }))),
    ).toBe("Account 'team' already exists.");
    expect(
      messageOf(expectUnchanged(t.configPath, () => t.store.addAccount('a b', { ...sa }))),
    ).toContain("Invalid account fields for 'a b'");
  });

  describe('update', () => {
    it('changes the region of any type and rewrites the block in canonical order', () => {
      const t = tempHome();
      t.store.addAccount('me', { type: 'oauth_browser', region: 'us' });
      t.store.addAccount('ops', { ...sa });
      t.store.updateAccount('me', { region: 'eu', defaultProject: '5' });
      t.store.updateAccount('ops', { region: 'in', secret: 'new-secret', defaultProject: '9' });
      expect(t.store.getAccount('me').region).toBe('eu');
      expect(t.read()).toContain(
        '[accounts.ops]\ntype = "service_account"\nregion = "in"\ndefault_project = "9"\nusername = "bot"\nsecret = "new-secret"\n',
      );
    });

    it('switches a token account between inline and env storage', () => {
      const t = tempHome();
      t.store.addAccount('ci', { type: 'oauth_token', region: 'us', token: 'abc' });
      t.store.updateAccount('ci', { tokenEnv: 'CI_TOKEN' });
      const account = t.store.getAccount('ci');
      expect(account.type === 'oauth_token' && [account.token, account.tokenEnv]).toEqual([
        undefined,
        'CI_TOKEN',
      ]);
      t.store.updateAccount('ci', { token: 'xyz' });
      expect(t.read()).not.toContain('token_env');
    });

    it('clears the default project on request', () => {
      const t = tempHome();
      t.store.addAccount('me', { type: 'oauth_browser', region: 'us', defaultProject: '5' });
      t.store.updateAccount('me', { clearDefaultProject: true });
      expect(t.store.getAccount('me').defaultProject).toBeUndefined();
    });

    it.each([
      ['missing', { region: 'eu' }, "Account 'ghost' not found."],
      [
        'me',
        { username: 'u' },
        "`username` only applies to service_account (account 'me' is 'oauth_browser').",
      ],
      [
        'me',
        { secret: 's' },
        "`secret` only applies to service_account (account 'me' is 'oauth_browser').",
      ],
      [
        'ops',
        { token: 't' },
        "`token`/`token_env` only apply to oauth_token (account 'ops' is 'service_account').",
      ],
      [
        'ci',
        { token: 't', tokenEnv: 'E' },
        'OAuthTokenAccount: `token` and `token_env` are mutually exclusive.',
      ],
      ['me', { region: 'jp' }, "Invalid account fields for 'me'"],
      ['me', { defaultProject: '' }, "Invalid account fields for 'me'"],
      ['ops', { secret: '' }, '`secret` must not be empty'],
      ['me', { defaultProject: '1', clearDefaultProject: true }, 'mutually exclusive'],
      ['me', { type: 'service_account' }, "Account 'me' is 'oauth_browser'; `type` cannot change"],
    ])('refuses %s %j without touching the file', (name, fields, message) => {
      const t = tempHome();
      t.store.addAccount('me', { type: 'oauth_browser', region: 'us' });
      t.store.addAccount('ops', { ...sa });
      t.store.addAccount('ci', { type: 'oauth_token', region: 'us', token: 'abc' });
      const target = name === 'missing' ? 'ghost' : name;
      expect(
        messageOf(
          // Deliberately ill-typed: these are the runtime checks JavaScript callers meet.
          expectUnchanged(t.configPath, () => t.store.updateAccount(target, fields as never)),
        ),
      ).toContain(message);
    });
  });

  describe('remove', () => {
    it('removes an unreferenced account and its state directory', () => {
      const t = tempHome();
      t.store.addAccount('a', { type: 'oauth_browser', region: 'us' });
      t.store.addAccount('b', { type: 'oauth_browser', region: 'us' });
      const dir = join(t.home, '.mp', 'accounts', 'b');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'me.json'), '{}');
      expect(t.store.removeAccount('b')).toEqual([]);
      expect(existsSync(dir)).toBe(false);
      expect(t.store.getActive()).toEqual({ account: 'a' });
      expect(() => t.store.getAccount('b')).toThrow("Account 'b' not found.");
    });

    it('refuses a referenced account without force, naming the targets', () => {
      const t = specFixture();
      const error = expectUnchanged(t.configPath, () =>
        t.store.removeAccount('ops-sa', { forceHint: '`--force`' }),
      );
      expect(error).toBeInstanceOf(AccountInUseError);
      expect((error as AccountInUseError).details).toEqual({
        account_name: 'ops-sa',
        referenced_by: ['checkout'],
      });
      expect(messageOf(error)).toBe(
        "Account 'ops-sa' is referenced by target(s): 'checkout'. Pass `--force` to remove anyway.",
      );
    });

    it('with force returns the orphans, keeps them, and clears [active] when it was active', () => {
      const t = specFixture();
      expect(t.store.removeAccount('ops-sa', { force: true })).toEqual(['checkout']);
      expect(t.store.getActive()).toEqual({});
      expect(t.store.listTargets().map((target) => target.name)).toEqual(['checkout', 'sandbox']);
      expect(t.read()).not.toContain('[active]');
    });

    it('dryRun checks as the removal would and changes nothing', () => {
      const t = specFixture();
      const before = readFileSync(t.configPath);
      expect(t.store.removeAccount('ops-sa', { force: true, dryRun: true })).toEqual(['checkout']);
      expect(() => t.store.removeAccount('ops-sa', { dryRun: true })).toThrow(AccountInUseError);
      expect(() => t.store.removeAccount('zz', { dryRun: true })).toThrow(
        "Account 'zz' not found.",
      );
      expect(readFileSync(t.configPath)).toEqual(before);
      expect(t.store.getAccount('ops-sa').name).toBe('ops-sa');
    });

    it('a missing account is an error', () => {
      const t = tempHome();
      t.store.addAccount('a', { type: 'oauth_browser', region: 'us' });
      expect(messageOf(expectUnchanged(t.configPath, () => t.store.removeAccount('zz')))).toBe(
        "Account 'zz' not found.",
      );
    });
  });

  describe("an account's state on disk (docs/files.md#what-remove-and-logout-delete)", () => {
    const tokens = new OAuthTokens({
      accessToken: 'old-access',
      refreshToken: 'old-refresh',
      expiresAt: new Date(Date.now() + 3_600_000),
      scope: 'read projects',
      tokenType: 'Bearer',
    });
    /** tokens.json, me.json and client.json of `name`, as a logged-in account has them. */
    const withState = (t: ReturnType<typeof tempHome>, name: string) => {
      t.tokens.writeTokens(name, tokens);
      t.tokens.writeMe(name, '{"user_id": 1}');
      t.tokens.writeClient(
        {
          clientId: 'client-1',
          region: 'us',
          redirectUri: 'http://localhost:19284/callback',
          scope: 'projects',
          createdAt: new Date(),
        },
        name,
      );
      return join(t.home, '.mp', 'accounts', name);
    };

    it('remove deletes the tokens, client record and /me cache before the config forgets the account', () => {
      const t = tempHome();
      t.store.addAccount('me', { type: 'oauth_browser', region: 'us' });
      const dir = withState(t, 'me');
      expect(readdirSync(dir).sort()).toEqual(['client.json', 'me.json', 'tokens.json']);
      t.store.removeAccount('me');
      expect(existsSync(dir)).toBe(false);
      expect(t.tokens.readTokens('me')).toBeNull();
      expect(existsSync(join(t.home, '.mp', 'oauth', 'client_us.json'))).toBe(true);
    });

    it('remove refuses a linked account directory and leaves config.toml and the link target as they were', () => {
      const t = tempHome();
      t.store.addAccount('me', { type: 'oauth_browser', region: 'us' });
      const elsewhere = join(t.home, 'elsewhere');
      mkdirSync(elsewhere);
      writeFileSync(join(elsewhere, 'tokens.json'), 'keep');
      mkdirSync(join(t.home, '.mp', 'accounts'), { recursive: true });
      symlinkSync(elsewhere, join(t.home, '.mp', 'accounts', 'me'));
      const error = expectUnchanged(t.configPath, () => t.store.removeAccount('me'));
      expect(ConfigError.isInstance(error)).toBe(true);
      expect(messageOf(error)).toMatch(/symlink/);
      expect(readFileSync(join(elsewhere, 'tokens.json'), 'utf8')).toBe('keep');
      expect(t.store.getAccount('me').name).toBe('me');
    });

    it('remove refuses a referenced account before deleting anything', () => {
      const t = tempHome();
      t.store.addAccount('me', { type: 'oauth_browser', region: 'us' });
      t.store.addTarget('web', { account: 'me', project: '1' });
      withState(t, 'me');
      expect(() => t.store.removeAccount('me')).toThrow(AccountInUseError);
      expect(t.tokens.readTokens('me')?.accessToken.reveal()).toBe('old-access');
    });

    it.each([
      ['oauth_browser', { type: 'oauth_browser', region: 'us' }],
      ['service_account', { ...sa }],
      ['oauth_token', { type: 'oauth_token', region: 'us', tokenEnv: 'TOKEN' }],
    ] as const)(
      'add (%s) never adopts the state an earlier account of the name left',
      (_type, fields) => {
        const t = tempHome();
        const dir = withState(t, 'me'); // left over: no [accounts.me] in the config
        t.store.addAccount('me', fields);
        expect(existsSync(dir)).toBe(false);
        expect(t.tokens.readTokens('me')).toBeNull();
        expect(t.tokens.readMe('me')).toBeNull();
        expect(t.tokens.readClient('us', 'me')?.clientId).toBe('client-1'); // the region's record stays
      },
    );

    it('add refuses a linked leftover directory without writing the config', () => {
      const t = tempHome();
      t.store.addAccount('a', { type: 'oauth_browser', region: 'us' });
      const elsewhere = join(t.home, 'elsewhere');
      mkdirSync(elsewhere);
      writeFileSync(join(elsewhere, 'tokens.json'), 'keep');
      mkdirSync(join(t.home, '.mp', 'accounts'), { recursive: true });
      symlinkSync(elsewhere, join(t.home, '.mp', 'accounts', 'me'));
      const error = expectUnchanged(t.configPath, () =>
        t.store.addAccount('me', { type: 'oauth_browser', region: 'us' }),
      );
      expect(messageOf(error)).toMatch(/symlink/);
      expect(readFileSync(join(elsewhere, 'tokens.json'), 'utf8')).toBe('keep');
    });

    it('a failed add (name taken) deletes nothing', () => {
      const t = tempHome();
      t.store.addAccount('me', { type: 'oauth_browser', region: 'us' });
      withState(t, 'me');
      expect(() => t.store.addAccount('me', { type: 'oauth_browser', region: 'us' })).toThrow(
        "Account 'me' already exists.",
      );
      expect(t.tokens.readTokens('me')?.accessToken.reveal()).toBe('old-access');
    });
  });

  it('use sets the account and drops the workspace pin; unknown names fail', () => {
    const t = specFixture();
    t.store.useAccount('me');
    expect(t.store.getActive()).toEqual({ account: 'me' });
    expect(messageOf(expectUnchanged(t.configPath, () => t.store.useAccount('ghost')))).toBe(
      "Cannot set active account: 'ghost' is not configured.",
    );
  });

  it('show returns the named or active summary', () => {
    const t = specFixture();
    expect(t.store.showAccount().name).toBe('ops-sa');
    expect(t.store.showAccount('me')).toMatchObject({
      isActive: false,
      projectId: '12001',
      referencedByTargets: ['sandbox'],
    });
    t.store.clearActive({ account: true });
    expect(() => t.store.showAccount()).toThrow('No active account configured.');
    expect(() => t.store.showAccount('ghost')).toThrow("Account 'ghost' not found.");
  });

  it('list summaries carry is_active and referenced_by_targets and never a secret', () => {
    const t = specFixture();
    const list = t.store.listAccounts();
    expect(list.map((s) => [s.name, s.isActive, s.referencedByTargets])).toEqual([
      ['me', false, ['sandbox']],
      ['ops-sa', true, ['checkout']],
      ['pipeline', false, []],
    ]);
    expect(JSON.stringify(list)).not.toContain('Zx81');
  });
});

describe('[active] and applySession', () => {
  it('setActive writes only the given axis and validates it', () => {
    const t = specFixture();
    t.store.setActive({ workspace: 5 });
    expect(t.store.getActive()).toEqual({ account: 'ops-sa', workspace: 5 });
    t.store.setActive({ account: 'me' });
    expect(t.store.getActive()).toEqual({ account: 'me', workspace: 5 });
    t.store.setActive({ account: 'me' });
    expect(t.store.getActive()).toEqual({ account: 'me', workspace: 5 });
    expect(
      messageOf(expectUnchanged(t.configPath, () => t.store.setActive({ workspace: 0 }))),
    ).toBe('Invalid workspace ID: 0. Must be a positive integer.');
    expect(
      messageOf(expectUnchanged(t.configPath, () => t.store.setActive({ account: 'ghost' }))),
    ).toBe("Cannot set active account: 'ghost' is not configured.");
  });

  it('one call writes account, workspace and the default project', () => {
    const t = specFixture();
    t.store.applySession({ account: 'me', project: '999', workspace: 42 });
    expect(t.store.getActive()).toEqual({ account: 'me', workspace: 42 });
    expect(t.store.getAccount('me').defaultProject).toBe('999');
    expect(t.store.getAccount('ops-sa').defaultProject).toBe('4400117');
  });

  it('project lands on the active account when none is named', () => {
    const t = specFixture();
    t.store.applySession({ project: '31' });
    expect(t.store.getAccount('ops-sa').defaultProject).toBe('31');
    expect(t.store.getActive()).toEqual({ account: 'ops-sa', workspace: 777001 });
  });

  it('clearWorkspace removes the pin; it conflicts with workspace', () => {
    const t = specFixture();
    t.store.applySession({ clearWorkspace: true });
    expect(t.store.getActive()).toEqual({ account: 'ops-sa' });
    expect(() => t.store.applySession({ workspace: 1, clearWorkspace: true })).toThrow(
      ArgumentError,
    );
  });

  it('project without any account fails with the reference text', () => {
    const t = tempHome();
    t.store.addAccount('a', { type: 'oauth_browser', region: 'us' });
    t.store.clearActive({ account: true });
    const error = t.store.applySession.bind(t.store, { project: '1' });
    expect(messageOf(expectUnchanged(t.configPath, error))).toBe(
      'Cannot set project: no active account. Run `mp account use NAME` first, or pass `account=NAME` together with `project=`.',
    );
    expect(
      messageOf(
        expectUnchanged(t.configPath, () => t.store.applySession({ account: 'a', project: 'x' })),
      ),
    ).toContain("Invalid account fields for 'a'");
  });
});

describe('targets', () => {
  it('a minimal target has no workspace key; a full one has all three', () => {
    const t = specFixture();
    expect(t.read()).toMatch(/\[targets\.sandbox\]\naccount = "me"\nproject = "12002"\n(\n|$)/);
    expect(t.read()).toContain(
      '[targets.checkout]\naccount = "ops-sa"\nproject = "4400118"\nworkspace = 777002\n',
    );
    expect(t.store.getTarget('sandbox')).toEqual({
      name: 'sandbox',
      account: 'me',
      project: '12002',
    });
  });

  it.each([
    [
      't2',
      { account: 'ghost', project: '1' },
      "Cannot create target 't2': account 'ghost' is not configured.",
    ],
    ['checkout', { account: 'me', project: '1' }, "Target 'checkout' already exists."],
    [
      't2',
      { account: 'me', project: 'abc' },
      "Invalid target fields for 't2': String should match pattern",
    ],
    [
      't2',
      { account: 'me', project: '1', workspace: 0 },
      "Invalid target fields for 't2': Input should be greater than 0",
    ],
    ['a b', { account: 'me', project: '1' }, "Invalid target name 'a b'"],
  ])('add %s %j fails and writes nothing', (name, fields, message) => {
    const t = specFixture();
    expect(
      messageOf(expectUnchanged(t.configPath, () => t.store.addTarget(name, fields))),
    ).toContain(message);
  });

  it('remove works, then get fails; removing a missing target fails', () => {
    const t = specFixture();
    t.store.removeTarget('sandbox');
    expect(() => t.store.getTarget('sandbox')).toThrow("Target 'sandbox' not found.");
    expect(messageOf(expectUnchanged(t.configPath, () => t.store.removeTarget('sandbox')))).toBe(
      "Target 'sandbox' not found.",
    );
  });

  it('apply reproduces the worked example of docs/files.md#worked-example', () => {
    const t = specFixture();
    const before = t.store.getAccount('me');
    t.store.applyTarget('checkout');
    expect(t.store.getActive()).toEqual({ account: 'ops-sa', workspace: 777002 });
    expect(t.store.getAccount('ops-sa').defaultProject).toBe('4400118');
    expect(t.store.getAccount('me').equals(before)).toBe(true);
    t.store.useAccount('me');
    expect(t.store.getActive()).toEqual({ account: 'me' });
    expect(t.store.removeAccount('ops-sa', { force: true })).toEqual(['checkout']);
    expect(t.store.getActive()).toEqual({ account: 'me' });
    expect(t.store.getTarget('checkout').account).toBe('ops-sa');
  });

  it('apply of a target without workspace clears the pin', () => {
    const t = specFixture();
    t.store.applyTarget('sandbox');
    expect(t.store.getActive()).toEqual({ account: 'me' });
    expect(t.store.getAccount('me').defaultProject).toBe('12002');
  });

  it('apply fails clearly for a missing target or an orphaned one', () => {
    const t = specFixture();
    expect(messageOf(expectUnchanged(t.configPath, () => t.store.applyTarget('nope')))).toBe(
      "Target 'nope' not found.",
    );
    t.store.removeAccount('me', { force: true });
    expect(messageOf(expectUnchanged(t.configPath, () => t.store.applyTarget('sandbox')))).toBe(
      "Cannot apply target 'sandbox': account 'me' is not configured.",
    );
  });

  it('lists sorted; an orphaned target still lists', () => {
    const t = specFixture();
    t.store.removeAccount('me', { force: true });
    expect(t.store.listTargets().map((target: Target) => target.name)).toEqual([
      'checkout',
      'sandbox',
    ]);
  });
});

describe('session namespace', () => {
  it('use with a target applies it; a target with an axis is an argument error', () => {
    const t = specFixture();
    t.store.useSession({ target: 'sandbox' });
    expect(t.store.showSession()).toEqual({ account: 'me' });
    // @ts-expect-error a target with an axis does not compile; JavaScript callers get the error
    expect(() => t.store.useSession({ target: 'sandbox', account: 'me' })).toThrow(
      '`target=` is mutually exclusive with `account=`/`project=`/`workspace=`.',
    );
  });

  it('use with an account drops the old workspace unless one is given', () => {
    const t = specFixture();
    t.store.useSession({ account: 'me' });
    expect(t.store.showSession()).toEqual({ account: 'me' });
    t.store.useSession({ account: 'ops-sa', workspace: 8, project: '77' });
    expect(t.store.showSession()).toEqual({ account: 'ops-sa', workspace: 8 });
    expect(t.store.getAccount('ops-sa').defaultProject).toBe('77');
  });
});

describe('custom header setting', () => {
  it('round-trips and clears', () => {
    const t = specFixture();
    expect(t.store.getCustomHeader()).toBeNull();
    t.store.setCustomHeader({ name: 'X-Mixpanel-Cluster', value: 'canary-3' });
    expect(t.store.getCustomHeader()).toEqual({ name: 'X-Mixpanel-Cluster', value: 'canary-3' });
    expect(t.read()).toContain(
      '[settings.custom_header]\nname = "X-Mixpanel-Cluster"\nvalue = "canary-3"\n',
    );
    t.store.clearCustomHeader();
    expect(t.store.getCustomHeader()).toBeNull();
    expect(t.read()).not.toContain('[settings');
  });

  it('refuses a bad name or a value with a line break', () => {
    const t = specFixture();
    expect(() => t.store.setCustomHeader({ name: 'Bad Name', value: 'v' })).toThrow(ConfigError);
    expect(() => t.store.setCustomHeader({ name: 'X', value: 'a\nb' })).toThrow(ConfigError);
  });

  it('keeps unknown [settings] keys and unknown tables through a write', () => {
    const t = tempHome();
    mkdirSync(join(t.home, '.mp'), { mode: 0o700 });
    writeFileSync(t.configPath, 'future = "x"\n[settings]\ntheme = "dark"\n[weird]\nn = 3\n', {
      mode: 0o600,
    });
    t.store.addAccount('a', { type: 'oauth_browser', region: 'us' });
    t.store.setCustomHeader({ name: 'X-A', value: 'b' });
    const doc = t.store.read().document;
    expect(doc.future).toBe('x');
    expect(doc.settings).toEqual({ theme: 'dark', custom_header: { name: 'X-A', value: 'b' } });
    expect(doc.weird).toEqual({ n: 3 });
  });
});

describe('transactions', () => {
  it('several mutations write once, and only when something changed', () => {
    const t = specFixture();
    const before = t.read();
    const result = t.store.transaction((document) => {
      (document.active as Record<string, unknown>).workspace = 1;
      (document.active as Record<string, unknown>).workspace = 777001;
      return 'done';
    });
    expect(result).toBe('done');
    expect(t.read()).toBe(before);
  });

  it('an exception in the body writes nothing, whatever ran before it', () => {
    const t = specFixture();
    expectUnchanged(t.configPath, () =>
      t.store.transaction((document) => {
        delete document.accounts;
        throw new Error('late failure');
      }),
    );
  });

  it('a v2-shaped account block blocks new writes with no partial persist', () => {
    const t = tempHome();
    mkdirSync(join(t.home, '.mp'), { mode: 0o700 });
    writeFileSync(
      t.configPath,
      '[accounts.old]\nusername = "u"\nsecret = "s"\nproject_id = "1"\nregion = "us"\n',
      { mode: 0o600 },
    );
    const error = expectUnchanged(t.configPath, () =>
      t.store.addAccount('new', { type: 'oauth_browser', region: 'us' }),
    );
    expect(messageOf(error)).toContain(
      "Invalid [accounts.old] block: Unable to extract tag using discriminator 'type'",
    );
    expect(messageOf(error)).toContain('This looks like a config from an older version');
  });

  it('legacy root markers are read but never written to', () => {
    const t = tempHome();
    mkdirSync(join(t.home, '.mp'), { mode: 0o700 });
    writeFileSync(t.configPath, 'config_version = 2\n[credentials.x]\nusername = "u"\n', {
      mode: 0o600,
    });
    expect(t.store.listAccounts()).toEqual([]);
    const error = expectUnchanged(t.configPath, () =>
      t.store.addAccount('a', { type: 'oauth_browser', region: 'us' }),
    );
    expect(messageOf(error)).toContain('older config format (config_version, credentials)');
  });
});

describe('names that collide with Object.prototype', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])(
    'account and target %s survive writes',
    (name) => {
      const t = tempHome();
      t.store.addAccount('first', { type: 'oauth_browser', region: 'us' });
      t.store.addAccount(name, { ...sa, defaultProject: '1' });
      t.store.addTarget(name, { account: name, project: '2' });
      t.store.addAccount('last', { type: 'oauth_browser', region: 'us' });
      expect(t.store.getAccount(name).name).toBe(name);
      expect(t.store.listAccounts().map((a) => a.name)).toEqual(
        ['__proto__', 'constructor', 'first', 'hasOwnProperty', 'last', 'toString'].filter(
          (n) => n === name || ['first', 'last'].includes(n),
        ),
      );
      expect(t.store.getTarget(name).account).toBe(name);
      expect(Object.getPrototypeOf(t.store.read().document.accounts)).toBe(Object.prototype);
    },
  );

  it('an unknown prototype name is "not found", not a crash', () => {
    const t = tempHome();
    t.store.addAccount('a', { type: 'oauth_browser', region: 'us' });
    expect(() => t.store.getAccount('toString')).toThrow("Account 'toString' not found.");
    expect(() => t.store.useAccount('constructor')).toThrow(
      "Cannot set active account: 'constructor' is not configured.",
    );
  });
});

describe('refusals of an unsafe config.toml', () => {
  const setup = () => {
    const t = tempHome();
    t.store.addAccount('a', { type: 'oauth_browser', region: 'us' });
    return t;
  };
  const refusalOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('CONFIG_ERROR');
      return error as ConfigError;
    }
    throw new Error('expected a refusal');
  };

  it('a group/world-readable file, with the chmod fix', () => {
    const t = setup();
    chmodSync(t.configPath, 0o644);
    const error = refusalOf(() => t.store.listAccounts());
    expect(error.message).toBe(
      `Could not parse config at ${t.configPath}: Refusing to read credential with mode 0o644 (group/world bits set): ${t.configPath}. Run \`chmod 600 ${t.configPath}\`.`,
    );
    expect(() => t.store.addAccount('b', { type: 'oauth_browser', region: 'us' })).toThrow(
      'mode 0o644',
    );
    expect(t.mode(t.configPath)).toBe(0o644);
  });

  it.each(['live', 'dangling'])('a %s symlink in place of config.toml', (kind) => {
    const t = setup();
    const real = join(t.home, 'real.toml');
    renameSync(t.configPath, real);
    symlinkSync(kind === 'live' ? real : join(t.home, 'missing.toml'), t.configPath);
    const error = refusalOf(() => t.store.listAccounts());
    expect(error.message).toContain(`Refusing to read credential at symlink: ${t.configPath}`);
    expect(error.message).toContain('Replace the link with the file itself');
    refusalOf(() => t.store.addAccount('b', { type: 'oauth_browser', region: 'us' }));
    expect(lstatSync(t.configPath).isSymbolicLink()).toBe(true);
  });

  it('a symlinked ~/.mp', () => {
    const t = tempHome();
    const elsewhere = join(t.home, 'dotfiles-mp');
    mkdirSync(elsewhere, { mode: 0o700 });
    writeFileSync(
      join(elsewhere, 'config.toml'),
      '[accounts.a]\ntype = "oauth_browser"\nregion = "us"\n',
      { mode: 0o600 },
    );
    symlinkSync(elsewhere, join(t.home, '.mp'));
    expect(refusalOf(() => t.store.listAccounts()).message).toContain('symlinked directory');
  });
});
