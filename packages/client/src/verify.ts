import {
  type Account,
  isProjectId,
  isWorkspaceId,
  type MeResponse,
  NetworkError,
  ProjectNotFoundError,
  QueryError,
  RedirectError,
  type Target,
  WorkspaceNotFoundError,
} from '@mixpanel-data/auth-core';
import type { TargetFields } from '@mixpanel-data/config-store';
import { meCacheOf, probeClient } from './account-calls';
import { fetchMe } from './me-service';
import type { Context } from './sources';

/**
 * How a project or workspace was checked against Mixpanel
 * (docs/cli.md#checks-against-mixpanel): `verified` when `/me` (its fresh
 * 24 h cache, or a call now) lists it; `skipped` when it was not checked
 * (asked not to, or nothing to check with); `unverified` when Mixpanel
 * gave no answer (network error, timeout) or would not show `/me` (403)
 * and it was accepted unchecked.
 * `warning` is one line for the user whenever it was accepted unchecked
 * for a reason the user did not choose.
 */
export interface Verification {
  readonly status: 'verified' | 'skipped' | 'unverified';
  readonly warning: string | null;
}

const verification = (status: Verification['status'], warning: string | null = null) =>
  Object.freeze({ status, warning }) as Verification;

/**
 * Why `/me` could not check anything, or null when `error` is a real
 * failure: no answer at all (connection failed, timed out; a redirect is an
 * answer), or a 403 (the credentials may not read `/me`).
 */
export function uncheckable(error: unknown): string | null {
  if (NetworkError.isInstance(error) && !RedirectError.isInstance(error))
    return `could not reach Mixpanel (${(error as NetworkError).reason})`;
  if (QueryError.isInstance(error) && (error as QueryError).statusCode === 403)
    return 'Mixpanel would not show /me to these credentials (403)';
  return null;
}

/** The visible project ids of a `/me` payload, sorted. */
const projectIds = (me: MeResponse) => Object.keys(me.projects ?? {}).sort();

/** The workspaces of a project in a `/me` payload, by id. */
const workspacesOf = (me: MeResponse, projectId: string) =>
  Object.values(me.workspaces ?? {})
    .filter((workspace) => String(workspace.project_id) === projectId)
    .sort((a, b) => a.id - b.id);

/** The project must be one `/me` lists, else ProjectNotFoundError naming the visible ones. */
export function checkProject(me: MeResponse, projectId: string): void {
  if (!me.projects?.[projectId]) throw ProjectNotFoundError.forProject(projectId, projectIds(me));
}

/** The workspace must be one of the project's in `/me`, else WorkspaceNotFoundError naming the project's. */
export function checkWorkspace(me: MeResponse, projectId: string, workspaceId: number): void {
  const workspaces = workspacesOf(me, projectId);
  if (workspaces.some((workspace) => workspace.id === workspaceId)) return;
  const listed = workspaces.map((workspace) => `${workspace.id} (${workspace.name})`).join(', ');
  throw new WorkspaceNotFoundError(
    `Workspace ${workspaceId} is not a workspace of project ${projectId}. ${
      listed ? `Its workspaces: ${listed}.` : 'It has no workspace this account can see.'
    } List them with \`mp workspace list\`.`,
    {
      details: {
        workspace_id: workspaceId,
        project_id: projectId,
        available_workspaces: workspaces.map((workspace) => workspace.id),
      },
    },
  );
}

/**
 * Runs `check(me)` against the account's `/me`: the fresh disk cache
 * when it passes there, else one call now (which refreshes the cache). A
 * failing check throws; no answer from Mixpanel (or a 403) is `unverified`
 * with a warning naming `subject`; any other failure (401, …) throws.
 */
async function checkAgainstMe(
  ctx: Context,
  account: Account,
  subject: string,
  check: (me: MeResponse) => void,
): Promise<Verification> {
  if (account.type === 'oauth_browser' && ctx.tokenStore.readTokens(account.name) === null) {
    return verification(
      'skipped',
      `${subject} was not checked against Mixpanel: account '${account.name}' is not logged in (run \`mp account login ${account.name}\`).`,
    );
  }
  const cache = meCacheOf(ctx);
  const cached = cache.get(account);
  if (cached) {
    try {
      check(cached);
      return verification('verified');
    } catch {
      // Not in the cached copy: it may be new, so ask Mixpanel.
    }
  }
  let me: MeResponse;
  try {
    me = (await fetchMe(probeClient(ctx, account))).me;
  } catch (error) {
    const reason = uncheckable(error);
    if (reason === null) throw error;
    return verification('unverified', `${reason}; ${subject} was not verified.`);
  }
  cache.put(account, me);
  check(me);
  return verification('verified');
}

/** Whether to check against Mixpanel (default yes); `false` is `--no-verify`: no request at all. */
export interface VerifyOptions {
  verify?: boolean | undefined;
}

/**
 * `mp project use ID`: checks that the account can see the project
 * (unless `verify: false`), then sets its `default_project`. An id that
 * is not digits is the store's error, before any request.
 */
export async function useProject(
  ctx: Context,
  name: string,
  projectId: string,
  options: VerifyOptions = {},
): Promise<Verification> {
  const account = ctx.configStore.getAccount(name);
  const result =
    options.verify === false || !isProjectId(projectId)
      ? verification('skipped')
      : await checkAgainstMe(ctx, account, `project ${projectId}`, (me) =>
          checkProject(me, projectId),
        );
  ctx.configStore.updateAccount(name, { defaultProject: projectId });
  return result;
}

/**
 * `mp workspace use ID`: checks that the workspace belongs to the active
 * account's project (unless `verify: false`; nothing to check without an
 * active account with a project), then pins it in `[active]`.
 */
export async function useWorkspace(
  ctx: Context,
  workspaceId: number,
  options: VerifyOptions = {},
): Promise<Verification> {
  let result = verification('skipped');
  if (options.verify !== false && isWorkspaceId(workspaceId)) {
    const view = ctx.configStore.read();
    const name = view.getActive().account;
    const account = name !== undefined && view.hasAccount(name) ? view.getAccount(name) : null;
    const projectId = account?.defaultProject;
    if (account && projectId !== undefined) {
      result = await checkAgainstMe(ctx, account, `workspace ${workspaceId}`, (me) =>
        checkWorkspace(me, projectId, workspaceId),
      );
    }
  }
  ctx.configStore.useSession({ workspace: workspaceId });
  return result;
}

/**
 * `mp target add`: when the fields are well formed (otherwise the store's
 * own error, before any request), checks with the target account's `/me`
 * that it sees the project and, when given, that the workspace is one of
 * the project's (unless `verify: false`); then saves the target.
 */
export async function addTarget(
  ctx: Context,
  name: string,
  fields: TargetFields,
  options: VerifyOptions = {},
): Promise<{ target: Target; verification: Verification }> {
  let result = verification('skipped');
  const view = ctx.configStore.read();
  const { account: accountName, project, workspace } = fields;
  const wellFormed =
    view.hasAccount(accountName) &&
    !view.targetNames().includes(name) &&
    isProjectId(project) &&
    (workspace === undefined || isWorkspaceId(workspace));
  if (options.verify !== false && wellFormed) {
    const subject =
      workspace === undefined
        ? `project ${project}`
        : `project ${project} and workspace ${workspace}`;
    result = await checkAgainstMe(ctx, view.getAccount(accountName), subject, (me) => {
      checkProject(me, project);
      if (workspace !== undefined) checkWorkspace(me, project, workspace);
    });
  }
  return { target: ctx.configStore.addTarget(name, fields), verification: result };
}
