/** The data the mock serves (docs/testkit.md#fixture): users, organisations, projects, workspaces and credentials. */

export interface FixtureUser {
  id: number;
  email: string;
  name: string;
  /** The projects this user (and every credential acting as them) can see. */
  project_ids: string[];
}

export interface FixtureOrganization {
  id: number;
  name: string;
  role: string;
  permissions: string[];
}

export interface FixtureProject {
  /** Digits, as a string (`"3713224"`). */
  id: string;
  name: string;
  organization_id: number;
  timezone: string;
  domain: string;
  has_workspaces: boolean;
  type: string;
  /** The history gate of `/api/query/events/names` (docs/testkit.md#query-routes); `null` = unlimited. */
  max_data_history_days: number | null;
  /** Event names, in the order `/api/query/events/names` returns them. */
  events: string[];
  /** Segment values per property name, for synthetic segmentation (docs/testkit.md#segmentation-route). */
  segment_values: Record<string, string[]>;
}

export interface FixtureWorkspace {
  id: number;
  name: string;
  project_id: number;
  is_default: boolean;
  /** Optional; `null` when absent. */
  description?: string | null;
  /** Optional; derived from the workspace's position when absent (docs/testkit.md#app-routes's example values). */
  created_iso?: string;
  /** Optional; the first user who sees the project when absent. */
  creator_name?: string;
}

export interface FixtureServiceAccount {
  username: string;
  secret: string;
  /** The user the service account acts as. */
  user_id: number;
  /** `false` makes `/api/app/me` answer 403 (docs/testkit.md#app-routes). Default `true`. */
  me_scope?: boolean;
}

export interface FixtureStaticToken {
  token: string;
  user_id: number;
}

export type SegmentationUnit = 'day' | 'week' | 'month';

/** A canned `/api/query/segmentation` body (docs/testkit.md#segmentation-route); an absent `on`/`unit` matches any value. */
export interface FixtureSegmentationResponse {
  match: { event: string; on?: string; unit?: SegmentationUnit };
  body: unknown;
}

export interface Fixture {
  users: FixtureUser[];
  organizations: FixtureOrganization[];
  projects: FixtureProject[];
  workspaces: FixtureWorkspace[];
  service_accounts: FixtureServiceAccount[];
  static_tokens: FixtureStaticToken[];
  /** The user an OAuth login approves as, unless config `approve_as_user_id` says otherwise. */
  default_login_user_id: number;
  segmentation_responses?: FixtureSegmentationResponse[];
}

/** A deep copy of the default fixture of docs/testkit.md#default-fixture */
export function defaultFixture(): Fixture {
  return {
    users: [
      {
        id: 42,
        email: 'alice@example.com',
        name: 'Alice Example',
        project_ids: ['3713224', '3018488'],
      },
    ],
    organizations: [{ id: 100, name: 'Acme Corp', role: 'owner', permissions: ['manage_users'] }],
    projects: [
      {
        id: '3713224',
        name: 'AI Demo',
        organization_id: 100,
        timezone: 'US/Pacific',
        domain: 'mixpanel.com',
        has_workspaces: true,
        type: 'PROJECT',
        max_data_history_days: null,
        events: ['Sign Up', 'Login', 'Purchase', 'Page View'],
        segment_values: { country: ['US', 'CA'], plan: ['free', 'pro'] },
      },
      {
        id: '3018488',
        name: 'E-Commerce',
        organization_id: 100,
        timezone: 'UTC',
        domain: 'mixpanel.com',
        has_workspaces: true,
        type: 'PROJECT',
        max_data_history_days: 90,
        events: ['Add to Cart', 'Checkout'],
        segment_values: {},
      },
    ],
    workspaces: [
      { id: 3448413, name: 'Default', project_id: 3713224, is_default: true },
      { id: 3448414, name: 'Staging', project_id: 3713224, is_default: false },
      { id: 3448420, name: 'All Project Data', project_id: 3018488, is_default: true },
    ],
    service_accounts: [{ username: 'team-sa', secret: 's3cret-sa', user_id: 42, me_scope: true }],
    static_tokens: [{ token: 'static-token-abc', user_id: 42 }],
    default_login_user_id: 42,
    segmentation_responses: [],
  };
}

class FixtureProblem extends Error {
  constructor(problem: string) {
    super(`invalid fixture: ${problem}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expectArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new FixtureProblem(`${where} must be an array`);
  return value;
}

function expectRecord(value: unknown, where: string): Record<string, unknown> {
  if (!isRecord(value)) throw new FixtureProblem(`${where} must be an object`);
  return value;
}

function expectString(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new FixtureProblem(`${where} must be a string`);
  return value;
}

function expectInteger(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new FixtureProblem(`${where} must be an integer`);
  }
  return value;
}

function expectBoolean(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new FixtureProblem(`${where} must be a boolean`);
  return value;
}

function expectStrings(value: unknown, where: string): string[] {
  return expectArray(value, where).map((item, index) => expectString(item, `${where}[${index}]`));
}

function checkUnique<T>(seen: Set<T>, value: T, where: string): void {
  if (seen.has(value)) throw new FixtureProblem(`${where} duplicates ${JSON.stringify(value)}`);
  seen.add(value);
}

/**
 * Checks a fixture's shape and consistency (unknown ids, duplicate ids) and
 * returns a deep copy of it; throws an `Error` naming the first problem.
 */
export function validateFixture(input: unknown): Fixture {
  const fixture = expectRecord(structuredClone(input), 'the fixture');

  const organizationIds = new Set<number>();
  expectArray(fixture.organizations, 'organizations').forEach((item, index) => {
    const where = `organizations[${index}]`;
    const organization = expectRecord(item, where);
    checkUnique(organizationIds, expectInteger(organization.id, `${where}.id`), `${where}.id`);
    expectString(organization.name, `${where}.name`);
    expectString(organization.role, `${where}.role`);
    expectStrings(organization.permissions, `${where}.permissions`);
  });

  const projectIds = new Set<string>();
  expectArray(fixture.projects, 'projects').forEach((item, index) => {
    const where = `projects[${index}]`;
    const project = expectRecord(item, where);
    const id = expectString(project.id, `${where}.id`);
    if (!/^\d+$/.test(id)) throw new FixtureProblem(`${where}.id must be a string of digits`);
    checkUnique(projectIds, id, `${where}.id`);
    for (const key of ['name', 'timezone', 'domain', 'type']) {
      expectString(project[key], `${where}.${key}`);
    }
    expectBoolean(project.has_workspaces, `${where}.has_workspaces`);
    const organizationId = expectInteger(project.organization_id, `${where}.organization_id`);
    if (!organizationIds.has(organizationId)) {
      throw new FixtureProblem(`${where}.organization_id ${organizationId} is not an organization`);
    }
    if (project.max_data_history_days !== null) {
      const days = expectInteger(project.max_data_history_days, `${where}.max_data_history_days`);
      if (days < 1) throw new FixtureProblem(`${where}.max_data_history_days must be positive`);
    }
    expectStrings(project.events, `${where}.events`);
    const segments = expectRecord(project.segment_values, `${where}.segment_values`);
    for (const [name, values] of Object.entries(segments)) {
      expectStrings(values, `${where}.segment_values.${name}`);
    }
  });

  const userIds = new Set<number>();
  expectArray(fixture.users, 'users').forEach((item, index) => {
    const where = `users[${index}]`;
    const user = expectRecord(item, where);
    checkUnique(userIds, expectInteger(user.id, `${where}.id`), `${where}.id`);
    expectString(user.email, `${where}.email`);
    expectString(user.name, `${where}.name`);
    expectStrings(user.project_ids, `${where}.project_ids`).forEach((projectId, position) => {
      if (!projectIds.has(projectId)) {
        throw new FixtureProblem(
          `${where}.project_ids[${position}] ${JSON.stringify(projectId)} is not a project`,
        );
      }
    });
  });

  const workspaceIds = new Set<number>();
  expectArray(fixture.workspaces, 'workspaces').forEach((item, index) => {
    const where = `workspaces[${index}]`;
    const workspace = expectRecord(item, where);
    checkUnique(workspaceIds, expectInteger(workspace.id, `${where}.id`), `${where}.id`);
    expectString(workspace.name, `${where}.name`);
    expectBoolean(workspace.is_default, `${where}.is_default`);
    const projectId = expectInteger(workspace.project_id, `${where}.project_id`);
    if (!projectIds.has(String(projectId))) {
      throw new FixtureProblem(`${where}.project_id ${projectId} is not a project`);
    }
    if (workspace.description !== undefined && workspace.description !== null) {
      expectString(workspace.description, `${where}.description`);
    }
    if (workspace.created_iso !== undefined) {
      expectString(workspace.created_iso, `${where}.created_iso`);
    }
    if (workspace.creator_name !== undefined) {
      expectString(workspace.creator_name, `${where}.creator_name`);
    }
  });

  const checkUser = (value: unknown, where: string): void => {
    const userId = expectInteger(value, where);
    if (!userIds.has(userId)) throw new FixtureProblem(`${where} ${userId} is not a user`);
  };

  const usernames = new Set<string>();
  expectArray(fixture.service_accounts, 'service_accounts').forEach((item, index) => {
    const where = `service_accounts[${index}]`;
    const account = expectRecord(item, where);
    const username = expectString(account.username, `${where}.username`);
    checkUnique(usernames, username, `${where}.username`);
    expectString(account.secret, `${where}.secret`);
    checkUser(account.user_id, `${where}.user_id`);
    if (account.me_scope !== undefined) expectBoolean(account.me_scope, `${where}.me_scope`);
  });

  const tokens = new Set<string>();
  expectArray(fixture.static_tokens, 'static_tokens').forEach((item, index) => {
    const where = `static_tokens[${index}]`;
    const token = expectRecord(item, where);
    checkUnique(tokens, expectString(token.token, `${where}.token`), `${where}.token`);
    checkUser(token.user_id, `${where}.user_id`);
  });

  checkUser(fixture.default_login_user_id, 'default_login_user_id');

  if (fixture.segmentation_responses !== undefined) {
    expectArray(fixture.segmentation_responses, 'segmentation_responses').forEach((item, index) => {
      const where = `segmentation_responses[${index}]`;
      const canned = expectRecord(item, where);
      const match = expectRecord(canned.match, `${where}.match`);
      expectString(match.event, `${where}.match.event`);
      if (match.on !== undefined) expectString(match.on, `${where}.match.on`);
      if (match.unit !== undefined && !['day', 'week', 'month'].includes(match.unit as string)) {
        throw new FixtureProblem(`${where}.match.unit must be day, week or month`);
      }
      if (!('body' in canned)) throw new FixtureProblem(`${where}.body is required`);
    });
  }

  return fixture as unknown as Fixture;
}
