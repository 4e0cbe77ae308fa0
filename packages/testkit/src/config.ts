/** Behaviour switches of the mock (docs/testkit.md#configuration). Keys are snake_case: the admin HTTP API sends them too. */

export type ApprovalMode =
  | 'auto'
  | 'deny'
  | 'form'
  | 'wrong_state'
  | 'missing_code'
  | 'error_html'
  | 'hang';

export type MeVariant = 'no_results_wrapper' | 'list_results' | 'bad_schema' | 'no_email';

export type WorkspacesVariant = 'empty' | 'no_default' | 'string_results';

/** Shape knobs for successful `/oauth/token/` responses (docs/testkit.md#token-endpoint). */
export interface TokenResponseConfig {
  /** `"int"` (default) `3600`, `"string"` `"3600"`, `"float"` `3600.5`. */
  expires_in_format?: 'int' | 'string' | 'float';
  /** Members to leave out, e.g. `["token_type"]`. */
  omit_fields?: string[];
  /** Answer 200 with an HTML body instead of JSON. */
  non_json?: boolean;
  /** Force this status (e.g. 201 or 500). */
  status?: number;
}

export interface MockConfig {
  approval: ApprovalMode;
  /** The user a login approves as; defaults to the fixture's `default_login_user_id`. */
  approve_as_user_id: number;
  strict_redirect_uri: boolean;
  code_ttl_seconds: number;
  access_token_ttl_seconds: number;
  rotate_refresh_tokens: boolean;
  omit_refresh_token_on_refresh: boolean;
  revoke_family_on_reuse: boolean;
  invalid_grant_status: number;
  registration_status: number;
  token_response: TokenResponseConfig;
  me_variant: MeVariant | null;
  workspaces_variant: WorkspacesVariant | null;
  /** Seconds added to real time in the `Date` header of every answer (a server clock that is off). */
  date_skew_seconds: number;
  /** Lines of each `/api/2.0/export` answer (docs/testkit.md#export-route); the request's `limit` caps it. Default 3. */
  export_events: number;
  /** When set, each export answer runs until at least this many bytes instead (`limit` still caps the lines). Default null. */
  export_bytes: number | null;
}

export function defaultConfig(defaultLoginUserId: number): MockConfig {
  return {
    approval: 'auto',
    approve_as_user_id: defaultLoginUserId,
    strict_redirect_uri: true,
    code_ttl_seconds: 600,
    access_token_ttl_seconds: 3600,
    rotate_refresh_tokens: true,
    omit_refresh_token_on_refresh: false,
    revoke_family_on_reuse: true,
    invalid_grant_status: 400,
    registration_status: 201,
    token_response: {},
    me_variant: null,
    workspaces_variant: null,
    date_skew_seconds: 0,
    export_events: 3,
    export_bytes: null,
  };
}

const APPROVAL_MODES: readonly string[] = [
  'auto',
  'deny',
  'form',
  'wrong_state',
  'missing_code',
  'error_html',
  'hang',
];
const ME_VARIANTS: readonly string[] = [
  'no_results_wrapper',
  'list_results',
  'bad_schema',
  'no_email',
];
const WORKSPACES_VARIANTS: readonly string[] = ['empty', 'no_default', 'string_results'];

class ConfigProblem extends Error {
  constructor(problem: string) {
    super(`invalid mock config: ${problem}`);
  }
}

function isStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function checkOneOf(key: string, value: unknown, allowed: readonly string[], nullable: boolean) {
  if (nullable && value === null) return;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new ConfigProblem(
      `${key} must be ${nullable ? 'null or ' : ''}one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`,
    );
  }
}

function checkTokenResponse(value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigProblem('token_response must be an object');
  }
  for (const [key, member] of Object.entries(value)) {
    switch (key) {
      case 'expires_in_format':
        checkOneOf('token_response.expires_in_format', member, ['int', 'string', 'float'], false);
        break;
      case 'omit_fields':
        if (!Array.isArray(member) || !member.every((field) => typeof field === 'string')) {
          throw new ConfigProblem('token_response.omit_fields must be an array of strings');
        }
        break;
      case 'non_json':
        if (typeof member !== 'boolean')
          throw new ConfigProblem('token_response.non_json must be a boolean');
        break;
      case 'status':
        if (!isStatus(member))
          throw new ConfigProblem('token_response.status must be an HTTP status');
        break;
      default:
        throw new ConfigProblem(`unknown key token_response.${key}`);
    }
  }
}

/**
 * Returns `current` with `patch` applied (a shallow merge: `token_response`
 * is replaced as a whole). Throws on an unknown key or a value of the wrong
 * type, naming it. `knownUserIds` checks `approve_as_user_id`.
 */
export function applyConfigPatch(
  current: MockConfig,
  patch: unknown,
  knownUserIds: ReadonlySet<number>,
): MockConfig {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new ConfigProblem('a config patch must be an object');
  }
  for (const [key, value] of Object.entries(patch)) {
    switch (key) {
      case 'approval':
        checkOneOf(key, value, APPROVAL_MODES, false);
        break;
      case 'me_variant':
        checkOneOf(key, value, ME_VARIANTS, true);
        break;
      case 'workspaces_variant':
        checkOneOf(key, value, WORKSPACES_VARIANTS, true);
        break;
      case 'approve_as_user_id':
        if (typeof value !== 'number' || !knownUserIds.has(value)) {
          throw new ConfigProblem(
            `approve_as_user_id ${JSON.stringify(value)} is not a fixture user`,
          );
        }
        break;
      case 'strict_redirect_uri':
      case 'rotate_refresh_tokens':
      case 'omit_refresh_token_on_refresh':
      case 'revoke_family_on_reuse':
        if (typeof value !== 'boolean') throw new ConfigProblem(`${key} must be a boolean`);
        break;
      case 'code_ttl_seconds':
      case 'access_token_ttl_seconds':
      case 'date_skew_seconds':
        if (!isNumber(value)) throw new ConfigProblem(`${key} must be a number`);
        break;
      case 'invalid_grant_status':
      case 'registration_status':
        if (!isStatus(value)) throw new ConfigProblem(`${key} must be an HTTP status`);
        break;
      case 'token_response':
        checkTokenResponse(value);
        break;
      case 'export_events':
        if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
          throw new ConfigProblem(`${key} must be a non-negative integer`);
        break;
      case 'export_bytes':
        if (
          value !== null &&
          (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
        )
          throw new ConfigProblem(`${key} must be null or a non-negative integer`);
        break;
      default:
        throw new ConfigProblem(`unknown key ${JSON.stringify(key)}`);
    }
  }
  return structuredClone({ ...current, ...(patch as Partial<MockConfig>) });
}
