import * as v from 'valibot';
import { type Account, parseAccountRecord } from './account';
import { ConfigError } from './errors';
import { firstProblem, type Problem, problemText } from './issues';
import type { ActiveSession, Target } from './model';
import { type ProjectId, projectIdSchema, type WorkspaceId, workspaceIdSchema } from './scalars';

/** A parsed config.toml: a plain object as the TOML parser returns it. */
export type ConfigDocument = Record<string, unknown>;

/** Root keys and tables of the v1/v2 formats: ignored on read, refused on write (docs/files.md#legacy-configs). */
export const LEGACY_ROOT_KEYS = ['default', 'config_version', 'credentials', 'projects'] as const;

/** `[active]`: only `account` and `workspace`; `workspace <= 0` fails later, at resolution. */
export const activeBlockSchema = /* @__PURE__ */ (() =>
  v.strictObject({
    account: v.optional(v.string()),
    workspace: v.optional(v.pipe(v.number(), v.safeInteger())),
  }))();

/** `[targets.NAME]`. */
export const targetBlockSchema = /* @__PURE__ */ (() =>
  v.strictObject({
    account: v.string(),
    project: projectIdSchema,
    workspace: v.optional(workspaceIdSchema),
  }))();

/** An HTTP header name (RFC 9110 token). */
export const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Whether `name` can be sent as an HTTP header name (docs/http.md#header-values). */
export const isHeaderName = (name: string): boolean => HEADER_NAME_PATTERN.test(name);

/** `table[name]` if `table` has it as its own key: `__proto__` and `constructor` are valid account names. */
const own = (table: Record<string, unknown>, name: string): unknown =>
  Object.hasOwn(table, name) ? table[name] : undefined;

const isTable = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/**
 * Lazily validated, read-only access to a config document: each accessor
 * validates only the blocks it touches (docs/files.md#reading-configtoml), so one bad account block
 * breaks `listAccounts()` but not resolving another account.
 */
export class ConfigView {
  readonly document: Readonly<ConfigDocument>;
  /** The file the document came from, used in messages (`config.toml` when unknown). */
  readonly path: string;

  constructor(document: unknown = {}, path = 'config.toml') {
    if (!isTable(document)) {
      throw new ConfigError(`Could not parse config at ${path}: the document is not a table.`, {
        details: { path },
      });
    }
    this.document = document;
    this.path = path;
  }

  #table(key: 'accounts' | 'targets' | 'settings'): Record<string, unknown> {
    const table = this.document[key];
    if (table === undefined) return {};
    if (!isTable(table)) {
      throw new ConfigError(
        `Invalid [${key}] table in ${this.path}: it must be a table. Fix or remove it.`,
        { details: { path: this.path, field: key } },
      );
    }
    return table;
  }

  #invalid(block: string, problem: Problem, legacy: boolean): ConfigError {
    const hint = legacy
      ? `\nThis looks like a config from an older version; delete \`${this.path}\` and re-add accounts with \`mp account add\` or \`mp login\`.`
      : '';
    return new ConfigError(`Invalid [${block}] block: ${problemText(problem)}${hint}`, {
      details: { path: this.path, block, field: problem.field },
    });
  }

  /** Names of the `[accounts.*]` blocks, in file order. */
  accountNames(): string[] {
    return Object.keys(this.#table('accounts'));
  }

  hasAccount(name: string): boolean {
    return isTable(own(this.#table('accounts'), name));
  }

  /** One account, validating only its block. */
  getAccount(name: string): Account {
    const block = own(this.#table('accounts'), name);
    if (!isTable(block))
      throw new ConfigError(`Account '${name}' not found.`, { details: { account_name: name } });
    const outcome = parseAccountRecord(block, name);
    if ('account' in outcome) return outcome.account;
    const legacy = !('type' in block) || 'project_id' in block;
    throw this.#invalid(`accounts.${name}`, outcome.problem, legacy);
  }

  /** Every account, sorted by name (code-point order); the first bad block throws. */
  listAccounts(): Account[] {
    return this.accountNames()
      .sort(byCodePoint)
      .map((name) => this.getAccount(name));
  }

  /** The `[active]` block; an empty or missing block is `{}`. */
  getActive(): ActiveSession {
    const block = this.document.active ?? {};
    const result = v.safeParse(activeBlockSchema, block);
    if (result.success) return Object.freeze(stripUndefined(result.output) as ActiveSession);
    const legacy =
      isTable(block) &&
      ['credential', 'project_id', 'workspace_id', 'project'].some((k) => k in block);
    throw this.#invalid('active', firstProblem(result.issues), legacy);
  }

  targetNames(): string[] {
    return Object.keys(this.#table('targets'));
  }

  /** One target, validating only its block. */
  getTarget(name: string): Target {
    const block = own(this.#table('targets'), name);
    if (!isTable(block))
      throw new ConfigError(`Target '${name}' not found.`, { details: { target: name } });
    const result = v.safeParse(targetBlockSchema, block);
    if (!result.success) throw this.#invalid(`targets.${name}`, firstProblem(result.issues), false);
    const { account, project, workspace } = result.output;
    return Object.freeze({
      name,
      account,
      project: project as ProjectId,
      ...(workspace === undefined ? {} : { workspace: workspace as WorkspaceId }),
    });
  }

  /** Every target, sorted by name; the first bad block throws. */
  listTargets(): Target[] {
    return this.targetNames()
      .sort(byCodePoint)
      .map((name) => this.getTarget(name));
  }

  /** Names of targets whose `account` is `accountName` (sorted), read without validating the blocks. */
  targetsReferencing(accountName: string): string[] {
    return this.targetsByAccount().get(accountName) ?? [];
  }

  /**
   * Every account name a target refers to, with those targets' names
   * (sorted): one pass over `[targets]`, read without validating the blocks.
   * Listing accounts asks this once rather than `targetsReferencing` per account.
   */
  targetsByAccount(): Map<string, string[]> {
    const targets = this.#table('targets');
    const index = new Map<string, string[]>();
    for (const name of Object.keys(targets).sort(byCodePoint)) {
      const account = (own(targets, name) as { account?: unknown } | undefined)?.account;
      if (typeof account === 'string') index.get(account)?.push(name) ?? index.set(account, [name]);
    }
    return index;
  }

  /** `[settings]`, open for unknown keys. */
  getSettings(): Readonly<Record<string, unknown>> {
    return this.#table('settings');
  }

  /** `[settings].custom_header` as `{name, value}`, or null when not set. */
  getCustomHeader(): { name: string; value: string } | null {
    const header = this.getSettings().custom_header;
    if (header === undefined) return null;
    return checkCustomHeader(header, '[settings].custom_header');
  }

  /** Legacy root markers present in the document (`default`, `config_version`, …). */
  legacyMarkers(): string[] {
    return LEGACY_ROOT_KEYS.filter((key) => key in this.document);
  }

  /**
   * `[active].account` as written, without validating the block: listings
   * mark the active account even when `[active]` holds legacy keys (see
   * docs/files.md#legacy-configs: `mp account list` is not affected by them).
   */
  activeAccountName(): string | undefined {
    const active = this.document.active;
    return isTable(active) && typeof active.account === 'string' ? active.account : undefined;
  }

  /**
   * The whole-file check that runs before any write (docs/files.md#reading-configtoml): no legacy
   * root marker, and every `[accounts.*]` block valid. `[active]` is checked
   * only when the write changed it (`activeChanged`), so a legacy `[active]`
   * does not block writes elsewhere in the file.
   */
  assertWritable({ activeChanged = true }: { activeChanged?: boolean } = {}): void {
    const markers = this.legacyMarkers();
    if (markers.length) {
      throw new ConfigError(
        `Refusing to write ${this.path}: it holds keys of an older config format (${markers.join(', ')}).\nThis looks like a config from an older version; delete \`${this.path}\` and re-add accounts with \`mp account add\` or \`mp login\`.`,
        { details: { path: this.path, legacy_keys: markers } },
      );
    }
    this.listAccounts();
    if (activeChanged) this.getActive();
  }
}

/**
 * Validates a custom header `{name, value}` (a table, two strings, an HTTP
 * token name, no CR/LF/NUL: the characters the runtime's `Headers` refuses by
 * quoting the value). It runs inside `resolveSession`, whose bundle has no
 * bytes to spare; the client applies the whole of `isHeaderValue` to every
 * header before a request.
 */
export function checkCustomHeader(
  header: unknown,
  label = 'custom header',
): { name: string; value: string } {
  if (!isTable(header)) {
    throw new ConfigError(`${label} must be an inline table {name=, value=}.`, {
      details: { field: label },
    });
  }
  const { name, value } = header;
  if (typeof name !== 'string' || typeof value !== 'string') {
    throw new ConfigError(`${label} requires \`name\` and \`value\` strings.`, {
      details: { field: label },
    });
  }
  if (!HEADER_NAME_PATTERN.test(name)) {
    throw new ConfigError(
      `${label} name '${name}' is not a valid HTTP header name; use letters, digits and '-'.`,
      { details: { field: label } },
    );
  }
  if (/[\r\n\0]/.test(value)) {
    throw new ConfigError(`${label} value must not contain line breaks.`, {
      details: { field: label },
    });
  }
  return { name, value };
}

export const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
