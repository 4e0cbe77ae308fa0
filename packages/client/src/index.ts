export * from '@mixpanel-data/auth-core';
export {
  bridgeTimestamp,
  findBridgePath,
  type LoadedBridge,
  loadBridge,
} from '@mixpanel-data/bridge';
export { bodyError, captureBody, errorForStatus } from './error-mapping';
export {
  addAccountDiscovering,
  chooseProject,
  deriveAccountName,
  detectAuthType,
  type LoginUnifiedOptions,
  type LoginUnifiedResult,
  loginUnified,
  organizationsInOrder,
  type ProbeCredential,
  type ProbeOptions,
  type ProjectChoice,
  probeRegion,
  projectChoices,
  slugify,
} from './guided';
export { ME_CACHE_TTL_SECONDS, MeDiskCache } from './me-service';
export {
  accounts,
  createAccounts,
  createSession,
  createTargets,
  type LoginOptions,
  type NamespaceOptions,
  regionOfDomain,
  session,
  targets,
} from './namespaces';
export { keysInOrder } from './ordered-json';
export {
  localDate,
  normalizeOn,
  type SegmentationResult,
  type SegmentationUnit,
} from './segmentation';
export { Context, type ContextOptions, type Sources } from './sources';
export {
  backoffMs,
  type CallOptions,
  type Family,
  MixpanelApiClient,
  parseRetryAfter,
  Transport,
  type TransportOptions,
} from './transport';
export { QUERY_ORIGIN, userAgent, VERSION } from './version';
export { type Explanation, type UseSwitch, Workspace, type WorkspaceOptions } from './workspace';
