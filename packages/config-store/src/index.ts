export { readConfig, readConfigText, transactConfig } from './config-file';
export {
  DIRECTORY_BINDING_PATH,
  type DirectoryBindingOptions,
  findDirectoryBinding,
  readDirectoryBinding,
  removeDirectoryBinding,
  writeDirectoryBinding,
} from './directory-binding';
export { type FileInspection, type FileIssue, inspectFiles } from './inspect';
export {
  inspectLock,
  LOCK_DEFAULTS,
  type LockInspection,
  type LockOptions,
  withLock,
  withLockAsync,
} from './lock';
export { checkAccountDirName, type LocationOptions, type Locations, locations } from './paths';
export {
  CredentialReadRefusal,
  ensurePrivateDir,
  isMissing,
  MAX_CREDENTIAL_BYTES,
  type ReadOptions,
  readPrivateFile,
  refuseLinkedAncestor,
  unwritableFolderError,
  type WriteOptions,
  writePrivateFileAtomic,
} from './secure-file';
export { createLocalState, LocalState, type LocalStateOptions } from './state';
export {
  type AddAccountFields,
  type AddOAuthBrowserAccountFields,
  type AddOAuthTokenAccountFields,
  type AddServiceAccountFields,
  type ApplySessionFields,
  ConfigStore,
  type ConfigStoreOptions,
  createConfigStore,
  type TargetFields,
  type UpdateAccountFields,
  type UpdateOAuthBrowserAccountFields,
  type UpdateOAuthTokenAccountFields,
  type UpdateServiceAccountFields,
} from './store';
export {
  type AccountFileRead,
  createTokenStore,
  FileTokenStore,
  type StagedAccount,
  serializeClientRecord,
  serializeTokensFile,
  TOKEN_LOCK_DEFAULTS,
  type TokenStoreOptions,
  type TokenUpdateOptions,
} from './token-store';
export { parseToml, stringifyToml, TomlFloat } from './toml';
