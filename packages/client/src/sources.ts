import { statSync } from 'node:fs';
import type { ConfigView, Env } from '@mixpanel-data/auth-core';
import { type LoadedBridge, loadBridge } from '@mixpanel-data/bridge';
import { ConfigStore, FileTokenStore } from '@mixpanel-data/config-store';

/** Where a program's state comes from; every default is the real process's. */
export interface ContextOptions {
  /** Environment (MP_* variables, HOME). Default `process.env`, read when used. */
  env?: Env | undefined;
  /** Home directory. Default `os.homedir()`. */
  home?: string | undefined;
  /** Working directory for `./mixpanel_auth.json`. Default `process.cwd()`. */
  cwd?: string | undefined;
  /** An explicit bridge file (instead of the search order). */
  bridgePath?: string | undefined;
  /** Receives non-fatal notes; the library never prints. */
  onWarning?: ((message: string) => void) | undefined;
}

/** The real sources for the pure resolver, gathered from the environment and the files. */
export interface Sources {
  env: Env;
  config: ConfigView;
  bridge: LoadedBridge | null;
}

const fingerprint = (path: string) => {
  try {
    const stat = statSync(path);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
  } catch {
    return 'absent';
  }
};

/**
 * The stores and sources of one context. The parsed config is reused while
 * the file's inode, size and times are unchanged (another process writes by
 * rename, which changes them), so in-place switching does not re-parse TOML.
 */
export class Context {
  readonly options: ContextOptions;
  readonly configStore: ConfigStore;
  readonly tokenStore: FileTokenStore;
  #config: { key: string; view: ConfigView } | null = null;

  constructor(options: ContextOptions = {}) {
    this.options = options;
    const where = { env: options.env, home: options.home };
    this.configStore = new ConfigStore({ ...where, onWarning: options.onWarning });
    this.tokenStore = new FileTokenStore({ ...where, onWarning: options.onWarning });
  }

  get env(): Env {
    return this.options.env ?? process.env;
  }

  /** The config, re-read only when the file changed. */
  config(): ConfigView {
    const key = `${this.configStore.path}|${fingerprint(this.configStore.path)}`;
    if (this.#config?.key !== key) this.#config = { key, view: this.configStore.read() };
    return this.#config.view;
  }

  bridge(): LoadedBridge | null {
    return loadBridge(this.options.bridgePath, {
      env: this.env,
      home: this.options.home,
      cwd: this.options.cwd,
    });
  }

  sources(): Sources {
    return { env: this.env, config: this.config(), bridge: this.bridge() };
  }
}
