import { activityOf, withActivity } from './activity';
import {
  checkValue,
  type OptionSpec,
  type OptionValues,
  parseOptions,
  suggest,
  UsageError,
} from './args';
import { COMMANDS, type CommandSpec, GROUPS } from './commands';
import type { Globals } from './context';
import { GLOBAL_OPTIONS } from './global-options';
import { err, type Io, out, processIo } from './io';

/** Exit codes (kept here too so that help and version need no library code). */
const EXIT = { SUCCESS: 0, USAGE: 2, INVALID_ARGS: 3 } as const;

declare const __MP_VERSION__: string | undefined;
export const VERSION: string = typeof __MP_VERSION__ === 'string' ? __MP_VERSION__ : '0.0.0-dev';

const optionLine = (spec: OptionSpec) => {
  const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${spec.long}${spec.type === 'boolean' ? '' : ` ${spec.metavar ?? 'VALUE'}`}`;
  return `  ${flag.padEnd(30)} ${spec.description}`;
};

function mainHelp(): string[] {
  const lines = [
    'Usage: mp [GLOBAL OPTIONS] COMMAND [ARGS]...',
    '',
    'The Mixpanel auth command line: accounts, projects, workspaces, targets, sessions.',
    '',
    'Global options (anywhere on the line):',
  ];
  lines.push(...GLOBAL_OPTIONS.map(optionLine), '', 'Commands:');
  for (const command of COMMANDS) lines.push(`  ${command.path.padEnd(24)} ${command.summary}`);
  lines.push(
    '',
    'Precedence: environment credentials > -a/--account > --target > bridge file > [active]; MP_PROJECT_ID beats -p.',
    'Run `mp COMMAND --help` for a command.',
  );
  return lines;
}

/** Notes under a group's command list (docs/files.md#toml-output asks for the first in `mp account --help`). */
const GROUP_NOTES: Readonly<Record<string, string>> = {
  account:
    'Commands that change ~/.mp/config.toml rewrite it: comments and hand formatting are not kept.',
};

function groupHelp(group: string): string[] {
  const lines = [`Usage: mp ${group} COMMAND [ARGS]...`, '', 'Commands:'];
  for (const command of COMMANDS.filter((c) => c.path.startsWith(`${group} `)))
    lines.push(`  ${command.path.slice(group.length + 1).padEnd(16)} ${command.summary}`);
  if (GROUP_NOTES[group]) lines.push('', GROUP_NOTES[group]);
  return lines;
}

function commandHelp(command: CommandSpec): string[] {
  const lines = [`Usage: ${command.usage}`, '', command.summary];
  if (command.options.length) lines.push('', 'Options:', ...command.options.map(optionLine));
  if (command.epilog) lines.push('', command.epilog);
  if (command.examples) lines.push('', 'Examples:', ...command.examples.map((line) => `  ${line}`));
  return lines;
}

/**
 * The global options as given on the command line. Nothing read from the
 * environment is folded in: `MP_ACCOUNT`, `MP_TARGET`, `MP_PROJECT_ID` and
 * `MP_WORKSPACE_ID` are read by the library's resolver alone (see
 * docs/resolution.md). `MP_WORKSPACE_ID` is only checked here, so that a
 * malformed value is a usage error for every command.
 */
async function resolveGlobals(
  values: Record<string, unknown>,
  env: Record<string, string | undefined>,
): Promise<Globals> {
  const flagged = (['account', 'project', 'workspace', 'target'] as const).filter(
    (key) => values[key] !== undefined,
  );
  if (values.target !== undefined && flagged.length > 1) {
    // The library's one check of the rule; loaded only on this rare path.
    const { checkTargetExclusive } = await import('@mixpanel-data/client');
    try {
      checkTargetExclusive(values as Parameters<typeof checkTargetExclusive>[0]);
    } catch (error) {
      // Printed as is (no "Usage error:" label), in the flags' words, with exit 3.
      throw Object.assign(
        new UsageError('--target is mutually exclusive with --account/--project/--workspace.', {
          cause: error,
        }),
        { exit: EXIT.INVALID_ARGS, bare: true },
      );
    }
  }
  if (env.MP_WORKSPACE_ID) {
    const workspaceSpec = GLOBAL_OPTIONS.find((spec) => spec.long === 'workspace')!;
    checkValue(workspaceSpec, env.MP_WORKSPACE_ID, 'MP_WORKSPACE_ID');
  }
  return {
    account: values.account as string | undefined,
    project: values.project as string | undefined,
    workspace: values.workspace as number | undefined,
    target: values.target as string | undefined,
    flagged,
    quiet: values.quiet === true,
    verbose: values.verbose === true || values.debug === true || debugFromEnv(env),
  };
}

/** `MP_DEBUG` turns on debug output unless it is empty, `0`, `false`, `no` or `off`. */
function debugFromEnv(env: Record<string, string | undefined>): boolean {
  const value = env.MP_DEBUG?.trim() ?? '';
  return value !== '' && !/^(0|false|no|off)$/i.test(value);
}

/**
 * Runs one `mp` command line and returns its exit code. Everything the
 * command touches comes through `io`, so tests run it in-process and the
 * `bin` runs it against the real process.
 */
async function completion(io: Io, values: OptionValues): Promise<number> {
  const { showCompletion, installCompletion } = await import('./commands/completion');
  return values['install-completion'] ? installCompletion(io) : showCompletion(io);
}

/**
 * The options a command's own tokens are parsed against: its own, then the
 * globals it does not redefine. A command option with a global's long name
 * or short letter keeps its meaning, and the global is then taken only
 * before the command (see docs/cli.md#global-options).
 */
function commandSpecs(command: CommandSpec): OptionSpec[] {
  const own = command.options;
  const clash = (global: OptionSpec) =>
    own.some(
      (spec) =>
        spec.long === global.long || (global.short !== undefined && spec.short === global.short),
    );
  return [...own, ...GLOBAL_OPTIONS.filter((global) => !clash(global))];
}

/** Splits parsed values into the globals' and the command's own. */
function splitValues(command: CommandSpec, values: OptionValues) {
  const globals: OptionValues = {};
  const own: OptionValues = {};
  for (const [key, value] of Object.entries(values)) {
    if (command.options.some((spec) => spec.long === key)) own[key] = value;
    else globals[key] = value;
  }
  return { globals, own };
}

/**
 * Runs one `mp` command line and returns its exit code. Everything the
 * command touches comes through `io`, so tests run it in-process and the
 * `bin` runs it against the real process. Its stdout and stderr are written
 * through the process's one spinner owner, which leaves nothing on the
 * terminal when the command ends, however it ends (docs/cli.md#spinners).
 */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const guarded = withActivity(io);
  try {
    return await runLine(argv, guarded);
  } finally {
    activityOf(guarded).end();
  }
}

async function runLine(argv: readonly string[], io: Io): Promise<number> {
  // The hidden command the completion scripts run (docs/cli.md#completion): not in help, never an error.
  if (argv[0] === '__complete') {
    const { complete } = await import('./commands/completion');
    return complete(
      io,
      { commands: COMMANDS, groups: GROUPS, globals: GLOBAL_OPTIONS },
      argv.slice(1),
    );
  }
  let debug = debugFromEnv(io.env);
  try {
    const global = parseOptions(argv, GLOBAL_OPTIONS, { stopAtPositional: true });
    // Globals between a group and its command (`mp account -q list`).
    if (GROUPS.includes(global.rest[0]!) && !COMMANDS.some((c) => c.path === global.rest[0])) {
      const inner = parseOptions(global.rest.slice(1), GLOBAL_OPTIONS, { stopAtPositional: true });
      Object.assign(global.values, inner.values);
      global.rest = [global.rest[0]!, ...inner.rest];
    }
    debug ||= global.values.verbose === true || global.values.debug === true;
    if (global.values.version) {
      out(io, `mp version ${VERSION}`);
      return EXIT.SUCCESS;
    }
    if (global.values['show-completion'] || global.values['install-completion'])
      return await completion(io, global.values);
    // `mp help [COMMAND…]` is `mp --help [COMMAND…]`.
    if (global.rest[0] === 'help') {
      global.values.help = true;
      global.rest = global.rest.slice(1);
    }
    // `mp --help account list` asks for that command's help, like `mp account list --help`.
    const words = global.values.help ? [...global.rest, '--help'] : global.rest;
    if (global.values.help && !global.rest.length) {
      out(io, ...mainHelp());
      return EXIT.SUCCESS;
    }
    if (!words.length) {
      err(io, ...mainHelp());
      return EXIT.USAGE;
    }
    await resolveGlobals(global.values, io.env);
    const [first, second] = words;
    const command =
      COMMANDS.find((c) => c.path === `${first} ${second}`) ??
      COMMANDS.find((c) => c.path === first);
    if (!command) {
      if (
        GROUPS.includes(first!) &&
        (second === undefined || second === '--help' || second === '-h')
      ) {
        const help = groupHelp(first!);
        if (second) {
          out(io, ...help);
          return EXIT.SUCCESS;
        }
        err(io, ...help);
        return EXIT.USAGE;
      }
      const inGroup = GROUPS.includes(first!);
      const typed = words.slice(0, inGroup ? 2 : 1).join(' ');
      const guess = suggest(
        typed,
        inGroup
          ? COMMANDS.map((c) => c.path).filter((path) => path.startsWith(`${first} `))
          : GROUPS,
      );
      throw new UsageError(
        `No such command '${typed}'.${guess ? ` Did you mean \`mp ${guess}\`?` : ''} Run \`mp --help\` for the list.`,
      );
    }
    const tokens = words.slice(command.path.split(' ').length);
    if (tokens.includes('--help') || tokens.includes('-h')) {
      out(io, ...commandHelp(command));
      return EXIT.SUCCESS;
    }
    const all = parseOptions(tokens, commandSpecs(command));
    const split = splitValues(command, all.values);
    const parsed = { values: split.own, positionals: all.positionals };
    const after = split.globals;
    Object.assign(global.values, after);
    debug ||= after.verbose === true || after.debug === true;
    if (after.version) {
      out(io, `mp version ${VERSION}`);
      return EXIT.SUCCESS;
    }
    if (after['show-completion'] || after['install-completion'])
      return await completion(io, global.values);
    const [min, max] = command.positionals;
    if (parsed.positionals.length < min)
      throw new UsageError(`Missing argument. Usage: ${command.usage}`);
    if (parsed.positionals.length > max)
      throw new UsageError(
        `Got unexpected extra argument '${parsed.positionals[max]}'. Usage: ${command.usage}`,
      );
    // The library is loaded only now, with the command: `--version` and help stay instant.
    const globals = await resolveGlobals(global.values, io.env);
    const [handler, { CommandContext }] = await Promise.all([command.load(), import('./context')]);
    const code = await handler(new CommandContext(io, globals, parsed.values, parsed.positionals));
    return code ?? EXIT.SUCCESS;
  } catch (error) {
    if (error instanceof UsageError) {
      const { bare } = error as { bare?: boolean };
      err(io, bare ? error.message : `Usage error: ${error.message}`);
      return (error as { exit?: number }).exit ?? EXIT.USAGE;
    }
    const { reportError } = await import('./render-error');
    return reportError(io, error, debug);
  }
}
