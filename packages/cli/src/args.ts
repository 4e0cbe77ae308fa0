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
}

export type OptionValues = Record<string, string | number | boolean | undefined>;

/**
 * Parses `tokens` against `specs`: `--name value`, `--name=value`, `-n value`,
 * boolean flags, and `--` to end options. With `stopAtPositional`, parsing
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
    const [flag, inline] = token.includes('=')
      ? [token.slice(0, token.indexOf('=')), token.slice(token.indexOf('=') + 1)]
      : [token, undefined];
    const spec = flag.startsWith('--')
      ? specs.find((s) => s.long === flag.slice(2))
      : specs.find((s) => s.short !== undefined && s.short === flag.slice(1));
    if (!spec) throw new UsageError(`No such option: ${flag}`);
    if (spec.type === 'boolean') {
      if (inline !== undefined)
        throw new UsageError(`Option --${spec.long} does not take a value.`);
      values[spec.long] = true;
      continue;
    }
    const value = inline ?? tokens[++index];
    if (value === undefined) throw new UsageError(`Option --${spec.long} requires a value.`);
    values[spec.long] = checkValue(spec, value, `--${spec.long}`);
  }
  return { values, positionals, rest: [] };
}

/** Validates one option value (also used for values that come from environment variables). */
export function checkValue(spec: OptionSpec, value: string, label: string): string | number {
  if (spec.type === 'integer') {
    if (!/^\s*[+-]?\d+\s*$/.test(value))
      throw new UsageError(`Invalid value for ${label}: '${value}' is not a valid integer.`);
    return Number(value);
  }
  if (spec.choices && !spec.choices.includes(value)) {
    throw new UsageError(
      `Invalid value for ${label}: '${value}' is not one of ${spec.choices.map((c) => `'${c}'`).join(', ')}.`,
    );
  }
  return value;
}
