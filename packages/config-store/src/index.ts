export { readConfig, readConfigText, transactConfig } from './config-file';
export { LOCK_DEFAULTS, type LockOptions, withLock, withLockAsync } from './lock';
export { checkAccountDirName, type LocationOptions, type Locations, locations } from './paths';
export {
  CredentialReadRefusal,
  ensurePrivateDir,
  isMissing,
  isProcessAlive,
  MAX_CREDENTIAL_BYTES,
  type ReadOptions,
  readPrivateFile,
  type WriteOptions,
  writePrivateFileAtomic,
} from './secure-file';
export {
  type AddAccountFields,
  type ApplySessionFields,
  ConfigStore,
  type ConfigStoreOptions,
  createConfigStore,
  type TargetFields,
  type UpdateAccountFields,
} from './store';
export {
  createTokenStore,
  ensureAccountDir,
  FileTokenStore,
  serializeClientRecord,
  serializeTokensFile,
  type TokenStoreOptions,
} from './token-store';
export { parseToml, stringifyToml, TomlFloat } from './toml';
