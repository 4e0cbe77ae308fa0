/**
 * Random and near-valid input never crashes the reader with anything but our
 * typed errors; files with secrets in them (config.toml, tokens.json, client
 * records) never have a part of one shown in an error or a warning.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MixpanelDataError } from '@mixpanel-data/auth-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  checkWarnings,
  damaged,
  mutated,
  parseOrTypedError,
  secretArb,
  secretsIn,
} from '../../../test-utils/fuzz';
import { FileTokenStore, stringifyToml } from '../src/index';
import { tempHome } from './helpers';

const VALID = `[active]
account = "ops-sa"
workspace = 777001

[accounts.ops-sa]
type = "service_account"
region = "eu"
default_project = "4400117"
username = "bot"
secret = "s"

[targets.checkout]
account = "ops-sa"
project = "4400118"

[settings.custom_header]
name = "X"
value = "y"
`;

/** Every read operation a command could run; each either works or throws one of our errors. */
function exercise(t: ReturnType<typeof tempHome>, bytes: Uint8Array | string): void {
  writeFileSync(t.configPath, bytes);
  chmodSync(t.configPath, 0o600);
  for (const read of [
    () => t.store.listAccounts(),
    () => t.store.listTargets(),
    () => t.store.getActive(),
    () => t.store.getCustomHeader(),
    () => t.store.showAccount(),
    () => t.store.getAccount('ops-sa'),
    () => t.store.addTarget('fuzz', { account: 'ops-sa', project: '1' }),
  ]) {
    try {
      read();
    } catch (error) {
      if (!MixpanelDataError.isInstance(error)) throw error;
      expect((error as Error).message).not.toMatch(/\n\s+at /);
    }
  }
}

it('random bytes', () => {
  const t = tempHome();
  mkdirSync(join(t.home, '.mp'), { mode: 0o700 });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => exercise(t, bytes)),
    { numRuns: 300 },
  );
});

it('near-valid TOML: the example with random edits', () => {
  const t = tempHome();
  mkdirSync(join(t.home, '.mp'), { mode: 0o700 });
  const pieces = [
    '"',
    '=',
    '[',
    ']',
    '\n',
    '0',
    '-1',
    'true',
    '{',
    '}',
    '"us"',
    'type',
    '.',
    ' ',
    '#',
    '\\',
    'é',
    '[[x]]',
    '1979-05-27',
  ];
  const edit = fc.record({
    at: fc.nat({ max: VALID.length }),
    drop: fc.nat({ max: 6 }),
    insert: fc.constantFrom(...pieces),
  });
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
      let text = VALID;
      for (const { at, drop, insert } of edits)
        text = text.slice(0, at) + insert + text.slice(at + drop);
      exercise(t, text);
    }),
    { numRuns: 500 },
  );
});

const regionArb = fc.constantFrom('us', 'eu', 'in', 'xx');

/** TOML has no null: such values are left out. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null)
      .map(([key, item]) => [key, withoutNulls(item)]),
  );
}

/** A config document with a service-account secret and an inline token, its records changed at random. */
const configArb = fc
  .record({
    sa: fc.record({
      type: fc.constant('service_account'),
      region: regionArb,
      username: fc.constant('bot'),
      secret: secretArb,
      default_project: fc.constantFrom('4400117', 'x'),
    }),
    ci: fc.record({ type: fc.constant('oauth_token'), region: regionArb, token: secretArb }),
    me: fc.record({ type: fc.constantFrom('oauth_browser', 'browser'), region: regionArb }),
  })
  .chain(({ sa, ci, me }) =>
    fc.record({ sa: mutated(sa), ci: mutated(ci), me: mutated(me) }).chain((accounts) =>
      mutated({
        active: { account: 'sa', workspace: 777001 },
        accounts,
        targets: { checkout: { account: 'sa', project: '4400118' } },
      }),
    ),
  )
  .chain((document) =>
    damaged(stringifyToml(withoutNulls(document) as Record<string, unknown>)).map((text) => ({
      text,
      secrets: secretsIn(document),
    })),
  );

/** The second line of an error about an older config format (docs/files.md#legacy-configs). */
const LEGACY_HINT =
  /^This looks like a config from an older version; delete `.+` and re-add accounts/;

it('config.toml with secrets: every read works or fails with one line that shows no secret', () => {
  const t = tempHome();
  mkdirSync(join(t.home, '.mp'), { mode: 0o700 });
  let refused = 0;
  fc.assert(
    fc.property(configArb, ({ text, secrets }) => {
      writeFileSync(t.configPath, text, { mode: 0o600 });
      for (const read of [
        () => t.store.listAccounts(),
        () => t.store.getAccount('sa'),
        () => t.store.getAccount('ci'),
        () => t.store.showAccount(),
        () => t.store.getActive(),
        () => t.store.listTargets(),
        () => t.store.addTarget('fuzz', { account: 'me', project: '1' }),
      ]) {
        if (parseOrTypedError(read, secrets, { hint: LEGACY_HINT }) instanceof Error) refused++;
      }
    }),
    { numRuns: 300 },
  );
  expect(refused).toBeGreaterThan(100);
});

const tokensArb = fc
  .record({
    access_token: secretArb,
    refresh_token: secretArb,
    expires_at: fc.constantFrom('2026-06-01T09:30:00.000000+00:00', '2026-06-01T09:30:00', 'soon'),
    token_type: fc.constant('Bearer'),
    scope: fc.constant('projects'),
  })
  .chain((record) => mutated(record))
  .chain((record) =>
    damaged(JSON.stringify(record)).map((text) => ({ text, secrets: secretsIn(record) })),
  );

it('tokens.json: read as tokens or refused with one line that shows no token', () => {
  const t = tempHome();
  const path = t.tokens.tokensPath('me');
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let read = 0;
  let refused = 0;
  fc.assert(
    fc.property(tokensArb, ({ text, secrets }) => {
      writeFileSync(path, text, { mode: 0o600 });
      const outcome = parseOrTypedError(() => t.tokens.readTokens('me'), secrets);
      if (outcome instanceof Error) {
        expect(outcome.name).toBe('OAuthTokenError');
        refused++;
      } else read++;
    }),
    { numRuns: 300 },
  );
  expect(read).toBeGreaterThan(20);
  expect(refused).toBeGreaterThan(20);
});

const clientArb = fc
  .record({
    client_id: fc.constantFrom('mock-client-1', 'mock-client-2', ''),
    client_secret: secretArb,
    region: fc.constantFrom('us', 'us', 'eu'),
    redirect_uri: fc.constant('http://localhost:19284/callback'),
    scope: fc.constant('projects'),
    created_at: fc.constantFrom(
      '2026-05-01T10:00:00.123000+00:00',
      '2026-05-01T10:00:00Z',
      'yesterday',
    ),
  })
  .chain((record) => mutated(record))
  .chain((record) =>
    damaged(JSON.stringify(record, null, 2)).map((text) => ({ text, secrets: secretsIn(record) })),
  );

it('client records: used or ignored with a one-line warning that shows no secret, never an exception', () => {
  const t = tempHome();
  const warnings: string[] = [];
  const store = new FileTokenStore({
    env: t.env,
    home: t.home,
    onWarning: (message) => warnings.push(message),
  });
  const regional = store.clientPath('us');
  const own = join(t.home, '.mp', 'accounts', 'me', 'client.json');
  mkdirSync(dirname(regional), { recursive: true, mode: 0o700 });
  mkdirSync(dirname(own), { recursive: true, mode: 0o700 });
  let used = 0;
  fc.assert(
    fc.property(clientArb, clientArb, (first, second) => {
      writeFileSync(regional, first.text, { mode: 0o600 });
      writeFileSync(own, second.text, { mode: 0o600 });
      warnings.length = 0;
      const secrets = [...first.secrets, ...second.secrets];
      // no exception at all: an unusable record is absent
      if (store.readClient('us', 'me') !== null) used++;
      checkWarnings(warnings, secrets);
    }),
    { numRuns: 300 },
  );
  expect(used).toBeGreaterThan(20);
});
