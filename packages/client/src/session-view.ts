import {
  type AccountType,
  ConfigError,
  isWorkspaceId,
  type MeResponse,
  type Region,
} from '@mixpanel-data/auth-core';
import { findBridgePath, type LoadedBridge, loadBridge } from '@mixpanel-data/bridge';
import { meCacheOf } from './account-calls';
import type { Context } from './sources';

/**
 * The saved session as a person reads it (`mp session`): `[active]` joined
 * with the account record and the account's cached `/me` (never the
 * network). Names are null when the cache does not know them.
 */
export interface SessionView {
  /** The active account; `type`/`region` are null when `[active]` names an account that is not configured. */
  readonly account: { name: string; type: AccountType | null; region: Region | null } | null;
  readonly project: { id: string; name: string | null; organization: string | null } | null;
  readonly workspace: { id: number; name: string | null } | null;
  readonly user: { email: string } | null;
  /** Whether a fresh `/me` cache of the active account was found. */
  readonly meCached: boolean;
  /** The bridge file that would override the active account, if one exists. */
  readonly bridgePath: string | null;
}

/** Reads the saved session view (see `SessionView`). */
export function describeSession(ctx: Context): SessionView {
  // One read of config.toml: `[active]` and the account come from the same parse.
  const view = ctx.configStore.read();
  const active = view.getActive();
  // A pin no command could use is an error, as it is at resolution (docs/files.md#active-block).
  if (active.workspace !== undefined && !isWorkspaceId(active.workspace)) {
    throw new ConfigError(
      `Invalid [active] block in ${view.path}: workspace ${active.workspace} must be > 0. Fix or remove it there, or run \`mp workspace use ID\`.`,
      { details: { path: view.path, block: 'active', field: 'workspace' } },
    );
  }
  const name = active.account;
  let account: SessionView['account'] = null;
  let defaultProject: string | undefined;
  let me: MeResponse | null = null;
  if (name !== undefined) {
    if (view.hasAccount(name)) {
      const record = view.getAccount(name);
      defaultProject = record.defaultProject;
      account = { name, type: record.type, region: record.region };
      try {
        me = meCacheOf(ctx).get(record);
      } catch {
        me = null; // an unreadable cache is no cache
      }
    } else {
      account = { name, type: null, region: null };
    }
  }
  const project = defaultProject === undefined ? undefined : me?.projects?.[defaultProject];
  const workspaceId = active.workspace ?? null;
  const workspace = workspaceId === null ? undefined : me?.workspaces?.[String(workspaceId)];
  return Object.freeze({
    account,
    project:
      defaultProject === undefined
        ? null
        : {
            id: defaultProject,
            name: project?.name ?? null,
            organization: project
              ? (me?.organizations?.[String(project.organization_id)]?.name ?? null)
              : null,
          },
    workspace: workspaceId === null ? null : { id: workspaceId, name: workspace?.name ?? null },
    user: typeof me?.user_email === 'string' ? { email: me.user_email } : null,
    meCached: me !== null,
    bridgePath: findBridgePath(ctx.options.bridgePath, {
      env: ctx.env,
      home: ctx.options.home,
      cwd: ctx.options.cwd,
    }),
  });
}

/** The bridge file in effect (its path and content), or null when there is none. */
export function bridgeInEffect(ctx: Context): LoadedBridge | null {
  return loadBridge(ctx.options.bridgePath, {
    env: ctx.env,
    home: ctx.options.home,
    cwd: ctx.options.cwd,
  });
}
