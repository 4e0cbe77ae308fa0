/**
 * Parsers under fuzz (test-only): the shared pieces of the packages' fuzz
 * tests. Inputs carry known secrets in their secret-named fields; every parse
 * must return a value or throw one of the project's typed errors, whose
 * message is one line and holds no part of any secret — nor do its details,
 * its JSON form or its `util.inspect` output.
 */
import { inspect } from 'node:util';
import fc from 'fast-check';

/** The keys whose values are secrets. */
export const SECRET_FIELDS = ['secret', 'client_secret', 'access_token', 'refresh_token', 'token'];

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A secret: 16 to 32 random letters and digits (any 6 of them in a row would not turn up by chance). */
export const secretArb: fc.Arbitrary<string> = fc.string({
  unit: fc.constantFrom(...ALPHABET),
  minLength: 16,
  maxLength: 32,
});

/** The secrets in `value`: the string values of its secret-named keys, at any depth. */
export function secretsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) secretsIn(item, found);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (SECRET_FIELDS.includes(key) && typeof item === 'string' && item.length >= 6)
        found.push(item);
      else secretsIn(item, found);
    }
  }
  return found;
}

/** A value of another type, or an odd one of the same, for a field. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.constant(''),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
);

/**
 * A record with some of its fields changed: dropped, given an odd value, or
 * joined by an unknown field. Secret-named fields keep their secret or are
 * dropped, so the secrets stay findable.
 */
export function mutated<T extends Record<string, unknown>>(
  record: T,
): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(record);
  if (keys.length === 0) return fc.constant({ ...record });
  const change = fc.record({
    key: fc.constantFrom(...keys),
    how: fc.constantFrom('drop', 'odd', 'extra'),
    odd: oddValue,
    extra: fc.constantFrom('extra', 'version', 'type', 'expires_at', 'Region', '__proto__'),
  });
  const changes = fc.array(change, { minLength: 1, maxLength: 3 });
  return fc
    .oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 2, arbitrary: changes })
    .map((changes) => {
      const out: Record<string, unknown> = { ...record };
      for (const { key, how, odd, extra } of changes) {
        if (how === 'drop') delete out[key];
        else if (how === 'odd' && !SECRET_FIELDS.includes(key)) out[key] = odd;
        else if (how === 'extra')
          Object.defineProperty(out, extra, {
            value: odd,
            enumerable: true,
            configurable: true,
            writable: true,
          });
      }
      return out;
    });
}

/**
 * The text of a document, whole or damaged: cut short, a character dropped,
 * or one inserted — never inside a quoted secret-named key, so that each
 * secret stays recognisable as one.
 */
export function damaged(text: string): fc.Arbitrary<string> {
  const keys: [number, number][] = [];
  for (const field of SECRET_FIELDS) {
    for (let at = text.indexOf(`"${field}"`); at >= 0; at = text.indexOf(`"${field}"`, at + 1))
      keys.push([at, at + field.length + 2]);
  }
  /** A position moved out of any key to the key's end. */
  const outside = (at: number) => keys.find(([start, end]) => at > start && at < end)?.[1] ?? at;
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(text) },
    { weight: 2, arbitrary: fc.nat({ max: text.length }).map((at) => text.slice(0, at)) },
    {
      weight: 1,
      arbitrary: fc
        .nat({ max: Math.max(0, text.length - 1) })
        .map((at) =>
          keys.some(([start, end]) => at >= start && at < end)
            ? text
            : text.slice(0, at) + text.slice(at + 1),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({
          at: fc.nat({ max: text.length }),
          insert: fc.constantFrom('"', ',', '}', ']', '\\', 'x', '\n', '=', '[', '\u0000', 'é'),
        })
        .map(({ at, insert }) => text.slice(0, outside(at)) + insert + text.slice(outside(at))),
    },
  );
}

/** Every run of 6 characters of the secrets: none may appear in anything an error shows. */
function fragments(secrets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const secret of secrets)
    for (let i = 0; i + 6 <= secret.length; i++) out.add(secret.slice(i, i + 6));
  return [...out];
}

/** What a text shows of the secrets (a fragment), or null. */
export function shownSecret(text: string, secrets: readonly string[]): string | null {
  return fragments(secrets).find((fragment) => text.includes(fragment)) ?? null;
}

export interface TypedErrorRules {
  /** A documented second line the message may carry (the legacy-config hint of config.toml). */
  hint?: RegExp | undefined;
}

/**
 * Runs a parse. Returns its value, or the typed error it threw after checking
 * that the message is one line (plus the documented hint, if any) and that no
 * part of a secret shows in the message, the details, the JSON form or
 * `util.inspect`. Any other exception is rethrown (the property fails).
 */
export function parseOrTypedError(
  parse: () => unknown,
  secrets: readonly string[],
  rules: TypedErrorRules = {},
): unknown {
  try {
    return parse();
  } catch (error) {
    return checkTypedError(error, secrets, rules);
  }
}

/** `parseOrTypedError` for an asynchronous parse. */
export async function parseOrTypedErrorAsync(
  parse: () => Promise<unknown>,
  secrets: readonly string[],
  rules: TypedErrorRules = {},
): Promise<unknown> {
  try {
    return await parse();
  } catch (error) {
    return checkTypedError(error, secrets, rules);
  }
}

/**
 * One of the project's errors, told by the marker every class sets (what
 * `MixpanelDataError.isInstance` checks). Not imported: every package's test
 * typecheck includes this file, and not every package depends on auth-core.
 */
interface TypedError extends Error {
  readonly code: string;
}
const ERROR_MARK = Symbol.for('mixpanel-data.error');
const isTypedError = (value: unknown): value is TypedError =>
  Array.isArray((value as { [ERROR_MARK]?: unknown } | null)?.[ERROR_MARK]) &&
  (value as { [ERROR_MARK]: string[] })[ERROR_MARK].includes('MixpanelDataError');

function checkTypedError(
  error: unknown,
  secrets: readonly string[],
  rules: TypedErrorRules,
): TypedError {
  if (!isTypedError(error)) throw error;
  const typed = error;
  const [, ...more] = typed.message.split('\n');
  if (more.length > 1 || (more.length === 1 && !rules.hint?.test(more[0]!)))
    throw new Error(`${typed.name}: its message spans lines: ${typed.message}`);
  for (const [what, text] of [
    ['message', typed.message],
    ['JSON form', JSON.stringify(typed)],
    ['inspect output', inspect(typed)],
  ] as const) {
    const shown = shownSecret(text, secrets);
    if (shown)
      throw new Error(
        `${typed.name}: its ${what} shows part of a secret (${shown}): ${typed.message}`,
      );
  }
  return typed;
}

/** Checks notes a reader passed to `onWarning` (one line each, no part of a secret). */
export function checkWarnings(warnings: readonly string[], secrets: readonly string[]): void {
  for (const warning of warnings) {
    if (warning.includes('\n')) throw new Error(`a warning spans lines: ${warning}`);
    const shown = shownSecret(warning, secrets);
    if (shown) throw new Error(`a warning shows part of a secret (${shown}): ${warning}`);
  }
}
