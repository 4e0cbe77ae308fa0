import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basic, bearer, get, login, SERVICE_ACCOUNT_AUTH } from '../test/helpers';
import { defaultFixture, type Fixture } from './fixture';
import { type MockMixpanel, startMockMixpanel } from './server';

let mock: MockMixpanel;

beforeEach(async () => {
  mock = await startMockMixpanel();
});

afterEach(async () => {
  await mock.close();
});

const workspace = (id: number, name: string, projectId: number, isDefault: boolean) => ({
  id,
  name,
  project_id: projectId,
  is_default: isDefault,
  is_global: false,
  is_restricted: false,
  is_visible: true,
  description: null,
  creator_name: 'Alice Example',
  member_list: [{ id: 42 }],
  unified_member_list: [{ id: 42 }],
});

// docs/testkit.md#app-routes, verbatim.
const SPEC_ME = {
  status: 'ok',
  results: {
    user_id: 42,
    user_email: 'alice@example.com',
    user_name: 'Alice Example',
    organizations: {
      '100': { id: 100, name: 'Acme Corp', role: 'owner', permissions: ['manage_users'] },
    },
    projects: {
      '3713224': {
        name: 'AI Demo',
        organization_id: 100,
        timezone: 'US/Pacific',
        has_workspaces: true,
        domain: 'mixpanel.com',
        type: 'PROJECT',
      },
      '3018488': {
        name: 'E-Commerce',
        organization_id: 100,
        timezone: 'UTC',
        has_workspaces: true,
        domain: 'mixpanel.com',
        type: 'PROJECT',
      },
    },
    workspaces: {
      '3448413': workspace(3448413, 'Default', 3713224, true),
      '3448414': workspace(3448414, 'Staging', 3713224, false),
      '3448420': workspace(3448420, 'All Project Data', 3018488, true),
    },
    demo_account: false,
  },
};

const me = (authorization?: string) =>
  get(
    `${mock.origin}/api/app/me`,
    authorization === undefined ? {} : { Authorization: authorization },
  );

/** A second user who sees only project 3018488 (of a second organisation), with a service account. */
function twoUserFixture(): Fixture {
  const fixture = defaultFixture();
  fixture.organizations.push({ id: 200, name: 'Other Org', role: 'member', permissions: [] });
  fixture.projects.push({
    ...structuredClone(fixture.projects[1]!),
    id: '5550001',
    name: 'Other',
    organization_id: 200,
  });
  fixture.workspaces.push({ id: 9000001, name: 'Main', project_id: 5550001, is_default: true });
  fixture.users.push({ id: 7, email: 'bob@example.com', name: 'Bob', project_ids: ['5550001'] });
  fixture.service_accounts.push({ username: 'bob-sa', secret: 'b', user_id: 7, me_scope: true });
  return fixture;
}

describe('authentication on API routes', () => {
  it.each([
    ['no Authorization', undefined, /missing credentials/],
    ['an unknown service account', basic('ghost', 'x'), /unknown service account/],
    ['a wrong secret', basic('team-sa', 'wrong'), /unknown service account/],
    [
      'a Basic value without a colon',
      `Basic ${Buffer.from('team-sa').toString('base64')}`,
      /unknown service account/,
    ],
    ['an unknown Bearer token', bearer('mock-at-1-forged'), /invalid or expired access token/],
    ['an unknown scheme', 'Digest abc', /missing credentials/],
  ])('answers 401 with an App error body for %s', async (_name, authorization, message) => {
    const response = await me(authorization);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.body).toEqual({ status: 'error', error: expect.stringMatching(message) });
  });

  it('answers 401 for a revoked static token', async () => {
    expect((await me(bearer('static-token-abc'))).status).toBe(200);
    mock.tokens.revoke({ accessToken: 'static-token-abc' });
    const response = await me(bearer('static-token-abc'));
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ status: 'error', error: 'access token has been revoked' });
  });
});

describe('GET /api/app/me', () => {
  it('answers the docs/testkit.md#app-routes body for a service account', async () => {
    const response = await me(SERVICE_ACCOUNT_AUTH);
    expect(response.status).toBe(200);
    expect(response.body).toStrictEqual(SPEC_ME);
  });

  it('answers the same body for an OAuth access token and a static token', async () => {
    const { accessToken } = await login(mock);
    expect((await me(bearer(accessToken))).body).toStrictEqual(SPEC_ME);
    expect((await me(bearer('static-token-abc'))).body).toStrictEqual(SPEC_ME);
  });

  it('answers 403 for a service account with me_scope false', async () => {
    const fixture = defaultFixture();
    fixture.service_accounts[0]!.me_scope = false;
    await mock.close();
    mock = await startMockMixpanel({ fixture });
    const response = await me(SERVICE_ACCOUNT_AUTH);
    expect(response.status).toBe(403);
    expect(response.body).toEqual({
      status: 'error',
      error: 'service account lacks the user_details scope',
    });
  });

  it("lists only the principal's projects, their organisations and workspaces", async () => {
    await mock.close();
    mock = await startMockMixpanel({ fixture: twoUserFixture() });
    const response = await me(basic('bob-sa', 'b'));
    const results = (response.body as { results: Record<string, Record<string, unknown>> }).results;
    expect(results.user_id).toBe(7);
    expect(Object.keys(results.projects!)).toEqual(['5550001']);
    expect(Object.keys(results.organizations!)).toEqual(['200']);
    expect(Object.keys(results.workspaces!)).toEqual(['9000001']);
    expect(results.workspaces!['9000001']).toMatchObject({
      creator_name: 'Bob',
      member_list: [{ id: 7 }],
    });
  });

  it('me_variant no_results_wrapper answers the results object without the envelope', async () => {
    mock.configure({ me_variant: 'no_results_wrapper' });
    expect((await me(SERVICE_ACCOUNT_AUTH)).body).toStrictEqual(SPEC_ME.results);
  });

  it('me_variant list_results answers results as an array', async () => {
    mock.configure({ me_variant: 'list_results' });
    expect((await me(SERVICE_ACCOUNT_AUTH)).body).toStrictEqual({
      status: 'ok',
      results: [SPEC_ME.results],
    });
  });

  it('me_variant bad_schema drops organization_id from a project', async () => {
    mock.configure({ me_variant: 'bad_schema' });
    const body = (await me(SERVICE_ACCOUNT_AUTH)).body as typeof SPEC_ME;
    const projects = Object.values(body.results.projects) as Array<Record<string, unknown>>;
    expect(projects.filter((project) => !('organization_id' in project))).toHaveLength(1);
    expect(body.results.user_email).toBe('alice@example.com');
  });

  it('me_variant no_email omits user_email', async () => {
    mock.configure({ me_variant: 'no_email' });
    const body = (await me(SERVICE_ACCOUNT_AUTH)).body as { results: Record<string, unknown> };
    expect(body.results).not.toHaveProperty('user_email');
    expect(body.results.user_name).toBe('Alice Example');
  });

  it('answers 405 for another method', async () => {
    const response = await fetch(`${mock.origin}/api/app/me`, {
      method: 'POST',
      headers: { Authorization: SERVICE_ACCOUNT_AUTH },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(await response.json()).toMatchObject({ status: 'error' });
  });
});

describe('GET /api/app/projects/{pid}/workspaces/public', () => {
  const workspaces = (projectId: string, authorization = SERVICE_ACCOUNT_AUTH) =>
    get(`${mock.origin}/api/app/projects/${projectId}/workspaces/public`, {
      Authorization: authorization,
    });

  it('answers the docs/testkit.md#app-routes body in fixture order', async () => {
    const response = await workspaces('3713224');
    expect(response.status).toBe(200);
    expect(response.body).toStrictEqual({
      status: 'ok',
      results: [
        {
          id: 3448413,
          name: 'Default',
          project_id: 3713224,
          is_default: true,
          description: null,
          is_global: false,
          is_restricted: false,
          is_visible: true,
          created_iso: '2024-01-05T10:00:00Z',
          creator_name: 'Alice Example',
        },
        {
          id: 3448414,
          name: 'Staging',
          project_id: 3713224,
          is_default: false,
          description: null,
          is_global: false,
          is_restricted: false,
          is_visible: true,
          created_iso: '2024-02-01T10:00:00Z',
          creator_name: 'Alice Example',
        },
      ],
    });
  });

  it('uses created_iso, creator_name and description from the fixture when given', async () => {
    const fixture = defaultFixture();
    Object.assign(fixture.workspaces[2]!, {
      created_iso: '2023-03-03T03:03:03Z',
      creator_name: 'Carol',
      description: 'all of it',
    });
    await mock.close();
    mock = await startMockMixpanel({ fixture });
    const response = await workspaces('3018488');
    expect((response.body as { results: unknown[] }).results).toEqual([
      expect.objectContaining({
        id: 3448420,
        created_iso: '2023-03-03T03:03:03Z',
        creator_name: 'Carol',
        description: 'all of it',
      }),
    ]);
  });

  it('answers 404 for a non-numeric or unknown project, 403 for an invisible one', async () => {
    const notNumeric = await workspaces('abc');
    expect(notNumeric.status).toBe(404);
    expect(notNumeric.body).toMatchObject({ status: 'error' });
    expect((await workspaces('999')).status).toBe(404);
    await mock.close();
    mock = await startMockMixpanel({ fixture: twoUserFixture() });
    const hidden = await workspaces('3713224', basic('bob-sa', 'b'));
    expect(hidden.status).toBe(403);
    expect(hidden.body).toMatchObject({ status: 'error', error: expect.any(String) });
  });

  it('answers 401 before looking at the project', async () => {
    const response = await get(`${mock.origin}/api/app/projects/abc/workspaces/public`);
    expect(response.status).toBe(401);
  });

  it('workspaces_variant empty, no_default and string_results', async () => {
    mock.configure({ workspaces_variant: 'empty' });
    expect((await workspaces('3713224')).body).toEqual({ status: 'ok', results: [] });
    mock.configure({ workspaces_variant: 'no_default' });
    const noDefault = (await workspaces('3713224')).body as {
      results: Array<{ is_default: boolean; id: number }>;
    };
    expect(noDefault.results.map((item) => [item.id, item.is_default])).toEqual([
      [3448413, false],
      [3448414, false],
    ]);
    mock.configure({ workspaces_variant: 'string_results' });
    expect((await workspaces('3713224')).body).toEqual({ status: 'ok', results: 'unexpected' });
    mock.configure({ workspaces_variant: null });
    expect(((await workspaces('3713224')).body as { results: unknown[] }).results).toHaveLength(2);
  });
});
