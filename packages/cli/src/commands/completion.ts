import { UsageError } from '../args';
import { COMMANDS, GROUPS } from '../commands';
import type { Handler } from '../context';
import { EXIT } from '../exit-codes';

const subcommands = (group: string) =>
  COMMANDS.filter((c) => c.path.startsWith(`${group} `)).map((c) => c.path.split(' ')[1]!);
const flagsOf = (path: string) =>
  COMMANDS.find((c) => c.path === path)!.options.map((o) => `--${o.long}`);

function bash(): string {
  const cases = GROUPS.filter((g) => subcommands(g).length)
    .map(
      (g) =>
        `    ${g}) COMPREPLY=( $(compgen -W "${subcommands(g).join(' ')}" -- "$cur") ); return ;;`,
    )
    .join('\n');
  const flagCases = COMMANDS.filter((c) => c.options.length)
    .map(
      (c) =>
        `    "${c.path}") COMPREPLY=( $(compgen -W "${flagsOf(c.path).join(' ')}" -- "$cur") ); return ;;`,
    )
    .join('\n');
  return `# bash completion for mp
_mp() {
  local cur=\${COMP_WORDS[COMP_CWORD]}
  local words=() w
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do [[ $w != -* ]] && words+=("$w"); done
  if [[ $cur == -* ]]; then
    case "\${words[*]:0:2}" in
${flagCases}
    esac
    case "\${words[0]}" in
${COMMANDS.filter((c) => !c.path.includes(' ') && c.options.length)
  .map(
    (c) =>
      `    ${c.path}) COMPREPLY=( $(compgen -W "${flagsOf(c.path).join(' ')}" -- "$cur") ); return ;;`,
  )
  .join('\n')}
    esac
    return
  fi
  if [[ \${#words[@]} -eq 0 ]]; then COMPREPLY=( $(compgen -W "${GROUPS.join(' ')}" -- "$cur") ); return; fi
  if [[ \${#words[@]} -eq 1 ]]; then
    case "\${words[0]}" in
${cases}
    esac
  fi
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
  const lines = [
    '# fish completion for mp',
    `complete -c mp -f -n '__fish_use_subcommand' -a '${GROUPS.join(' ')}'`,
  ];
  for (const group of GROUPS) {
    const subs = subcommands(group);
    if (subs.length)
      lines.push(
        `complete -c mp -f -n '__fish_seen_subcommand_from ${group}' -a '${subs.join(' ')}'`,
      );
  }
  for (const command of COMMANDS) {
    const last = command.path.split(' ').at(-1)!;
    for (const option of command.options)
      lines.push(
        `complete -c mp -n '__fish_seen_subcommand_from ${last}' -l ${option.long}${option.short ? ` -s ${option.short}` : ''} -d '${option.description.replace(/'/g, "\\'")}'`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** `mp completion bash|zsh|fish`. */
export const completion: Handler = (context) => {
  const [shell] = context.positionals;
  const script =
    shell === 'bash' ? bash() : shell === 'zsh' ? zsh() : shell === 'fish' ? fish() : null;
  if (script === null) throw new UsageError(`Unknown shell '${shell}': use bash, zsh or fish.`);
  context.io.stdout.write(script);

  return EXIT.SUCCESS;
};
