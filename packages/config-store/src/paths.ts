import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  type Env,
  isAccountName,
  isRegion,
  type Region,
} from '@mixpanel-data/auth-core';

/** What every path depends on; both default to the real process values. */
export interface LocationOptions {
  /** Environment snapshot (MP_CONFIG_PATH, MP_OAUTH_STORAGE_DIR, HOME). Default: `process.env`, read at call time. */
  env?: Env | undefined;
  /** Home directory. Default: `os.homedir()` at call time. */
  home?: string | undefined;
  /** The storage root for `accounts/` and `oauth/`. Default: `MP_OAUTH_STORAGE_DIR`, else `<home>/.mp`. */
  storageDir?: string | undefined;
}

/** The files and directories of docs/files.md#locations and docs/files.md#configtoml, computed now (never cached). */
export interface Locations {
  readonly home: string;
  /** `MP_CONFIG_PATH`, else `<home>/.mp/config.toml`. */
  readonly configPath: string;
  /** `MP_OAUTH_STORAGE_DIR`, else `<home>/.mp`: holds `accounts/` and `oauth/`. */
  readonly root: string;
  /** Whether `root` is the default `~/.mp` (only then do we chmod it). */
  readonly defaultRoot: boolean;
  accountDir(name: string): string;
  tokensPath(name: string): string;
  mePath(name: string): string;
  /** The per-account mirror of the client record (docs/oauth.md#client-records-and-which-one-wins). */
  accountClientPath(name: string): string;
  /** The shared per-region client record `<root>/oauth/client_<region>.json`. */
  clientPath(region: Region): string;
}

/** An account name is validated before it becomes part of a path (no `..`, `/`, absolute paths). */
export function checkAccountDirName(name: string): string {
  if (!isAccountName(name)) {
    throw new ConfigError(`Invalid account name '${name}': use 1–64 letters, digits, '_' or '-'.`, {
      details: { account_name: name },
    });
  }
  return name;
}

export function locations(options: LocationOptions = {}): Locations {
  const env = options.env ?? process.env;
  const home =
    options.home ?? (env === process.env ? homedir() : (env.HOME ?? env.USERPROFILE ?? homedir()));
  const defaultDir = join(home, '.mp');
  const root = options.storageDir || env.MP_OAUTH_STORAGE_DIR || defaultDir;
  const accountDir = (name: string) => join(root, 'accounts', checkAccountDirName(name));
  return Object.freeze({
    home,
    configPath: env.MP_CONFIG_PATH || join(defaultDir, 'config.toml'),
    root,
    defaultRoot: root === defaultDir,
    accountDir,
    tokensPath: (name: string) => join(accountDir(name), 'tokens.json'),
    mePath: (name: string) => join(accountDir(name), 'me.json'),
    accountClientPath: (name: string) => join(accountDir(name), 'client.json'),
    clientPath: (region: Region) => {
      if (!isRegion(region))
        throw new ConfigError(`Unknown region '${String(region)}'; use us, eu or in.`, {
          details: { region },
        });
      return join(root, 'oauth', `client_${region}.json`);
    },
  });
}
