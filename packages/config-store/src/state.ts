import type { LockOptions } from './lock';
import type { LocationOptions, Locations } from './paths';
import { ConfigStore } from './store';
import { FileTokenStore } from './token-store';

/** Where a program's local state lives and how long its locks wait; every default is the real process's. */
export interface LocalStateOptions extends LocationOptions {
  /** Lock timing of config.toml writes. */
  configLock?: LockOptions | undefined;
  /** Lock timing of the account token locks (default: 30 s wait, 120 s before a live lock is broken). */
  tokenLock?: LockOptions | undefined;
  /** Receives non-fatal notes (unusable caches, records that could not be deleted). */
  onWarning?: ((message: string) => void) | undefined;
}

/**
 * The one owner of a program's files: config.toml (`config`) and the
 * per-account state under the storage root (`tokens`: tokens.json,
 * me.json, client records, login staging), built once from the same
 * options so that both always agree on `home`, the environment and the
 * storage directory. Every package above config-store is handed this
 * object (or one of its two stores) and never builds its own.
 */
export class LocalState {
  readonly config: ConfigStore;
  readonly tokens: FileTokenStore;

  constructor(options: LocalStateOptions = {}) {
    const where: LocationOptions = {
      env: options.env,
      home: options.home,
      storageDir: options.storageDir,
    };
    this.tokens = new FileTokenStore({
      ...where,
      lock: options.tokenLock,
      onWarning: options.onWarning,
    });
    this.config = new ConfigStore({
      ...where,
      lock: options.configLock,
      onWarning: options.onWarning,
      tokens: this.tokens,
    });
  }

  /** The paths of every file, computed now. */
  get locations(): Locations {
    return this.config.locations;
  }
}

export function createLocalState(options: LocalStateOptions = {}): LocalState {
  return new LocalState(options);
}
