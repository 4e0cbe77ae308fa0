import { statSync } from 'node:fs';
import {
  type ConfigView,
  type DirectoryBinding,
  type Env,
  type Resolution,
  type ResolveParams,
  resolveSession,
  type TokenResolver,
  withEnvDefaults,
} from '@mixpanel-data/auth-core';
import { type LoadedBridge, loadBridge } from '@mixpanel-data/bridge';
import {
  type ConfigStore,
  type FileTokenStore,
  findDirectoryBinding,
  LocalState,
  type LockOptions,
} from '@mixpanel-data/config-store';
import { OnDiskTokenResolver } from '@mixpanel-data/oauth-pkce';
import { withRequestObserver } from './request-observer';
import type { TransportOptions } from './transport';
import { oauthNetOptions } from './version';

/** Where a program's state comes from; every default is the real process's. */
export interface ContextOptions {
  /** Environment (MP_* variables, HOME). Default `process.env`, read when used. */
  env?: Env | undefined;
  /** Home directory. Default `os.homedir()`. */
  home?: string | undefined;
  /**
   * Working directory: where `./mixpanel_auth.json` and the directory binding
   * (`.mixpanel/target` here or in a folder above) are looked for. Default `process.cwd()`.
   */
  cwd?: string | undefined;
  /** The storage root for `accounts/` and `oauth/`. Default `MP_OAUTH_STORAGE_DIR`, else `~/.mp`. */
  storageDir?: string | undefined;
  /** An explicit bridge file (instead of the search order). */
  bridgePath?: string | undefined;
  /** Receives non-fatal notes; the library never prints. */
  onWarning?: ((message: string) => void) | undefined;
  /** How long the account token locks wait (default: 30 s, docs/files.md#locks). */
  tokenLock?: LockOptions | undefined;
}

/** Everything a Workspace or a namespace is configured with. */
export interface ClientOptions extends ContextOptions, TransportOptions {
  /** One origin for every Mixpanel host (or `{us, eu, in}`); default `MP_BASE_URL`. */
  baseUrl?: string | Readonly<Record<string, string>> | undefined;
  /** Default: tokens.json in this context's storage, kept in memory and refreshed as needed. */
  tokenResolver?: TokenResolver | undefined;
}

/** The real sources for the pure resolver, gathered from the environment and the files. */
export interface Sources {
  env: Env;
  config: ConfigView;
  bridge: LoadedBridge | null;
  /** The `.mixpanel/target` binding in effect for `cwd`, or null. */
  directory: DirectoryBinding | null;
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
 * The local state of one Workspace or namespace, built once from its
 * options and handed to everything below it: the one `LocalState`
 * (config.toml and every file under the storage root), the bridge file
 * search, and the default token resolver (over the same store, so `home`
 * and the storage directory reach the token reader). The parsed config is
 * reused while the file's inode, size and times are unchanged (another
 * process writes by rename, which changes them).
 */
export class Context {
  readonly options: ClientOptions;
  #state: LocalState | null = null;
  #resolver: TokenResolver | null = null;
  #config: { key: string; view: ConfigView } | null = null;

  constructor(options: ClientOptions = {}) {
    // Every request made with these options (API, /me, probes, OAuth) goes through the observed fetch.
    this.options = withRequestObserver(options);
  }

  get env(): Env {
    return this.options.env ?? process.env;
  }

  /** config.toml and the per-account files, created on first use. */
  get state(): LocalState {
    this.#state ??= new LocalState({
      env: this.options.env,
      home: this.options.home,
      storageDir: this.options.storageDir,
      onWarning: this.options.onWarning,
      tokenLock: this.options.tokenLock,
    });
    return this.#state;
  }

  get configStore(): ConfigStore {
    return this.state.config;
  }

  get tokenStore(): FileTokenStore {
    return this.state.tokens;
  }

  /** The caller's token resolver, else one over this context's token store (built once). */
  tokenResolver(bridge?: { accountName: string; path: string }): TokenResolver {
    if (this.options.tokenResolver) return this.options.tokenResolver;
    this.#resolver ??= new OnDiskTokenResolver({
      tokenStore: this.tokenStore,
      env: this.options.env,
      bridge,
      ...oauthNetOptions(this.options),
    });
    return this.#resolver;
  }

  /** The config, re-read only when the file changed. */
  config(): ConfigView {
    const path = this.configStore.path;
    const key = `${path}|${fingerprint(path)}`;
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

  /** The directory binding in effect for `cwd` (docs/resolution.md#directory-binding), or null. */
  directory(): DirectoryBinding | null {
    return findDirectoryBinding(this.options.cwd ?? process.cwd(), {
      home: this.state.locations.home,
    });
  }

  sources(): Sources {
    return {
      env: this.env,
      config: this.config(),
      bridge: this.bridge(),
      directory: this.directory(),
    };
  }
}

/**
 * The Session and the provenance of each axis from the real sources: the one
 * place that hands them to the pure resolver (docs/resolution.md#resolution-order),
 * used by `new Workspace()` and by `diagnose()`. Reads, never writes.
 */
export function resolveFromSources(
  sources: Sources,
  params: ResolveParams,
  envDefaults: boolean,
): Resolution {
  return resolveSession({
    env: sources.env,
    config: sources.config,
    bridge: sources.bridge?.bridge ?? null,
    directory: sources.directory,
    params: envDefaults ? withEnvDefaults(params, sources.env) : params,
  });
}
