import { UsageError } from '../args';
import type { Handler } from '../context';
import { EXIT } from '../exit-codes';
import { type Format, printRecords, renderFixedTable, tableWidth } from '../format';
import { out } from '../io';

export const handlers: Record<string, Handler> = {
  async list(context) {
    const project = context.string('project');
    const ws = context.workspace(project ? { project } : {});
    const workspaces = await ws.workspaces({ refresh: context.flag('refresh') });
    const records = workspaces.map((w) => ({ id: w.id, name: w.name, is_default: w.isDefault }));
    printRecords(context.io, (context.string('format') ?? 'table') as Format, records, {
      key: 'id',
      empty: '(no workspaces accessible via /me)',
      fields: ['id', 'name', 'is_default'],
      table: () =>
        renderFixedTable(
          [16, 34],
          ['ID', 'NAME', 'DEFAULT'],
          records.map((r) => [String(r.id), r.name ?? '', r.is_default ? '*' : '']),
          { width: tableWidth(context.io), cut: [1] },
        ),
    });
    return EXIT.SUCCESS;
  },

  async use(context) {
    const [raw] = context.positionals as [string];
    if (!/^\s*[+-]?\d+\s*$/.test(raw)) {
      throw new UsageError(`Invalid value for 'ID': '${raw}' is not a valid integer.`);
    }
    const id = Number(raw);
    const checked = await context.session.useWorkspace(id, { verify: !context.flag('no-verify') });
    if (checked.warning) context.warn(checked.warning);
    out(context.io, `Active workspace: ${id}`);
    return EXIT.SUCCESS;
  },

  show(context) {
    // Always exit 0 (docs/cli.md#mp-workspace-show), like `mp project show`: an unreadable config pins nothing.
    let pinned: number | undefined;
    try {
      pinned = context.session.show().workspace;
    } catch {
      pinned = undefined;
    }
    out(
      context.io,
      pinned !== undefined ? String(pinned) : '(workspace will be auto-resolved on first use)',
    );
    return EXIT.SUCCESS;
  },
};
