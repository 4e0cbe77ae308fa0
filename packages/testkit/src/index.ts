export {
  redirectFor,
  type SimulateBrowserOptions,
  type SimulatedBrowserResult,
  simulateBrowser,
} from './browser';
export type { MockClock } from './clock';
export type {
  ApprovalMode,
  MeVariant,
  MockConfig,
  TokenResponseConfig,
  WorkspacesVariant,
} from './config';
export { exportLine } from './export-route';
export type {
  ContentEncoding,
  DripOptions,
  DripPace,
  FailWithOptions,
  FaultAction,
  FaultMatch,
  FaultResponse,
  FaultRule,
  FaultTimesOptions,
  HugeBodyOptions,
  RateLimitOptions,
} from './faults';
export {
  defaultFixture,
  type Fixture,
  type FixtureOrganization,
  type FixtureProject,
  type FixtureSegmentationResponse,
  type FixtureServiceAccount,
  type FixtureStaticToken,
  type FixtureUser,
  type FixtureWorkspace,
  type SegmentationUnit,
} from './fixture';
export { fnv1a32 } from './fnv';
export type { RequestFilter, RequestRecord } from './request-log';
export { type MockMixpanel, type MockOptions, startMockMixpanel } from './server';
export type { Region } from './state';
export type { IssuedToken, MockTokens, RevokeSelector } from './tokens';
