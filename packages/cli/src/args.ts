/** A command-line usage problem: the parser's exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface OptionSpec {
  /** Long name without dashes. */
  readonly long: string;
  readonly short?: string;
  readonly type: 'string' | 'boolean' | 'integer';
  readonly description: string;
  readonly metavar?: string;
  /** Allowed values (a usage error otherwise). */
  readonly choices?: readonly string[];
  /** What shell completion offers for the value (default: `choices`, else nothing). */
  readonly complete?: CompletionSource;
  /** A string option that may be given more than once; its values are kept in order, as a list. */
  readonly repeatable?: boolean;
}

/**
 * Values shell completion offers (docs/cli.md#completion): names read from
 * config.toml (`accounts`, `targets`, project ids in `projects`), or the
 * library's account types, regions, or the shells `mp completion` knows.
 */
export type CompletionSource =
  | 'accounts'
  | 'targets'
  | 'projects'
  | 'account-types'
  | 'regions'
  | 'shells';

export type OptionValues = Record<string, string | number | boolean | string[] | undefined>;

/**
 * Parses `tokens` against `specs`: `--name value`, `--name=value`, `-n value`,
 * `-nvalue`, boolean flags, and `--` to end options. With `stopAtPositional`, parsing
 * stops at the first positional (the global options before a command).
 */
export function parseOptions(
  tokens: readonly string[],
  specs: readonly OptionSpec[],
  { stopAtPositional = false } = {},
): { values: OptionValues; positionals: string[]; rest: string[] } {
  const values: OptionValues = {};
  const positionals: string[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token === '--') {
      positionals.push(...tokens.slice(index + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      if (stopAtPositional) return { values, positionals, rest: tokens.slice(index) };
      positionals.push(token);
      continue;
    }
    // `-fjson`: a short option that takes a value, with the value attached.
    const attached = /^-[^-][^=]/.test(token) ? token[1] : undefined;
    const attachedSpec = attached
      ? specs.find((s) => s.short === attached && s.type !== 'boolean')
      : undefined;
    if (attachedSpec) {
      store(
        values,
        attachedSpec,
        checkValue(attachedSpec, token.slice(2), `--${attachedSpec.long}`),
      );
      continue;
    }
    const [flag, inline] = token.includes('=')
      ? [token.slice(0, token.indexOf('=')), token.slice(token.indexOf('=') + 1)]
      : [token, undefined];
    const spec = flag.startsWith('--')
      ? specs.find((s) => s.long === flag.slice(2))
      : specs.find((s) => s.short !== undefined && s.short === flag.slice(1));
    if (!spec) {
      const guess = flag.startsWith('--')
        ? suggest(
            flag,
            specs.map((s) => `--${s.long}`),
          )
        : null;
      throw new UsageError(`No such option: ${flag}${guess ? ` (did you mean ${guess}?)` : ''}`);
    }
    if (spec.type === 'boolean') {
      if (inline !== undefined)
        throw new UsageError(`Option --${spec.long} does not take a value.`);
      values[spec.long] = true;
      continue;
    }
    const value = inline ?? tokens[++index];
    if (value === undefined) throw new UsageError(`Option --${spec.long} requires a value.`);
    store(values, spec, checkValue(spec, value, `--${spec.long}`));
  }
  return { values, positionals, rest: [] };
}

/** Sets an option's value; a repeatable option collects every value it was given. */
function store(values: OptionValues, spec: OptionSpec, value: string | number): void {
  if (!spec.repeatable) {
    values[spec.long] = value;
    return;
  }
  const previous = values[spec.long];
  values[spec.long] = [...(Array.isArray(previous) ? previous : []), String(value)];
}

/** Validates one option value (also used for values that come from environment variables). */
export function checkValue(spec: OptionSpec, value: string, label: string): string | number {
  if (spec.type === 'integer') {
    if (!/^\s*[+-]?\d+\s*$/.test(value))
      throw new UsageError(`Invalid value for ${label}: '${value}' is not a valid integer.`);
    const number = Number(value);
    // Beyond 2^53 a number is rounded (9007199254740993 would become …992): refuse, never guess.
    if (!Number.isSafeInteger(number)) {
      const [side, limit] = number > 0 ? ['large', 'largest'] : ['small', 'smallest'];
      throw new UsageError(
        `Invalid value for ${label}: '${value.trim()}' is too ${side} (the ${limit} is ${Math.sign(number) * Number.MAX_SAFE_INTEGER}).`,
      );
    }
    return number;
  }
  if (spec.choices && !spec.choices.includes(value)) {
    throw new UsageError(
      `Invalid value for ${label}: '${value}' is not one of ${spec.choices.map((c) => `'${c}'`).join(', ')}.`,
    );
  }
  return value;
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The one candidate closest to a mistyped `word` (at most 2 edits, fewer for short words), if any. */
export function suggest(word: string, candidates: readonly string[]): string | null {
  const limit = word.length <= 4 ? 1 : 2;
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}
