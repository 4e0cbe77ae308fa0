export type { OptionSpec } from './args';
export { COMMANDS, type CommandSpec } from './commands';
export type { Globals, Handler } from './context';
export { classify, EXIT, EXIT_RULES } from './exit-codes';
export { GLOBAL_OPTIONS } from './global-options';
export { type Io, processIo } from './io';
export { reportError } from './render-error';
export { run, VERSION } from './run';
