import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '@mixpanel-data/client';
import { type OptionSpec, UsageError } from '../args';
import type { Handler } from '../context';
import { EXIT } from '../exit-codes';
import { type Io, out } from '../io';

/** What the scripts complete: handed in by the command table, so this module imports neither it nor run. */
export interface CliShape {
  readonly commands: readonly { readonly path: string; readonly options: readonly OptionSpec[] }[];
  readonly groups: readonly string[];
  readonly globals: readonly OptionSpec[];
}

const subcommands = (shape: CliShape, group: string) =>
  shape.commands.filter((c) => c.path.startsWith(`${group} `)).map((c) => c.path.split(' ')[1]!);
const flagsOf = (shape: CliShape, path: string) =>
  shape.commands.find((c) => c.path === path)!.options.map((o) => `--${o.long}`);

function bash(shape: CliShape): string {
  const cases = shape.groups
    .filter((g) => subcommands(shape, g).length)
    .map(
      (g) =>
        `    ${g}) COMPREPLY=( $(compgen -W "${subcommands(shape, g).join(' ')}" -- "$cur") ); return ;;`,
    )
    .join('\n');
  const flagCases = shape.commands
    .filter((c) => c.options.length)
    .map(
      (c) =>
        `    "${c.path}") COMPREPLY=( $(compgen -W "${flagsOf(shape, c.path).join(' ')}" -- "$cur") ); return ;;`,
    )
    .join('\n');
  const globalFlags = shape.globals.map((o) => `--${o.long}`).join(' ');
  // Every spelling of an option that takes a value: the word after it is that value, not a command.
  const valued = [
    ...new Set(
      [...shape.globals, ...shape.commands.flatMap((c) => c.options)]
        .filter((o) => o.type !== 'boolean')
        .flatMap((o) => [`--${o.long}`, ...(o.short ? [`-${o.short}`] : [])]),
    ),
  ].join('|');
  return `# bash completion for mp
_mp() {
  local cur=\${COMP_WORDS[COMP_CWORD]}
  local words=() w skip=
  # The command words so far: options, their values and "--opt=value" pieces left out.
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    if [[ -n $skip ]]; then [[ $w == = ]] || skip=; continue; fi
    case $w in
    ${valued}|=) skip=1 ;;
    -*) ;;
    *) words+=("$w") ;;
    esac
  done
  if [[ $cur == -* ]]; then
    case "\${words[*]:0:2}" in
    "") COMPREPLY=( $(compgen -W "${globalFlags}" -- "$cur") ); return ;;
${flagCases}
    esac
    case "\${words[0]}" in
${shape.commands
  .filter((c) => !c.path.includes(' ') && c.options.length)
  .map(
    (c) =>
      `    ${c.path}) COMPREPLY=( $(compgen -W "${flagsOf(shape, c.path).join(' ')}" -- "$cur") ); return ;;`,
  )
  .join('\n')}
    esac
    return
  fi
  if [[ \${#words[@]} -eq 0 ]]; then COMPREPLY=( $(compgen -W "${shape.groups.join(' ')}" -- "$cur") ); return; fi
  if [[ \${#words[@]} -eq 1 ]]; then
    case "\${words[0]}" in
${cases}
    esac
  fi
}
complete -F _mp mp
`;
}

function zsh(shape: CliShape): string {
  return `#compdef mp
# zsh completion for mp (uses bash completion)
autoload -U +X bashcompinit && bashcompinit
${bash(shape)}`;
}

const fishOption = (condition: string, option: OptionSpec) =>
  `complete -c mp -n '${condition}' -l ${option.long}${option.short ? ` -s ${option.short}` : ''} -d '${option.description.replace(/'/g, "\\'")}'`;

function fish(shape: CliShape): string {
  const lines = [
    '# fish completion for mp',
    `complete -c mp -f -n '__fish_use_subcommand' -a '${shape.groups.join(' ')}'`,
  ];
  for (const option of shape.globals) lines.push(fishOption('__fish_use_subcommand', option));
  for (const group of shape.groups) {
    const subs = subcommands(shape, group);
    if (subs.length)
      lines.push(
        `complete -c mp -f -n '__fish_seen_subcommand_from ${group}' -a '${subs.join(' ')}'`,
      );
  }
  for (const command of shape.commands) {
    const last = command.path.split(' ').at(-1)!;
    for (const option of command.options)
      lines.push(fishOption(`__fish_seen_subcommand_from ${last}`, option));
  }
  return `${lines.join('\n')}\n`;
}

const SCRIPTS = { bash, zsh, fish } as const;
type Shell = keyof typeof SCRIPTS;
const isShell = (name: string | undefined): name is Shell =>
  name !== undefined && Object.hasOwn(SCRIPTS, name);

/** `mp completion bash|zsh|fish`. */
export const completionFor =
  (shape: CliShape): Handler =>
  (context) => {
    const [shell] = context.positionals;
    if (!isShell(shell)) throw new UsageError(`Unknown shell '${shell}': use bash, zsh or fish.`);
    context.io.stdout.write(SCRIPTS[shell](shape));
    return EXIT.SUCCESS;
  };

/** The shell named by `$SHELL` (its basename), or a usage error naming the way out. */
function detectShell(io: Io): Shell {
  const shell = io.env.SHELL?.split(/[\\/]/).at(-1);
  if (isShell(shell)) return shell;
  throw new UsageError(
    `Cannot tell your shell from $SHELL (${io.env.SHELL ? `'${io.env.SHELL}'` : 'not set'}): set SHELL to bash, zsh or fish, or run \`mp completion bash|zsh|fish\`.`,
  );
}

/** `mp --show-completion`: the completion script of the shell in `$SHELL`. */
export function showCompletion(io: Io, shape: CliShape): number {
  io.stdout.write(SCRIPTS[detectShell(io)](shape));
  return EXIT.SUCCESS;
}

/**
 * Where `--install-completion` puts the script, and the line (if any) that
 * the shell's startup file needs to load it. fish loads its completions
 * directory by itself.
 */
const INSTALL: Record<Shell, { script: string[]; rc?: { file: string[]; lines: string[] } }> = {
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
export function installCompletion(io: Io, shape: CliShape): number {
  const shell = detectShell(io);
  const home = io.env.HOME || homedir();
  const shown = (path: string) =>
    path.startsWith(`${home}/`) ? `~/${path.slice(home.length + 1)}` : path;
  const plan = INSTALL[shell];
  const script = join(home, ...plan.script);
  let step = script;
  try {
    mkdirSync(dirname(script), { recursive: true });
    writeFileSync(script, SCRIPTS[shell](shape));
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
