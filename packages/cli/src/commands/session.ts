import type { CommandContext, Handler } from '../context';
import { EXIT } from '../exit-codes';
import { printJson } from '../format';
import { err, out } from '../io';

function bridgeView(context: CommandContext): number {
  const loaded = context.session.bridge();
  const json = context.string('format') === 'json';
  if (!loaded) {
    if (json) printJson(context.io, { bridge: null });
    else out(context.io, 'No bridge file found.');
    return EXIT.SUCCESS;
  }
  const { bridge, path } = loaded;
  if (json) {
    printJson(context.io, {
      bridge: {
        path,
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
    `Bridge:    ${path}`,
    `Account:   ${bridge.account.name} (${bridge.account.type}, ${bridge.account.region}, source: bridge)`,
    `Project:   ${bridge.project ?? '(from config/env)'}`,
    `Workspace: ${bridge.workspace ?? '(auto)'}`,
  ];
  const headers = Object.keys(bridge.headers).sort();
  if (headers.length)
    lines.push('Headers:', ...headers.map((name) => `  ${name}: ${bridge.headers[name]}`));
  out(context.io, ...lines);
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
    // A directory binding is named by its file (docs/cli.md#mp-session).
    const from = (source: string, path?: string) => (path ? `${source} ${path}` : source);
    const shadowed = entry.shadowed.map((s) => `${s.value} (${from(s.source, s.path)})`).join(', ');
    return `${label.padEnd(11)}${value}  [from ${entry.source ? from(entry.source, entry.path) : 'nowhere: resolved on first use'}]${shadowed ? `  shadows ${shadowed}` : ''}`;
  };
  out(
    context.io,
    axis(
      'Account:',
      `${ws.account.name} (${ws.account.type}, ${ws.account.region})`,
      provenance.account,
    ),
    axis('Project:', ws.project.id, provenance.project),
    axis('Workspace:', ws.workspace ? String(ws.workspace.id) : '(auto)', provenance.workspace),
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
  const state = context.session.describe();
  if (state.bridgePath)
    err(
      context.io,
      `note: A bridge file at ${state.bridgePath} overrides the active account; see \`mp session --bridge\`.`,
    );
  const binding = context.targets.binding();
  if (binding)
    err(
      context.io,
      `note: ${binding.path} binds this folder to target '${binding.target}', which commands here use unless a flag, the environment or a bridge file decides; see \`mp session --explain\`.`,
    );
  if (context.string('format') === 'json') {
    printJson(context.io, {
      account: state.account,
      project: state.project,
      workspace: state.workspace,
      user: state.user,
      me_cached: state.meCached,
    });
    return EXIT.SUCCESS;
  }
  const uncached = (name: string | null) => (state.meCached ? (name ?? '(unknown)') : '(uncached)');
  const account = state.account
    ? state.account.type
      ? `${state.account.name} (${state.account.type}, ${state.account.region})`
      : state.account.name
    : '(none)';
  const project = state.project
    ? `${uncached(state.project.name)} (${state.project.id})${state.project.organization ? ` [organization: ${state.project.organization}]` : ''}`
    : '(none)';
  const workspace = state.workspace
    ? `${uncached(state.workspace.name)} (${state.workspace.id})`
    : 'auto-resolved on first workspace-scoped call';
  out(
    context.io,
    `Account:   ${account}`,
    `Project:   ${project}`,
    `Workspace: ${workspace}`,
    `User:      ${state.user?.email ?? '(uncached)'}`,
  );
  return EXIT.SUCCESS;
};
