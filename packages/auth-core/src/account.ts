import * as v from 'valibot';
import { base64Utf8 } from './base64';
import { ArgumentError, OAuthTokenError, ValidationError } from './errors';
import { firstProblem, type Problem, problemText, untagged } from './issues';
import {
  ACCOUNT_TYPES,
  type AccountName,
  type AccountType,
  accountNameSchema,
  type ProjectId,
  projectIdSchema,
  type Region,
  regionSchema,
} from './scalars';
import { isSecret, type Secret, toSecret } from './secret';

const secretInput = /* @__PURE__ */ (() => v.union([v.string(), v.custom<Secret>(isSecret)]))();
const common = /* @__PURE__ */ (() => ({
  name: accountNameSchema,
  region: regionSchema,
  defaultProject: v.optional(projectIdSchema),
}))();
const exactlyOneToken = <T extends { token?: unknown; tokenEnv?: unknown }>(input: T) =>
  (input.token === undefined) !== (input.tokenEnv === undefined);
export const EXACTLY_ONE_TOKEN =
  'OAuthTokenAccount requires exactly one of `token` or `token_env`.';

/** One schema per account type, each the fields of that type alone. */
const schemaOfType = /* @__PURE__ */ (() => ({
  service_account: v.strictObject({
    type: v.literal('service_account'),
    ...common,
    username: v.pipe(v.string(), v.minLength(1)),
    secret: secretInput,
  }),
  oauth_browser: v.strictObject({ type: v.literal('oauth_browser'), ...common }),
  oauth_token: v.pipe(
    v.strictObject({
      type: v.literal('oauth_token'),
      ...common,
      token: v.optional(secretInput),
      tokenEnv: v.optional(v.string()),
    }),
    v.check(exactlyOneToken, EXACTLY_ONE_TOKEN),
  ),
}))();

/** Schema of the camelCase account fields (what constructors and `createAccount` take). */
export const accountInitSchema = /* @__PURE__ */ (() =>
  v.variant('type', Object.values(schemaOfType)))();

interface CommonInit {
  name: string;
  region: Region | string;
  defaultProject?: string | undefined;
}
export interface ServiceAccountInit extends CommonInit {
  username: string;
  secret: string | Secret;
}
export type OAuthBrowserAccountInit = CommonInit;
export interface OAuthTokenAccountInit extends CommonInit {
  token?: string | Secret | undefined;
  tokenEnv?: string | undefined;
}
export type AccountInit =
  | ({ type: 'service_account' } & ServiceAccountInit)
  | ({ type: 'oauth_browser' } & OAuthBrowserAccountInit)
  | ({ type: 'oauth_token' } & OAuthTokenAccountInit);

const TO_DISK: Record<string, string> = {
  defaultProject: 'default_project',
  tokenEnv: 'token_env',
};
const FROM_DISK: Record<string, string> = {
  default_project: 'defaultProject',
  token_env: 'tokenEnv',
};
const diskField = (field: string) =>
  field.replace(/^[^.]+/, (head) => TO_DISK[head] ?? head.replace(/^!/, ''));

/** The fields `check` accepted last (its own output, seen by no caller): a constructor given them does not check again. */
let accepted: object | undefined;

/** The `type` alone, for a missing or unknown one. */
const typeSchema = /* @__PURE__ */ (() => v.picklist(ACCOUNT_TYPES))();

/** Validates camelCase fields; returns the cleaned fields or the first problem (disk key names). */
function check(input: { type?: unknown }): { fields: AccountInit } | { problem: Problem } {
  const type = input.type as AccountType;
  // A known type goes straight to its own schema. `accountInitSchema` (a
  // variant) would first test, and build an issue for, every other type,
  // which cost a listing of thousands of accounts a third of its validation
  // time; a missing or unknown type gets the problem the variant reports.
  if (!ACCOUNT_TYPES.includes(type)) {
    const message =
      type === undefined
        ? untagged('type')
        : firstProblem(v.safeParse(typeSchema, type).issues ?? []).message;
    return { problem: { field: 'type', message } };
  }
  const result = v.safeParse(schemaOfType[type], input);
  if (result.success) {
    accepted = result.output;
    return { fields: result.output as AccountInit };
  }
  const problem = firstProblem(result.issues);
  return { problem: { ...problem, field: diskField(problem.field) } };
}

function validated(type: string, init: object): AccountInit {
  if (init === accepted) return init as AccountInit;
  const outcome = check({ ...init, type });
  if ('problem' in outcome) {
    const name = (init as { name?: unknown }).name;
    throw new ValidationError(
      `Invalid account fields for '${String(name)}': ${problemText(outcome.problem)}`,
      { details: { path: outcome.problem.field } },
    );
  }
  return outcome.fields;
}

abstract class AccountBase {
  abstract readonly type: 'service_account' | 'oauth_browser' | 'oauth_token';
  readonly name: AccountName;
  readonly region: Region;
  declare readonly defaultProject?: ProjectId;

  protected constructor(fields: AccountInit) {
    this.name = fields.name as AccountName;
    this.region = fields.region as Region;
    if (fields.defaultProject !== undefined)
      this.defaultProject = fields.defaultProject as ProjectId;
  }

  /** Whether the credential outlives a session without the caller rotating it. */
  abstract isLongLived(): boolean;

  /** `Basic …` or `Bearer …` for this account (see `authHeader`). */
  authHeader(resolver?: TokenResolver | AuthHeaderOptions): Promise<string> {
    return authHeader(this as unknown as Account, resolver);
  }

  /** Equal when every field, secrets included, is equal. */
  equals(other: unknown): boolean {
    return (
      other instanceof AccountBase &&
      JSON.stringify(accountToRecord(this as unknown as Account, true)) ===
        JSON.stringify(accountToRecord(other as unknown as Account, true))
    );
  }

  /** The JSON (bridge) form with snake_case keys; secrets render as `**********`. */
  toJSON(): Record<string, unknown> {
    return accountToRecord(this as unknown as Account, true, false);
  }
}

/** A Mixpanel service account: HTTP Basic with username and secret. */
export class ServiceAccount extends AccountBase {
  readonly type = 'service_account' as const;
  readonly username: string;
  readonly secret: Secret;
  constructor(init: ServiceAccountInit) {
    const fields = validated('service_account', init) as ServiceAccountInit;
    super(fields as AccountInit);
    this.username = fields.username;
    this.secret = toSecret(fields.secret);
    Object.freeze(this);
  }
  isLongLived(): boolean {
    return true;
  }
}

/** An account that logs in through the browser (PKCE); its tokens live in tokens.json. */
export class OAuthBrowserAccount extends AccountBase {
  readonly type = 'oauth_browser' as const;
  constructor(init: OAuthBrowserAccountInit) {
    super(validated('oauth_browser', init));
    Object.freeze(this);
  }
  isLongLived(): boolean {
    return true;
  }
}

/** A static bearer token, inline or named by an environment variable. */
export class OAuthTokenAccount extends AccountBase {
  readonly type = 'oauth_token' as const;
  declare readonly token?: Secret;
  declare readonly tokenEnv?: string;
  constructor(init: OAuthTokenAccountInit) {
    const fields = validated('oauth_token', init) as OAuthTokenAccountInit;
    super(fields as AccountInit);
    if (fields.token !== undefined) this.token = toSecret(fields.token);
    if (fields.tokenEnv !== undefined) this.tokenEnv = fields.tokenEnv;
    Object.freeze(this);
  }
  isLongLived(): boolean {
    return false;
  }
}

export type Account = ServiceAccount | OAuthBrowserAccount | OAuthTokenAccount;

/** Builds the right Account variant from camelCase fields; throws ValidationError. */
export function createAccount(init: AccountInit): Account {
  if (init.type === 'service_account') return new ServiceAccount(init);
  if (init.type === 'oauth_token') return new OAuthTokenAccount(init);
  // An unknown `type` (JavaScript callers): `validated` throws the ValidationError.
  if (init.type !== 'oauth_browser') validated(String((init as { type?: unknown }).type), init);
  return new OAuthBrowserAccount(init);
}

export const isAccount = (value: unknown): value is Account => value instanceof AccountBase;

/**
 * Parses an on-disk account record (snake_case). With `name`, the record is a
 * TOML `[accounts.NAME]` block and must not carry a `name` key; without it,
 * the record is the JSON (bridge) form with `name` inside.
 */
export function parseAccountRecord(
  record: unknown,
  name?: string,
): { account: Account } | { problem: Problem } {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return { problem: { field: '', message: 'Input should be a table' } };
  }
  const fields: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    // A camelCase key on disk is an unknown key: prefix it so the strict schema rejects it.
    const camel =
      FROM_DISK[key] ?? (TO_DISK[key] || (name !== undefined && key === 'name') ? `!${key}` : key);
    fields[camel] = item;
  }
  if (name !== undefined) fields.name = name;
  const outcome = check(fields);
  return 'problem' in outcome ? outcome : { account: createAccount(outcome.fields) };
}

/**
 * The on-disk record in canonical key order: `type`, `region`, `default_project`,
 * then `username`/`secret` or `token`/`token_env`. With `withName`, `name` comes
 * after `type` (bridge form). Secrets are revealed only when `reveal` is true.
 */
export function accountToRecord(
  account: Account,
  withName: boolean,
  reveal = true,
): Record<string, unknown> {
  const show = (secret: Secret) => (reveal ? secret.reveal() : secret.toJSON());
  const record: Record<string, unknown> = { type: account.type };
  if (withName) record.name = account.name;
  record.region = account.region;
  if (account.defaultProject !== undefined) record.default_project = account.defaultProject;
  if (account.type === 'service_account') {
    record.username = account.username;
    record.secret = show(account.secret);
  } else if (account.type === 'oauth_token') {
    if (account.token) record.token = show(account.token);
    else record.token_env = account.tokenEnv;
  }
  return record;
}

/** `Basic base64(username:secret)` for a service account. Synchronous; no resolver involved. */
export function basicAuthHeader(account: ServiceAccount): string {
  return `Basic ${base64Utf8(`${account.username}:${account.secret.reveal()}`)}`;
}

/**
 * The bearer of an oauth_token account: the inline token, else the value of
 * the environment variable it names (read now, from `env`). Unset or empty →
 * OAuthTokenError (OAUTH_TOKEN_ERROR) naming the account and the variable.
 */
export function staticToken(
  account: OAuthTokenAccount,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (account.token) return account.token.reveal();
  const envVar = account.tokenEnv ?? '';
  const value = env[envVar];
  if (!value) {
    throw new OAuthTokenError(
      `OAuth account '${account.name}' references env var \`${envVar}\`, but it is not set or is empty. Set ${envVar}, or run \`mp account update ${account.name} --token-env VAR\`.`,
      { details: { account_name: account.name, env_var: envVar } },
    );
  }
  return value;
}

/** The spec's form of the resolver argument: `authHeader({ tokenResolver })`. */
export interface AuthHeaderOptions {
  tokenResolver?: TokenResolver | undefined;
}

/**
 * The `Authorization` header value for any account. The resolver is passed as
 * `{ tokenResolver }` (docs/files.md#account-blocks) or directly. Service accounts ignore the
 * resolver; both OAuth variants need one. Always a Promise (docs/oauth.md#token-resolvers).
 */
export async function authHeader(
  account: Account,
  resolver?: TokenResolver | AuthHeaderOptions,
): Promise<string> {
  if (account.type === 'service_account') return basicAuthHeader(account);
  const tokenResolver =
    resolver && 'tokenResolver' in resolver ? resolver.tokenResolver : (resolver as TokenResolver);
  const method = account.type === 'oauth_token' ? 'getStaticToken' : 'getBrowserToken';
  if (typeof tokenResolver?.[method] !== 'function') {
    throw new ArgumentError(
      `A TokenResolver is required to build the header of ${account.type} account '${account.name}'.`,
      { argumentNames: ['tokenResolver'] },
    );
  }
  return account.type === 'oauth_token'
    ? `Bearer ${tokenResolver.getStaticToken(account)}`
    : `Bearer ${await tokenResolver.getBrowserToken(account.name, account.region)}`;
}

export type { Secret };

/**
 * Supplies bearer tokens for the two OAuth account types (docs/oauth.md#token-resolvers).
 *
 * Decision (docs/oauth.md#token-resolvers): browser tokens may need a network refresh, so
 * `getBrowserToken` is asynchronous and `authHeader()` always returns a Promise;
 * `assertBrowserTokenAvailable` is the synchronous, local-only check that
 * `Workspace.use()` runs before it switches accounts.
 */
export interface TokenResolver {
  /** Access token for an oauth_browser account; refreshes when expired. No "Bearer " prefix. */
  getBrowserToken(name: string, region: Region): Promise<string>;
  /** Bearer for an oauth_token account (inline or env). No prefix. Synchronous. */
  getStaticToken(account: OAuthTokenAccount): string;
  /** Throws the OAuthError getBrowserToken would throw for local reasons; never touches the network. */
  assertBrowserTokenAvailable(name: string, region: Region): void;
  /** Refresh even if not expired, unless the file already holds an access token other than `rejected`. */
  forceRefresh(name: string, region: Region, rejected: string): Promise<string>;
}
