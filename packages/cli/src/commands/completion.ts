import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '@mixpanel-data/client';
import { type CompletionSource, type OptionSpec, UsageError } from '../args';
import type { Handler } from '../context';
import { EXIT } from '../exit-codes';
import { type Io, out } from '../io';

/** What the scripts complete: handed in by the command table, so this module imports neither it nor run. */
export interface CliShape {
  readonly commands: readonly {
    readonly path: string;
    readonly options: readonly OptionSpec[];
    readonly positionals: readonly [number, number];
    readonly argument?: CompletionSource;
  }[];
  readonly groups: readonly string[];
  readonly globals: readonly OptionSpec[];
}

/**
 * Every script asks `mp __complete INDEX WORD…` (the words after `mp`, the
 * one under the cursor at INDEX, absent when empty) and offers the lines it
 * prints. So the shells share one reading of the command line, and names
 * come from config.toml at the moment of the TAB.
 */
function bash(): string {
  return `# bash completion for mp
_mp() {
  local IFS=$'\\n'
  COMPREPLY=( $(mp __complete "$((COMP_CWORD - 1))" "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) )
}
complete -F _mp mp
`;
}

function zsh(): string {
  return `#compdef mp
# zsh completion for mp (uses bash completion)
autoload -U +X bashcompinit && bashcompinit
${bash()}`;
}

function fish(): string {
  return `# fish completion for mp
function __mp_complete
  set -l words (commandline -opc)[2..-1]
  mp __complete (count $words) $words (commandline -ct) 2>/dev/null
end
complete -c mp -f -a '(__mp_complete)'
`;
}

function powershell(): string {
  return `# PowerShell completion for mp
Register-ArgumentCompleter -Native -CommandName mp -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $start = $cursorPosition - $wordToComplete.Length
  $words = @($commandAst.CommandElements | Select-Object -Skip 1 |
    Where-Object { $_.Extent.EndOffset -le $start } | ForEach-Object { $_.Extent.Text })
  $arguments = @([string]$words.Count) + $words
  # An empty argument would be dropped on the way to mp, so the empty word is left out.
  if ($wordToComplete -ne '') { $arguments += $wordToComplete }
  & mp __complete @arguments 2>$null | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
  }
}
`;
}

const SCRIPTS = { bash, zsh, fish, powershell } as const;
type Shell = keyof typeof SCRIPTS;
const isShell = (name: string | undefined): name is Shell =>
  name !== undefined && Object.hasOwn(SCRIPTS, name);

/** `mp completion bash|zsh|fish|powershell`. */
export const completionFor = (): Handler => (context) => {
  const [shell] = context.positionals;
  if (!isShell(shell))
    throw new UsageError(`Unknown shell '${shell}': use bash, zsh, fish or powershell.`);
  context.io.stdout.write(SCRIPTS[shell]());
  return EXIT.SUCCESS;
};

/** Where the value being completed comes from: an option's `complete`, else its `choices`. */
type Values = CompletionSource | readonly string[] | undefined;
const valuesOf = (option: OptionSpec): Values => option.complete ?? option.choices;

/**
 * The words to offer for the word under the cursor, `current`, after the
 * words `before` it (docs/cli.md#completion): the value of the option before
 * it, if that takes one (never a command then); options, when it starts with
 * `-`; else the group, the subcommand or the command's argument. Not yet
 * filtered by what was typed.
 */
function candidates(
  shape: CliShape,
  before: readonly string[],
  current: string,
): { values: Values; prefix?: string; typed?: string } {
  let group: string | undefined;
  let command: CliShape['commands'][number] | undefined;
  let pending: OptionSpec | undefined;
  let positionals = 0;
  let ended = false;
  const options = () => [
    ...(command?.options ?? []),
    ...shape.globals.filter(
      (global) =>
        !command?.options.some(
          (own) => own.long === global.long || (global.short && own.short === global.short),
        ),
    ),
  ];
  const find = (word: string) =>
    word.startsWith('--')
      ? options().find((option) => option.long === word.slice(2).split('=')[0])
      : options().find((option) => option.short === word[1]);
  for (const word of before) {
    if (pending) {
      // bash hands `--opt=value` over as three words: `--opt`, `=`, `value`.
      if (word !== '=') pending = undefined;
      continue;
    }
    if (!ended && word === '--') ended = true;
    else if (!ended && word.startsWith('-') && word !== '-') {
      const option = find(word);
      const attached = word.startsWith('--') ? word.includes('=') : word.length > 2;
      if (option && option.type !== 'boolean' && !attached) pending = option;
    } else if (command) positionals++;
    else if (group === undefined && shape.groups.includes(word)) {
      group = word;
      command = shape.commands.find((c) => c.path === word);
    } else if (group !== undefined)
      command = shape.commands.find((c) => c.path === `${group} ${word}`) ?? command;
  }
  // With the cursor just after bash's `=`, the word being replaced is the empty one after it.
  if (pending) return { values: valuesOf(pending), ...(current === '=' ? { typed: '' } : {}) };
  if (!ended && current.startsWith('--') && current.includes('=')) {
    const option = find(current);
    const prefix = current.slice(0, current.indexOf('=') + 1);
    return { values: option && option.type !== 'boolean' ? valuesOf(option) : undefined, prefix };
  }
  if (!ended && current.startsWith('-'))
    return { values: options().map((option) => `--${option.long}`) };
  if (command)
    return { values: positionals < command.positionals[1] ? command.argument : undefined };
  if (group !== undefined)
    return {
      values: shape.commands
        .filter((c) => c.path.startsWith(`${group} `))
        .map((c) => c.path.split(' ')[1]!),
    };
  return { values: shape.groups };
}

/** A name is offered only when it is one shell word on one line. */
const OFFERABLE = /^[\w.@+:-]+$/u;

/** The values of a source: read from config.toml through the library (never the network, never a secret). */
async function sourceValues(io: Io, source: CompletionSource): Promise<readonly string[]> {
  const library = await import('@mixpanel-data/client');
  if (source === 'account-types') return library.ACCOUNT_TYPES;
  if (source === 'regions') return library.REGIONS;
  if (source === 'shells') return Object.keys(SCRIPTS);
  const options = { env: io.env, cwd: io.cwd, entry: 'cli' as const, onWarning: () => {} };
  if (source === 'targets')
    return library
      .createTargets(options)
      .list()
      .map((t) => t.name);
  const accounts = library.createAccounts(options).list();
  if (source === 'accounts') return accounts.map((a) => a.name);
  const targets = library.createTargets(options).list();
  return [
    ...new Set([
      ...accounts.flatMap((a) => (a.projectId ? [a.projectId] : [])),
      ...targets.map((t) => t.project),
    ]),
  ].sort();
}

/**
 * `mp __complete INDEX WORD…`, the hidden command the completion scripts
 * run: prints the words to offer for the word at INDEX, one per line, those
 * that start with what was typed. Offline and quiet: a config.toml that
 * cannot be read offers nothing, and nothing is ever printed on stderr.
 */
export async function complete(io: Io, shape: CliShape, args: readonly string[]): Promise<number> {
  const index = Number(args[0]);
  if (!Number.isInteger(index) || index < 0) return EXIT.SUCCESS;
  const words = args.slice(1);
  const current = words[index] ?? '';
  const found = candidates(shape, words.slice(0, index), current);
  const { values, prefix = '' } = found;
  let offered: readonly string[] = [];
  try {
    offered = typeof values === 'string' ? await sourceValues(io, values) : (values ?? []);
  } catch {
    // A broken or unreadable config.toml: nothing to offer.
  }
  const typed = found.typed ?? current.slice(prefix.length);
  out(
    io,
    ...offered
      .filter((value) => value.startsWith(typed) && OFFERABLE.test(value))
      .map((value) => `${prefix}${value}`),
  );
  return EXIT.SUCCESS;
}

/** The shells `--show-completion` and `--install-completion` find in `$SHELL`. */
type LoginShell = Exclude<Shell, 'powershell'>;

/** The shell named by `$SHELL` (its basename), or a usage error naming the way out. */
function detectShell(io: Io): LoginShell {
  const shell = io.env.SHELL?.split(/[\\/]/).at(-1);
  if (isShell(shell) && shell !== 'powershell') return shell;
  throw new UsageError(
    `Cannot tell your shell from $SHELL (${io.env.SHELL ? `'${io.env.SHELL}'` : 'not set'}): set SHELL to bash, zsh or fish, or run \`mp completion bash|zsh|fish\`.`,
  );
}

/** `mp --show-completion`: the completion script of the shell in `$SHELL`. */
export function showCompletion(io: Io): number {
  io.stdout.write(SCRIPTS[detectShell(io)]());
  return EXIT.SUCCESS;
}

/**
 * Where `--install-completion` puts the script, and the line (if any) that
 * the shell's startup file needs to load it. fish loads its completions
 * directory by itself.
 */
const INSTALL: Record<LoginShell, { script: string[]; rc?: { file: string[]; lines: string[] } }> =
  {
    bash: {
      script: ['.bash_completions', 'mp.sh'],
      rc: { file: ['.bashrc'], lines: ['source ~/.bash_completions/mp.sh'] },
    },
    zsh: {
      script: ['.zfunc', 'mp.zsh'],
      rc: {
        file: ['.zshrc'],
        lines: ['autoload -Uz compinit && compinit', 'source ~/.zfunc/mp.zsh'],
      },
    },
    fish: { script: ['.config', 'fish', 'completions', 'mp.fish'] },
  };

/**
 * `mp --install-completion`: writes the script for the shell in `$SHELL`
 * under HOME and adds the lines that load it to the shell's startup file,
 * once (running it again changes nothing but the script). The startup file
 * is only appended to, never rewritten.
 */
export function installCompletion(io: Io): number {
  const shell = detectShell(io);
  const home = io.env.HOME || homedir();
  const shown = (path: string) =>
    path.startsWith(`${home}/`) ? `~/${path.slice(home.length + 1)}` : path;
  const plan = INSTALL[shell];
  const script = join(home, ...plan.script);
  let step = script;
  try {
    mkdirSync(dirname(script), { recursive: true });
    writeFileSync(script, SCRIPTS[shell]());
    if (plan.rc) {
      const rc = join(home, ...plan.rc.file);
      step = rc;
      const current = existsSync(rc) ? readFileSync(rc, 'utf8') : '';
      const have = new Set(current.split(/\r?\n/).map((line) => line.trim()));
      const missing = plan.rc.lines.filter((line) => !have.has(line));
      if (missing.length) {
        const separator = current === '' || current.endsWith('\n') ? '' : '\n';
        appendFileSync(rc, `${separator}${missing.join('\n')}\n`);
      }
    }
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(
      `Cannot install ${shell} completion: ${shown(step)} could not be written (${reason}). Fix that path, or save the output of \`mp completion ${shell}\` where your shell loads it.`,
      { details: { path: step }, cause: error },
    );
  }
  out(
    io,
    `${shell} completion installed in ${shown(script)}`,
    'Completion will take effect once you restart the terminal.',
  );
  return EXIT.SUCCESS;
}
