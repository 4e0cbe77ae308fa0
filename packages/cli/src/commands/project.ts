import { NoActiveAccountError, type Project } from '@mixpanel-data/client';
import type { CommandContext, Handler } from '../context';
import { EXIT } from '../exit-codes';
import { type Format, printRecords, renderFixedTable, tableWidth } from '../format';
import { err, out } from '../io';

/**
 * A Workspace for account-level calls: the usual resolution (honouring the
 * globals), and when no project resolves, the placeholder project "0" — `/me`
 * needs none (docs/cli.md#mp-project-list).
 */
export function accountWorkspace(context: CommandContext) {
  return context.workspace({ fallbackProject: '0' });
}

function activeDefaultProject(context: CommandContext): string | null {
  try {
    return context.accounts.show().projectId;
  } catch {
    return null;
  }
}

export const handlers: Record<string, Handler> = {
  async list(context) {
    const ws = accountWorkspace(context);
    const projects = await ws.projects({ refresh: context.flag('refresh') });
    const active = activeDefaultProject(context);
    const records = projects.map((p: Project) => ({
      id: p.id,
      name: p.name,
      organization_id: p.organizationId,
      timezone: p.timezone,
      is_active: p.id === active,
    }));
    printRecords(context.io, (context.string('format') ?? 'table') as Format, records, {
      key: 'id',
      empty: '(no projects accessible via /me)',
      fields: ['id', 'name', 'organization_id', 'timezone', 'is_active'],
      table: () =>
        renderFixedTable(
          [18, 34],
          ['  ID', 'NAME', 'ORG'],
          records.map((r) => [
            `${r.is_active ? '*' : ' '} ${r.id}`,
            r.name ?? '',
            String(r.organization_id ?? ''),
          ]),
          { width: tableWidth(context.io), cut: [1] },
        ),
    });
    return EXIT.SUCCESS;
  },

  async use(context) {
    const [id] = context.positionals as [string];
    let account: string;
    try {
      account = context.accounts.show().name;
    } catch (error) {
      if (NoActiveAccountError.isInstance(error)) {
        err(context.io, 'No active account configured. Run `mp account use NAME` first.');
        return EXIT.NOT_FOUND;
      }
      throw error;
    }
    const checked = await context.accounts.useProject(account, id, {
      verify: !context.flag('no-verify'),
    });
    if (checked.warning) context.warn(checked.warning);
    out(context.io, `Set default_project for account '${account}' to '${id}'`);
    return EXIT.SUCCESS;
  },

  show(context) {
    out(context.io, activeDefaultProject(context) ?? '(no active project)');
    return EXIT.SUCCESS;
  },
};
