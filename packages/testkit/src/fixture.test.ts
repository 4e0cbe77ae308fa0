import { afterEach, describe, expect, it } from 'vitest';
import { defaultFixture, type Fixture, validateFixture } from './fixture';
import { type MockMixpanel, startMockMixpanel } from './server';

// The docs/testkit.md#default-fixture fixture, written out independently of the implementation.
const SPEC_FIXTURE = {
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

function broken(mutate: (fixture: Fixture) => void): Fixture {
  const fixture = defaultFixture();
  mutate(fixture);
  return fixture;
}

describe('defaultFixture', () => {
  it('is exactly the fixture of docs/testkit.md#default-fixture', () => {
    expect(defaultFixture()).toStrictEqual(SPEC_FIXTURE);
  });

  it('returns a fresh deep copy on every call', () => {
    const first = defaultFixture();
    first.users[0]!.project_ids.push('999');
    first.projects[0]!.segment_values.country!.push('MX');
    expect(defaultFixture()).toStrictEqual(SPEC_FIXTURE);
    expect(defaultFixture()).not.toBe(defaultFixture());
  });
});

describe('validateFixture', () => {
  it('returns a copy of a valid fixture', () => {
    const fixture = defaultFixture();
    const validated = validateFixture(fixture);
    expect(validated).toStrictEqual(fixture);
    expect(validated).not.toBe(fixture);
  });

  it.each([
    [
      'a duplicate user id',
      (f: Fixture) => f.users.push({ ...f.users[0]! }),
      /users\[1\]\.id duplicates 42/,
    ],
    [
      'a duplicate project id',
      (f: Fixture) => f.projects.push({ ...f.projects[0]! }),
      /projects\[2\]\.id duplicates "3713224"/,
    ],
    [
      'a duplicate workspace id',
      (f: Fixture) => {
        f.workspaces[1]!.id = 3448413;
      },
      /workspaces\[1\]\.id duplicates 3448413/,
    ],
    [
      'a duplicate organization id',
      (f: Fixture) => f.organizations.push({ ...f.organizations[0]! }),
      /organizations\[1\]\.id duplicates 100/,
    ],
    [
      'a duplicate service account',
      (f: Fixture) => f.service_accounts.push({ ...f.service_accounts[0]! }),
      /service_accounts\[1\]\.username duplicates "team-sa"/,
    ],
    [
      'a duplicate static token',
      (f: Fixture) => f.static_tokens.push({ ...f.static_tokens[0]! }),
      /static_tokens\[1\]\.token duplicates "static-token-abc"/,
    ],
    [
      'a user seeing an unknown project',
      (f: Fixture) => f.users[0]!.project_ids.push('999'),
      /users\[0\]\.project_ids\[2\] "999" is not a project/,
    ],
    [
      'a project of an unknown organization',
      (f: Fixture) => {
        f.projects[1]!.organization_id = 7;
      },
      /projects\[1\]\.organization_id 7 is not an organization/,
    ],
    [
      'a workspace of an unknown project',
      (f: Fixture) => {
        f.workspaces[2]!.project_id = 1;
      },
      /workspaces\[2\]\.project_id 1 is not a project/,
    ],
    [
      'a service account of an unknown user',
      (f: Fixture) => {
        f.service_accounts[0]!.user_id = 7;
      },
      /service_accounts\[0\]\.user_id 7 is not a user/,
    ],
    [
      'a static token of an unknown user',
      (f: Fixture) => {
        f.static_tokens[0]!.user_id = 7;
      },
      /static_tokens\[0\]\.user_id 7 is not a user/,
    ],
    [
      'an unknown default login user',
      (f: Fixture) => {
        f.default_login_user_id = 7;
      },
      /default_login_user_id 7 is not a user/,
    ],
    [
      'a non-numeric project id',
      (f: Fixture) => {
        f.projects[0]!.id = 'abc';
      },
      /projects\[0\]\.id must be a string of digits/,
    ],
    [
      'a missing list',
      (f: Fixture) => {
        delete (f as Partial<Fixture>).workspaces;
      },
      /workspaces must be an array/,
    ],
    [
      'a canned segmentation response with a bad unit',
      (f: Fixture) => {
        f.segmentation_responses = [{ match: { event: 'x', unit: 'hour' as 'day' }, body: {} }];
      },
      /segmentation_responses\[0\]\.match\.unit must be day, week or month/,
    ],
  ])('rejects %s, naming the problem', (_name, mutate, message) => {
    expect(() => validateFixture(broken(mutate))).toThrow(message);
  });

  it('rejects a fixture that is not an object', () => {
    expect(() => validateFixture([])).toThrow(/invalid fixture: the fixture must be an object/);
  });
});

describe('startMockMixpanel with a fixture', () => {
  let mock: MockMixpanel | undefined;
  afterEach(async () => {
    await mock?.close();
    mock = undefined;
  });

  it('refuses to start with an inconsistent fixture', async () => {
    await expect(
      startMockMixpanel({ fixture: broken((f) => f.users[0]!.project_ids.push('1')) }),
    ).rejects.toThrow(/invalid fixture: users\[0\]\.project_ids\[2\] "1" is not a project/);
  });

  it('serves a custom fixture', async () => {
    const fixture = defaultFixture();
    fixture.users[0]!.email = 'bob@example.com';
    mock = await startMockMixpanel({ fixture });
    const response = await fetch(`${mock.origin}/api/app/me`, {
      headers: { Authorization: `Bearer ${'static-token-abc'}` },
    });
    const body = (await response.json()) as { results: { user_email: string } };
    expect(body.results.user_email).toBe('bob@example.com');
  });
});
