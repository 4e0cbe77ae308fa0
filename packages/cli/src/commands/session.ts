import {
  type Account,
  type Bridge,
  findBridgePath,
  loadBridge,
  type MeResponse,
} from '@mixpanel-data/client';
import type { CommandContext, Handler } from '../context';
import { EXIT } from '../exit-codes';
import { printJson } from '../format';
import { err, out } from '../io';

/** The `/me` cache of an account, read-only (never the network). */
function cachedMe(context: CommandContext, account: Account): MeResponse | null {
  try {
    return context.accounts.cachedMe(account);
  } catch {
    return null;
  }
}

function persisted(context: CommandContext) {
  const active = context.session.show();
  const name = active.account ?? null;
  let account: { name: string; type: string; region: string; defaultProject?: string } | null =
    null;
  let me: MeResponse | null = null;
  if (name) {
    try {
      const record = context.accounts.get(name);
      me = cachedMe(context, record);
      account = {
        name,
        type: record.type,
        region: record.region,
        ...(record.defaultProject ? { defaultProject: record.defaultProject } : {}),
      };
    } catch {
      account = { name, type: '', region: '' };
    }
  }
  const projectId = account?.defaultProject ?? null;
  const project = projectId ? me?.projects?.[projectId] : undefined;
  const organization = project
    ? (me?.organizations?.[String(project.organization_id)]?.name ?? null)
    : null;
  const workspaceId = active.workspace ?? null;
  const workspace = workspaceId !== null ? me?.workspaces?.[String(workspaceId)] : undefined;
  return { account, projectId, project, organization, workspaceId, workspace, me };
}

function bridgeView(context: CommandContext): number {
  const where = { env: context.io.env, cwd: context.io.cwd };
  const loaded = loadBridge(undefined, where);
  const json = context.string('format') === 'json';
  if (!loaded) {
    if (json) printJson(context.io, { bridge: null });
    else out(context.io, 'No bridge file found.');
    return EXIT.SUCCESS;
  }
  const bridge: Bridge = loaded.bridge;
  if (json) {
    printJson(context.io, {
      bridge: {
        path: findBridgePath(undefined, where),
        version: bridge.version,
        account: {
          name: bridge.account.name,
          type: bridge.account.type,
          region: bridge.account.region,
        },
        project: bridge.project,
        workspace: bridge.workspace,
        headers: bridge.headers,
      },
    });
    return EXIT.SUCCESS;
  }
  const lines = [
    `Bridge:    ${loaded.path}`,
    `Account:   ${bridge.account.name} (${bridge.account.type}, ${bridge.account.region}, source: bridge)`,
    `Project:   ${bridge.project ?? '(from config/env)'}`,
    `Workspace: ${bridge.workspace ?? '(auto)'}`,
  ];
  const headers = Object.keys(bridge.headers).sort();
  if (headers.length)
    lines.push('Headers:', ...headers.map((name) => `  ${name}: ${bridge.headers[name]}`));
  out(context.io, lines.join('\n'));
  return EXIT.SUCCESS;
}

function explainView(context: CommandContext): number {
  const ws = context.workspace();
  const { provenance, bridgePath, warnings } = ws.explain();
  for (const warning of warnings) err(context.io, `warning: ${warning}`);
  if (context.string('format') === 'json') {
    printJson(context.io, {
      account: { name: ws.account.name, type: ws.account.type, region: ws.account.region },
      project: { id: ws.project.id },
      workspace: ws.workspace ? { id: ws.workspace.id } : null,
      headers: Object.keys(ws.session.headers).sort(),
      provenance,
      bridge_path: bridgePath,
    });
    return EXIT.SUCCESS;
  }
  const axis = (
    label: string,
    value: string,
    entry: (typeof provenance)[keyof typeof provenance],
  ) => {
    const shadowed = entry.shadowed.map((s) => `${s.value} (${s.source})`).join(', ');
    return `${label.padEnd(11)}${value}  [from ${entry.source ?? 'nowhere: resolved on first use'}]${shadowed ? `  shadows ${shadowed}` : ''}`;
  };
  out(
    context.io,
    [
      axis(
        'Account:',
        `${ws.account.name} (${ws.account.type}, ${ws.account.region})`,
        provenance.account,
      ),
      axis('Project:', ws.project.id, provenance.project),
      axis('Workspace:', ws.workspace ? String(ws.workspace.id) : '(auto)', provenance.workspace),
    ].join('\n'),
  );
  return EXIT.SUCCESS;
}

/** `mp session`: the persisted state (or `--bridge`, or `--explain` for the resolved session). */
export const session: Handler = (context) => {
  if (context.flag('bridge')) return bridgeView(context);
  if (context.flag('explain') || context.flag('effective')) return explainView(context);
  const flagged = context.globals.flagged ?? [];
  if (flagged.length)
    err(
      context.io,
      `note: ${flagged.map((name) => `--${name}`).join(', ')} ${flagged.length > 1 ? 'do' : 'does'} not change \`mp session\`, which shows the saved state; see \`mp session --effective\`.`,
    );
  const state = persisted(context);
  const bridgePath = findBridgePath(undefined, { env: context.io.env, cwd: context.io.cwd });
  if (bridgePath)
    err(
      context.io,
      `note: A bridge file at ${bridgePath} overrides the active account; see \`mp session --bridge\`.`,
    );
  if (context.string('format') === 'json') {
    printJson(context.io, {
      account: state.account
        ? {
            name: state.account.name,
            type: state.account.type || null,
            region: state.account.region || null,
          }
        : null,
      project: state.projectId
        ? {
            id: state.projectId,
            name: state.project?.name ?? null,
            organization: state.organization,
          }
        : null,
      workspace:
        state.workspaceId !== null
          ? { id: state.workspaceId, name: state.workspace?.name ?? null }
          : null,
      user: state.me?.user_email ? { email: state.me.user_email } : null,
      me_cached: state.me !== null,
    });
    return EXIT.SUCCESS;
  }
  const account = state.account
    ? state.account.type
      ? `${state.account.name} (${state.account.type}, ${state.account.region})`
      : state.account.name
    : '(none)';
  const project = !state.projectId
    ? '(none)'
    : `${state.me ? (state.project?.name ?? '(unknown)') : '(uncached)'} (${state.projectId})${state.organization ? ` [organization: ${state.organization}]` : ''}`;
  const workspace =
    state.workspaceId === null
      ? 'auto-resolved on first workspace-scoped call'
      : `${state.me ? (state.workspace?.name ?? '(unknown)') : '(uncached)'} (${state.workspaceId})`;
  out(
    context.io,
    [
      `Account:   ${account}`,
      `Project:   ${project}`,
      `Workspace: ${workspace}`,
      `User:      ${state.me?.user_email ?? '(uncached)'}`,
    ].join('\n'),
  );
  return EXIT.SUCCESS;
};
