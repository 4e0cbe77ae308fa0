export * from '@mixpanel-data/auth-core';
export {
  bridgeTimestamp,
  findBridgePath,
  type LoadedBridge,
  loadBridge,
} from '@mixpanel-data/bridge';
export type { AddAccountFields, UpdateAccountFields } from '@mixpanel-data/config-store';
export { regionOfDomain } from './account-calls';
export type { AddDiscoveringOptions, AddDiscoveringResult } from './add-account';
export { type ApiTarget, resolveApiUrl } from './api-url';
export {
  type CheckStatus,
  CLOCK_SKEW_LIMIT_SECONDS,
  countChecks,
  type DiagnoseOptions,
  DOCTOR_TIMEOUT_MS,
  type DoctorCheck,
  diagnose,
} from './doctor';
export { errorForStatus } from './error-mapping';
export {
  detectAuthType,
  type LoginOptions,
  type LoginUnifiedOptions,
  type LoginUnifiedResult,
} from './login';
export {
  ACCESS_ONLY_MIN_LIFETIME_MS,
  accounts,
  createAccounts,
  createSession,
  createTargets,
  type ExportBridgeOptions,
  type NamespaceOptions,
  session,
  targets,
} from './namespaces';
export { type NdjsonSource, parseNdjson } from './ndjson';
export type { ResponseHeaders } from './node-stream-fetch';
export type { ProjectChoice } from './project-choice';
export type { ProbeCredential, ProbeOptions } from './region-probe';
export type { ObservedRequest, RequestObserver } from './request-observer';
export {
  checkSegmentationRequest,
  normalizeOn,
  type SegmentationResult,
  type SegmentationUnit,
} from './segmentation';
export type { SessionView } from './session-view';
export type { ClientOptions, ContextOptions, Sources } from './sources';
export {
  backoffMs,
  type CallOptions,
  type Family,
  MixpanelApiClient,
  parseRetryAfter,
  type StreamedResponse,
  type StreamOptions,
  type TransportOptions,
} from './transport';
export type { Verification, VerifyOptions } from './verify';
export { QUERY_ORIGIN, userAgent, VERSION } from './version';
export {
  type Explanation,
  type ExportedEvent,
  type ExportOptions,
  type UseSwitch,
  type Whoami,
  Workspace,
  type WorkspaceOptions,
  type WorkspaceSourceOptions,
} from './workspace';
