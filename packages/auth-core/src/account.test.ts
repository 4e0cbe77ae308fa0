import { inspect } from 'node:util';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  type Account,
  accountInitSchema,
  accountToRecord,
  authHeader,
  createAccount,
  OAuthBrowserAccount,
  OAuthTokenAccount,
  parseAccountRecord,
  ServiceAccount,
  staticToken,
} from './account';
import { ArgumentError, OAuthError, ValidationError } from './errors';
import { firstProblem } from './issues';
import { Project, Session } from './model';
import type { TokenResolver } from './token-resolver';

const resolver: TokenResolver = {
  getBrowserToken: async (name, region) => `browser-${name}-${region}`,
  getStaticToken: (account) => staticToken(account, { TOK: 'from-env' }),
  assertBrowserTokenAvailable: () => {},
  forceRefresh: async () => 'refreshed',
};

const sa = (over: Record<string, unknown> = {}) =>
  new ServiceAccount({
    name: 'team',
    region: 'us',
    username: 'demo.sa',
    secret: 's3cret',
    ...over,
  });

describe('account names (docs/files.md#names-regions-and-ids)', () => {
  it.each(['a', 'x'.repeat(64), '-x', '_', '123', 'A-b_9'])('accepts %j', (name) => {
    expect(new OAuthBrowserAccount({ name, region: 'us' }).name).toBe(name);
  });
  it.each(['', 'x'.repeat(65), '.', 'a/b', 'a b', 'café', 'name\n', '../x'])(
    'rejects %j',
    (name) => {
      expect(() => new OAuthBrowserAccount({ name, region: 'us' })).toThrow(ValidationError);
    },
  );
});

describe('field rules', () => {
  it.each(['US', 'eu ', 'jp', ''])('rejects region %j', (region) => {
    expect(() => new OAuthBrowserAccount({ name: 'a', region })).toThrow(/Input should be/);
  });

  it.each(['0', '007', '12345'])('keeps project id %j verbatim', (id) => {
    expect(
      new OAuthBrowserAccount({ name: 'a', region: 'eu', defaultProject: id }).defaultProject,
    ).toBe(id);
  });

  it.each(['', '-1', 'abc', '１２', '1.5'])('rejects project id %j', (id) => {
    expect(() => new OAuthBrowserAccount({ name: 'a', region: 'eu', defaultProject: id })).toThrow(
      /default_project/,
    );
  });

  it('needs a username of at least one character', () => {
    expect(() => sa({ username: '' })).toThrow(/username/);
  });

  it('accepts an empty secret when reading (the CLI refuses it on input)', () => {
    expect(sa({ secret: '' }).secret.reveal()).toBe('');
  });

  it('requires exactly one of token / token_env', () => {
    expect(() => new OAuthTokenAccount({ name: 'ci', region: 'us' })).toThrow(
      'OAuthTokenAccount requires exactly one of `token` or `token_env`.',
    );
    expect(
      () => new OAuthTokenAccount({ name: 'ci', region: 'us', token: 't', tokenEnv: 'X' }),
    ).toThrow(/exactly one/);
    expect(new OAuthTokenAccount({ name: 'ci', region: 'us', tokenEnv: 'X' }).tokenEnv).toBe('X');
  });

  it('rejects fields of another variant and unknown fields', () => {
    expect(() =>
      createAccount({ type: 'oauth_browser', name: 'a', region: 'us', secret: 'x' } as never),
    ).toThrow(/Extra inputs are not permitted \(`secret`\)/);
    expect(() =>
      createAccount({
        type: 'service_account',
        name: 'a',
        region: 'us',
        username: 'u',
        secret: 's',
        token: 't',
      } as never),
    ).toThrow(/Extra inputs/);
    expect(() => createAccount({ type: 'nope', name: 'a', region: 'us' } as never)).toThrow(
      /Input should be "service_account" or "oauth_browser" or "oauth_token", not "nope"/,
    );
  });

  it('is frozen and immutable', () => {
    const account = sa();
    expect(Object.isFrozen(account)).toBe(true);
    expect(() => {
      (account as { region: string }).region = 'eu';
    }).toThrow(TypeError);
  });

  it('reports isLongLived per type', () => {
    expect(sa().isLongLived()).toBe(true);
    expect(new OAuthBrowserAccount({ name: 'b', region: 'us' }).isLongLived()).toBe(true);
    expect(new OAuthTokenAccount({ name: 'c', region: 'us', token: 't' }).isLongLived()).toBe(
      false,
    );
  });
});

describe('auth headers', () => {
  it('builds the Basic header of docs/http.md#authorization-header', async () => {
    expect(await authHeader(sa())).toBe('Basic ZGVtby5zYTpzM2NyZXQ=');
    expect(await sa({ username: 'svc', secret: 'p@ss:word' }).authHeader()).toBe(
      'Basic c3ZjOnBAc3M6d29yZA==',
    );
    expect(await sa({ username: 'é', secret: '☃😀' }).authHeader()).toBe(
      `Basic ${Buffer.from('é:☃😀', 'utf8').toString('base64')}`,
    );
  });

  it('matches Buffer base64 for arbitrary strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), fc.string(), async (username, secret) => {
        const header = await sa({ username, secret }).authHeader();
        expect(header).toBe(
          `Basic ${Buffer.from(`${username}:${secret}`, 'utf8').toString('base64')}`,
        );
      }),
    );
  });

  it('gets Bearer tokens from the resolver', async () => {
    expect(await new OAuthBrowserAccount({ name: 'me', region: 'eu' }).authHeader(resolver)).toBe(
      'Bearer browser-me-eu',
    );
    expect(
      await new OAuthTokenAccount({ name: 'ci', region: 'us', token: 'inline' }).authHeader(
        resolver,
      ),
    ).toBe('Bearer inline');
    expect(
      await new OAuthTokenAccount({ name: 'ci', region: 'us', tokenEnv: 'TOK' }).authHeader(
        resolver,
      ),
    ).toBe('Bearer from-env');
  });

  it('takes the resolver in the spec form `{ tokenResolver }` too, for accounts and sessions', async () => {
    const browser = new OAuthBrowserAccount({ name: 'me', region: 'eu' });
    const token = new OAuthTokenAccount({ name: 'ci', region: 'us', tokenEnv: 'TOK' });
    expect(await browser.authHeader({ tokenResolver: resolver })).toBe('Bearer browser-me-eu');
    expect(await authHeader(token, { tokenResolver: resolver })).toBe('Bearer from-env');
    const session = new Session({ account: browser, project: new Project({ id: '1' }) });
    expect(await session.authHeader({ tokenResolver: resolver })).toBe('Bearer browser-me-eu');
  });

  it('rejects a missing or unusable resolver with ArgumentError, never a TypeError', async () => {
    const browser = new OAuthBrowserAccount({ name: 'me', region: 'us' });
    for (const given of [{}, { tokenResolver: undefined }, { tokenResolver: {} }, {} as never]) {
      await expect(browser.authHeader(given as never)).rejects.toThrow(ArgumentError);
    }
  });

  it('needs a resolver for OAuth accounts', async () => {
    await expect(
      new OAuthBrowserAccount({ name: 'me', region: 'us' }).authHeader(),
    ).rejects.toThrow(ArgumentError);
  });

  it('fails clearly when a token_env variable is unset or empty', () => {
    const account = new OAuthTokenAccount({ name: 'ci', region: 'us', tokenEnv: 'CI_TOK' });
    for (const env of [{}, { CI_TOK: '' }]) {
      try {
        staticToken(account, env);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(OAuthError);
        expect((error as OAuthError).code).toBe('OAUTH_TOKEN_ERROR');
        expect((error as OAuthError).message).toContain(
          "OAuth account 'ci' references env var `CI_TOK`, but it is not set or is empty.",
        );
        expect((error as OAuthError).details).toEqual({ account_name: 'ci', env_var: 'CI_TOK' });
      }
    }
  });
});

describe('on-disk records', () => {
  it('serialises keys in canonical order without null values', () => {
    expect(Object.keys(accountToRecord(sa({ defaultProject: '1' }), false))).toEqual([
      'type',
      'region',
      'default_project',
      'username',
      'secret',
    ]);
    expect(
      accountToRecord(new OAuthTokenAccount({ name: 'p', region: 'in', tokenEnv: 'B' }), true),
    ).toEqual({
      type: 'oauth_token',
      name: 'p',
      region: 'in',
      token_env: 'B',
    });
  });

  it('parses the TOML block form and rejects a name inside it', () => {
    const parsed = parseAccountRecord({ type: 'oauth_browser', region: 'us' }, 'me');
    expect('account' in parsed && parsed.account.name).toBe('me');
    expect(parseAccountRecord({ type: 'oauth_browser', region: 'us', name: 'me' }, 'me')).toEqual({
      problem: { field: 'name', message: 'Extra inputs are not permitted' },
    });
  });

  it('reports a missing or unknown type as the account schema does', () => {
    const records = [
      { region: 'us' },
      { type: undefined, region: 'us' },
      { type: 'nope', region: 'us' },
      { type: 7, region: 'us' },
      { type: 'OAUTH_BROWSER', region: 'us' },
      { type: '__proto__', region: 'us' },
      { type: 'toString', region: 'us' },
    ];
    for (const record of records) {
      const result = v.safeParse(accountInitSchema, { ...record, name: 'x' });
      expect(result.success).toBe(false);
      expect(parseAccountRecord(record, 'x')).toEqual({
        problem: firstProblem(result.issues ?? []),
      });
    }
  });

  it('rejects camelCase keys on disk and legacy v1 blocks', () => {
    expect(
      parseAccountRecord({ type: 'oauth_browser', region: 'us', defaultProject: '1' }, 'me'),
    ).toEqual({
      problem: { field: 'defaultProject', message: 'Extra inputs are not permitted' },
    });
    expect(
      parseAccountRecord({ username: 'u', secret: 's', project_id: '1', region: 'us' }, 'old'),
    ).toEqual({
      problem: { field: 'type', message: "Unable to extract tag using discriminator 'type'" },
    });
    expect(
      parseAccountRecord(
        { type: 'service_account', region: 'us', username: 'u', secret: 's', project_id: '1' },
        'x',
      ),
    ).toEqual({
      problem: { field: 'project_id', message: 'Extra inputs are not permitted' },
    });
    expect(
      parseAccountRecord({ type: 'oauth_browser', region: 'us', default_project: 5 }, 'x'),
    ).toEqual({
      problem: { field: 'default_project', message: 'Input should be a valid string' },
    });
  });

  const accountArb: fc.Arbitrary<Account> = fc
    .record({
      name: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      region: fc.constantFrom('us', 'eu', 'in'),
      defaultProject: fc.option(fc.stringMatching(/^[0-9]{1,12}$/), { nil: undefined }),
      kind: fc.constantFrom('service_account', 'oauth_browser', 'oauth_token', 'oauth_token_env'),
      username: fc.string({ minLength: 1 }),
      secret: fc.string(),
    })
    .map(({ kind, username, secret, ...common }) =>
      kind === 'service_account'
        ? createAccount({ type: kind, ...common, username, secret })
        : kind === 'oauth_browser'
          ? createAccount({ type: kind, ...common })
          : kind === 'oauth_token'
            ? createAccount({ type: kind, ...common, token: secret })
            : createAccount({ type: 'oauth_token', ...common, tokenEnv: username }),
    );

  it('round-trips parse(serialize(a)) in both the TOML and JSON forms', () => {
    fc.assert(
      fc.property(accountArb, (account) => {
        const block = parseAccountRecord(accountToRecord(account, false), account.name);
        const json = parseAccountRecord(JSON.parse(JSON.stringify(accountToRecord(account, true))));
        expect('account' in block && block.account.equals(account)).toBe(true);
        expect('account' in json && json.account.equals(account)).toBe(true);
      }),
    );
  });

  it('never shows a secret when printed', () => {
    fc.assert(
      fc.property(accountArb, fc.stringMatching(/^[a-z]{12}$/), (account, secret) => {
        const withSecret =
          account.type === 'service_account'
            ? sa({ secret: `S${secret}` })
            : new OAuthTokenAccount({ name: 'c', region: 'us', token: `S${secret}` });
        for (const text of [
          String(withSecret),
          JSON.stringify(withSecret),
          inspect(withSecret, { depth: 9 }),
        ]) {
          expect(text).not.toContain(`S${secret}`);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('compares accounts by value, secrets included', () => {
    expect(sa().equals(sa())).toBe(true);
    expect(sa().equals(sa({ secret: 'other' }))).toBe(false);
    expect(sa().equals(new OAuthBrowserAccount({ name: 'team', region: 'us' }))).toBe(false);
  });
});
