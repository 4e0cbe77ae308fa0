/** Everything one mock instance remembers, and how `reset()` forgets it. */
import { Clock } from './clock';
import { applyConfigPatch, defaultConfig, type MockConfig } from './config';
import { FaultBook } from './faults';
import type { Fixture, FixtureProject, FixtureUser } from './fixture';
import { RequestLog } from './request-log';
import type { SecretRecorder } from './secrets-log';
import { TokenRegistry } from './tokens';

export type Region = 'us' | 'eu' | 'in';

/** A client created by dynamic registration (docs/testkit.md#oauth-routes). */
export interface RegisteredClient {
  client_id: string;
  client_id_issued_at: number;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: 'none';
  /** The scope the client asked for (recorded, not enforced). */
  requested_scope: string;
}

export interface AuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  userId: number;
  expiresAtMs: number;
  used: boolean;
  /** The token family every token of this login belongs to. */
  family: number;
}

/** An authorize request waiting for the consent form's decision (approval mode `form`). */
export interface PendingConsent {
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string;
  userId: number;
}

export class MockState {
  fixture: Fixture;
  config: MockConfig;
  readonly clock = new Clock();
  readonly faults = new FaultBook();
  readonly log = new RequestLog();
  readonly tokens: TokenRegistry;
  readonly clients = new Map<string, RegisteredClient>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly consents = new Map<string, PendingConsent>();
  private readonly initialConfig: MockConfig;

  constructor(
    private readonly initialFixture: Fixture,
    configPatch: Partial<MockConfig>,
    readonly region: Region,
    recordSecret?: SecretRecorder,
  ) {
    this.fixture = structuredClone(initialFixture);
    this.config = applyConfigPatch(
      defaultConfig(initialFixture.default_login_user_id),
      configPatch,
      this.userIds(),
    );
    this.initialConfig = structuredClone(this.config);
    this.tokens = new TokenRegistry(this.clock, () => this.fixture.static_tokens, recordSecret);
  }

  /** Back to the initial fixture and config; empty log, no faults, clients, codes or tokens. */
  reset(): void {
    this.fixture = structuredClone(this.initialFixture);
    this.config = structuredClone(this.initialConfig);
    this.clock.offsetSeconds = 0;
    this.faults.reset();
    this.log.reset();
    this.tokens.reset();
    this.clients.clear();
    this.codes.clear();
    this.consents.clear();
  }

  configure(patch: unknown): MockConfig {
    this.config = applyConfigPatch(this.config, patch, this.userIds());
    return structuredClone(this.config);
  }

  userIds(): Set<number> {
    return new Set(this.fixture.users.map((user) => user.id));
  }

  user(id: number): FixtureUser | undefined {
    return this.fixture.users.find((user) => user.id === id);
  }

  project(id: string): FixtureProject | undefined {
    return this.fixture.projects.find((project) => project.id === id);
  }

  /** The projects `user` sees, in fixture order. */
  visibleProjects(user: FixtureUser): FixtureProject[] {
    return this.fixture.projects.filter((project) => user.project_ids.includes(project.id));
  }

  /** Unused codes that have not expired on the mock clock. */
  codesOutstanding(): number {
    const now = this.clock.nowMs();
    return [...this.codes.values()].filter((code) => !code.used && code.expiresAtMs > now).length;
  }
}
