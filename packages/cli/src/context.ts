import {
  checkTargetExclusive,
  createAccounts,
  createSession,
  createTargets,
  envCredentialWarning,
  type NamespaceOptions,
  redactUrl,
  type UseOptions,
  Workspace,
} from '@mixpanel-data/client';
import { activityOf } from './activity';
import type { OptionValues } from './args';
import { err, type Io } from './io';

/** The global options as given on the command line (after the `--target` exclusion rule). */
export interface Globals {
  account?: string | undefined;
  project?: string | undefined;
  workspace?: number | undefined;
  target?: string | undefined;
  quiet: boolean;
  verbose: boolean;
  /** The session flags given on the command line (`account`, `target`, …). */
  flagged?: readonly string[];
}

/** What every command handler receives. */
export class CommandContext {
  #noted = false;
  #warnedPartial = false;
  constructor(
    readonly io: Io,
    readonly globals: Globals,
    /** The command's own option values and positionals. */
    readonly options: OptionValues,
    readonly positionals: readonly string[],
  ) {}

  /**
   * Namespace/Workspace options bound to this process's environment and
   * directory. Every request the library sends with them is a network wait
   * for the spinner owner (docs/cli.md#spinners), unless --quiet.
   */
  get libraryOptions(): NamespaceOptions {
    this.#noteOnce();
    const activity = activityOf(this.io);
    return {
      env: this.io.env,
      cwd: this.io.cwd,
      entry: 'cli',
      onWarning: (message) => err(this.io, `warning: ${message}`),
      ...(this.globals.quiet ? {} : { onRequest: () => activity.request() }),
    };
  }

  get accounts() {
    return createAccounts(this.libraryOptions);
  }
  get session() {
    return createSession(this.libraryOptions);
  }
  get targets() {
    return createTargets(this.libraryOptions);
  }

  /**
   * A Workspace from the global -a/-p/-w/--target flags; the resolver reads
   * the environment (`MP_ACCOUNT` and `MP_TARGET` as the flags' defaults too).
   */
  workspace(
    overrides: { project?: string | undefined; fallbackProject?: string | undefined } = {},
  ): Workspace {
    this.#warnPartialEnvOnce();
    const { account, project, workspace, target } = this.globals;
    const { project: projectOverride, ...rest } = overrides;
    // A project given to the command replaces --target (and keeps --account/--workspace).
    let choice: UseOptions;
    if (projectOverride !== undefined) choice = { account, project: projectOverride, workspace };
    else if (target === undefined) choice = { account, project, workspace };
    else {
      checkTargetExclusive(this.globals); // throws for a target with an axis, as `run` does
      choice = { target };
    }
    return new Workspace({ ...this.libraryOptions, ...choice, envDefaults: true, ...rest });
  }

  note(line: string): void {
    err(this.io, line);
  }

  /** A `warning: …` line on stderr, unless --quiet (which keeps only errors). */
  warn(line: string): void {
    if (!this.globals.quiet) err(this.io, `warning: ${line}`);
  }

  /** One stderr note per process for MP_BASE_URL (without the user info a refused value may carry). */
  #noteOnce(): void {
    if (this.#noted) return;
    this.#noted = true;
    if (this.io.env.MP_BASE_URL)
      this.note(
        `note: MP_BASE_URL is set; every Mixpanel request goes to ${redactUrl(this.io.env.MP_BASE_URL)}`,
      );
  }

  /**
   * The partial env credential warning (docs/resolution.md#environment-credentials), once, and only where a
   * session is resolved: `MP_SECRET` alone is also how `mp account add` takes a secret.
   */
  #warnPartialEnvOnce(): void {
    if (this.#warnedPartial) return;
    this.#warnedPartial = true;
    const partial = envCredentialWarning(this.io.env);
    if (partial) this.note(`warning: ${partial}`);
  }

  string(name: string): string | undefined {
    const value = this.options[name];
    return typeof value === 'string' ? value : undefined;
  }
  /** Every value of a repeatable option, in the order given (`[]` when absent). */
  strings(name: string): string[] {
    const value = this.options[name];
    return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  }
  flag(name: string): boolean {
    return this.options[name] === true;
  }
  integer(name: string): number | undefined {
    const value = this.options[name];
    return typeof value === 'number' ? value : undefined;
  }
}

export type Handler = (context: CommandContext) => Promise<number | undefined> | number | undefined;
