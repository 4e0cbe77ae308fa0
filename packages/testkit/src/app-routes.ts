/** The App API (docs/testkit.md#app-routes): `/api/app/me` and `/api/app/projects/{pid}/workspaces/public`. */
import { authenticate } from './auth';
import type { FixtureWorkspace } from './fixture';
import { appError, jsonReply, type ParsedRequest, type Reply } from './http-io';
import type { MockState } from './state';

const DAY_MS = 86_400_000;
// docs/testkit.md#app-routes's example dates: the first workspace 2024-01-05, the second 27 days later, and so on.
const FIRST_CREATED_MS = Date.parse('2024-01-05T10:00:00Z');
const CREATED_STEP_DAYS = 27;

/** The derived members of a workspace: creation time, creator, description, members. */
function workspaceDetails(state: MockState, workspace: FixtureWorkspace) {
  const index = state.fixture.workspaces.indexOf(workspace);
  const members = state.fixture.users.filter((user) =>
    user.project_ids.includes(String(workspace.project_id)),
  );
  return {
    description: workspace.description ?? null,
    created_iso:
      workspace.created_iso ??
      new Date(FIRST_CREATED_MS + index * CREATED_STEP_DAYS * DAY_MS)
        .toISOString()
        .replace('.000Z', 'Z'),
    creator_name: workspace.creator_name ?? members[0]?.name ?? null,
    member_list: members.map((user) => ({ id: user.id })),
  };
}

export function handleMe(state: MockState, request: ParsedRequest): Reply {
  const authentication = authenticate(state, request);
  if (!authentication.ok) return appError(401, authentication.error);
  const { principal } = authentication;
  if (principal.serviceAccount?.me_scope === false) {
    return appError(403, 'service account lacks the user_details scope');
  }
  const organizations: Record<string, unknown> = {};
  const projects: Record<string, Record<string, unknown>> = {};
  const workspaces: Record<string, unknown> = {};
  for (const project of principal.projects) {
    const organization = state.fixture.organizations.find(
      (candidate) => candidate.id === project.organization_id,
    );
    if (organization) {
      organizations[String(organization.id)] = {
        id: organization.id,
        name: organization.name,
        role: organization.role,
        permissions: [...organization.permissions],
      };
    }
    projects[project.id] = {
      name: project.name,
      organization_id: project.organization_id,
      timezone: project.timezone,
      has_workspaces: project.has_workspaces,
      domain: project.domain,
      type: project.type,
    };
  }
  for (const workspace of state.fixture.workspaces) {
    if (projects[String(workspace.project_id)] === undefined) continue;
    const details = workspaceDetails(state, workspace);
    workspaces[String(workspace.id)] = {
      id: workspace.id,
      name: workspace.name,
      project_id: workspace.project_id,
      is_default: workspace.is_default,
      is_global: false,
      is_restricted: false,
      is_visible: true,
      description: details.description,
      creator_name: details.creator_name,
      member_list: details.member_list,
      unified_member_list: structuredClone(details.member_list),
    };
  }
  const results: Record<string, unknown> = {
    user_id: principal.user.id,
    user_email: principal.user.email,
    user_name: principal.user.name,
    organizations,
    projects,
    workspaces,
    demo_account: false,
  };
  switch (state.config.me_variant) {
    case 'no_email':
      delete results.user_email;
      break;
    case 'bad_schema': {
      const first = Object.values(projects)[0];
      if (first) delete first.organization_id;
      break;
    }
    case 'no_results_wrapper':
      return jsonReply(200, results);
    case 'list_results':
      return jsonReply(200, { status: 'ok', results: [results] });
    case null:
      break;
  }
  return jsonReply(200, { status: 'ok', results });
}

export function handleWorkspaces(
  state: MockState,
  request: ParsedRequest,
  projectId: string,
): Reply {
  const authentication = authenticate(state, request);
  if (!authentication.ok) return appError(401, authentication.error);
  const project = /^\d+$/.test(projectId) ? state.project(projectId) : undefined;
  if (!project) return appError(404, `project ${projectId} not found`);
  if (!authentication.principal.projects.includes(project)) {
    return appError(403, `access to project ${projectId} is not allowed for these credentials`);
  }
  const variant = state.config.workspaces_variant;
  if (variant === 'string_results') return jsonReply(200, { status: 'ok', results: 'unexpected' });
  const results =
    variant === 'empty'
      ? []
      : state.fixture.workspaces
          .filter((workspace) => String(workspace.project_id) === project.id)
          .map((workspace) => {
            const details = workspaceDetails(state, workspace);
            return {
              id: workspace.id,
              name: workspace.name,
              project_id: workspace.project_id,
              is_default: variant === 'no_default' ? false : workspace.is_default,
              description: details.description,
              is_global: false,
              is_restricted: false,
              is_visible: true,
              created_iso: details.created_iso,
              creator_name: details.creator_name,
            };
          });
  return jsonReply(200, { status: 'ok', results });
}
