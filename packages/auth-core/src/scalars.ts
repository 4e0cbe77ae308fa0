import * as v from 'valibot';

/** The three Mixpanel regions. Every region check derives from this list. */
export const REGIONS = ['us', 'eu', 'in'] as const;
export type Region = (typeof REGIONS)[number];

export const ACCOUNT_TYPES = ['service_account', 'oauth_browser', 'oauth_token'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };
/** 1–64 ASCII letters, digits, `_` or `-`. */
export type AccountName = Brand<string, 'AccountName'>;
/** One or more ASCII digits, kept verbatim (`"007"` stays `"007"`). */
export type ProjectId = Brand<string, 'ProjectId'>;
/** A strictly positive safe integer. */
export type WorkspaceId = Brand<number, 'WorkspaceId'>;

export const ACCOUNT_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const PROJECT_ID_PATTERN = /^[0-9]+$/;

export const isRegion = (value: unknown): value is Region =>
  (REGIONS as readonly unknown[]).includes(value);
export const isAccountName = (value: unknown): value is AccountName =>
  typeof value === 'string' && ACCOUNT_NAME_PATTERN.test(value);
export const isProjectId = (value: unknown): value is ProjectId =>
  typeof value === 'string' && PROJECT_ID_PATTERN.test(value);
export const isWorkspaceId = (value: unknown): value is WorkspaceId =>
  Number.isSafeInteger(value) && (value as number) > 0;

// valibot building blocks shared by every schema.
// Every module-level schema in this package is built inside a `/* @__PURE__ */`
// call, so a bundler drops the schemas (and the valibot code) that a consumer
// does not import; valibot calls are not known to be pure across modules.
export const regionSchema = /* @__PURE__ */ (() => v.picklist(REGIONS))();
export const accountNameSchema = /* @__PURE__ */ (() =>
  v.pipe(v.string(), v.regex(ACCOUNT_NAME_PATTERN)))();
export const projectIdSchema = /* @__PURE__ */ (() =>
  v.pipe(v.string(), v.regex(PROJECT_ID_PATTERN)))();
export const workspaceIdSchema = /* @__PURE__ */ (() =>
  v.pipe(v.number(), v.safeInteger(), v.gtValue(0)))();
