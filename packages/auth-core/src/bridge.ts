import * as v from 'valibot';
import { type Account, parseAccountRecord } from './account';
import { HEADER_NAME_PATTERN } from './config';
import { ConfigError } from './errors';
import { headerValueSchema } from './header-value';
import { firstProblem, type Problem, problemText } from './issues';
import { checkTokensRecord, type OAuthTokens } from './oauth-tokens';
import {
  PROJECT_ID_PATTERN,
  type ProjectId,
  projectIdSchema,
  type WorkspaceId,
  workspaceIdSchema,
} from './scalars';

/** The top level of a v2 bridge file; the account and tokens are checked by their own schemas. */
export const bridgeFileSchema = /* @__PURE__ */ (() =>
  v.strictObject({
    version: v.optional(v.literal(2)),
    account: v.record(v.string(), v.unknown()),
    tokens: v.optional(v.unknown()),
    project: v.optional(projectIdSchema),
    // The reference coerces a digit string; we accept it on read and always write an integer.
    workspace: v.optional(
      v.union([
        workspaceIdSchema,
        v.pipe(v.string(), v.regex(PROJECT_ID_PATTERN), v.transform(Number), workspaceIdSchema),
      ]),
    ),
    headers: v.optional(
      v.record(v.pipe(v.string(), v.regex(HEADER_NAME_PATTERN)), headerValueSchema),
    ),
  }))();

/** A validated v2 bridge file (docs/files.md#bridge-format). */
export interface Bridge {
  readonly version: 2;
  readonly account: Account;
  /** Present for an oauth_browser account; ignored (null) for the other types. */
  readonly tokens: OAuthTokens | null;
  readonly project: ProjectId | null;
  readonly workspace: WorkspaceId | null;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Validates a parsed bridge document. Any problem → ConfigError "Invalid bridge
 * file at PATH: …" with `details.path` (the file) and `details.field`.
 */
export function parseBridge(document: unknown, path = 'bridge file'): Bridge {
  const fail = (problem: Problem) =>
    new ConfigError(`Invalid bridge file at ${path}: ${problemText(problem)}`, {
      details: { path, field: problem.field },
    });
  if (Array.isArray(document)) throw fail({ field: '', message: 'Input should be an object' });
  const result = v.safeParse(bridgeFileSchema, document);
  if (!result.success) throw fail(firstProblem(result.issues));
  const data = result.output;
  const parsed = parseAccountRecord(data.account);
  if ('problem' in parsed) {
    throw fail({
      ...parsed.problem,
      field: `account${parsed.problem.field ? `.${parsed.problem.field}` : ''}`,
    });
  }
  const { account } = parsed;
  let tokens: OAuthTokens | null = null;
  if (account.type === 'oauth_browser') {
    if (data.tokens === undefined) {
      throw fail({
        field: 'tokens',
        message: 'a bridge with an oauth_browser account requires `tokens`',
      });
    }
    const checked = checkTokensRecord(data.tokens);
    if ('problem' in checked) throw fail({ field: 'tokens', message: checked.problem });
    tokens = checked.tokens;
  }
  return Object.freeze({
    version: 2,
    account,
    tokens,
    project: (data.project ?? null) as ProjectId | null,
    workspace: (data.workspace ?? null) as WorkspaceId | null,
    headers: Object.freeze({ ...data.headers }),
  });
}
