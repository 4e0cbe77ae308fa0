import type { OptionSpec } from './args';

/** The options every `mp` command line accepts before the command. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  {
    long: 'account',
    short: 'a',
    type: 'string',
    complete: 'accounts',
    metavar: 'NAME',
    description: 'account for this invocation [env MP_ACCOUNT]',
  },
  {
    long: 'project',
    short: 'p',
    type: 'string',
    complete: 'projects',
    metavar: 'ID',
    description: 'project for this invocation [env MP_PROJECT_ID]',
  },
  {
    long: 'workspace',
    short: 'w',
    type: 'integer',
    metavar: 'ID',
    description: 'workspace for this invocation [env MP_WORKSPACE_ID]',
  },
  {
    long: 'target',
    short: 't',
    type: 'string',
    complete: 'targets',
    metavar: 'NAME',
    description: 'apply a saved target for this invocation [env MP_TARGET]',
  },
  { long: 'quiet', short: 'q', type: 'boolean', description: 'no spinners or progress' },
  {
    long: 'verbose',
    short: 'v',
    type: 'boolean',
    description: 'debug output (stack traces of unexpected errors; never secrets)',
  },
  { long: 'debug', type: 'boolean', description: 'same as --verbose' },
  { long: 'version', type: 'boolean', description: 'print the version and exit' },
  {
    long: 'install-completion',
    type: 'boolean',
    description: 'install completion for the shell in $SHELL (bash, zsh, fish) and exit',
  },
  {
    long: 'show-completion',
    type: 'boolean',
    description: 'print the completion script for the shell in $SHELL and exit',
  },
  { long: 'help', short: 'h', type: 'boolean', description: 'show help and exit' },
];
