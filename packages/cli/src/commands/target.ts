import type { Target } from '@mixpanel-data/client';
import { UsageError } from '../args';
import type { Handler } from '../context';
import { EXIT } from '../exit-codes';
import { type Format, jsonText, printRecords, renderTable, tableWidth } from '../format';
import { escapeControls, out } from '../io';
import { displayWidth, padToWidth } from '../width';
import { confirm } from './confirm';

const record = (target: Target) => ({
  name: target.name,
  account: target.account,
  project: target.project,
  workspace: target.workspace ?? null,
});

/** The line under `mp target use`: what the target resolves to. */
const arrow = (target: Target) =>
  `→ ${target.account} · ${target.project} · ${target.workspace !== undefined ? `ws ${target.workspace}` : 'ws auto'}`;

export const handlers: Record<string, Handler> = {
  list(context) {
    const records = context.targets.list().map(record);
    // Measured as shown (control characters escaped) in display columns, like every table.
    const cell = (text: string, width: number) => padToWidth(escapeControls(text), width);
    printRecords(context.io, (context.string('format') ?? 'table') as Format, records, {
      key: 'name',
      empty: '(no targets configured)',
      fields: ['name', 'account', 'project', 'workspace'],
      table: () => {
        const lines = [
          `${cell('NAME', 15)} ${cell('ACCOUNT', 15)} ${cell('PROJECT', 12)} WORKSPACE`,
          ...records.map(
            (r) =>
              `${cell(r.name, 15)} ${cell(r.account, 15)} ${cell(r.project, 12)} ${r.workspace ?? '-'}`,
          ),
        ];
        // The fixed layout, unless a row would wrap the terminal: then names are cut to fit it.
        const width = tableWidth(context.io);
        if (width === undefined || lines.every((line) => displayWidth(line) <= width)) return lines;
        return renderTable(
          ['NAME', 'ACCOUNT', 'PROJECT', 'WORKSPACE'],
          records.map((r) => [r.name, r.account, r.project, `${r.workspace ?? '-'}`]),
          { width, cut: [0, 1] },
        );
      },
    });
    return EXIT.SUCCESS;
  },

  async add(context) {
    const [name] = context.positionals as [string];
    const account = context.string('account');
    const project = context.string('project');
    // Required options, so a missing one is a usage error (exit 2), as the parser reports it.
    if (!account) throw new UsageError("Missing option '--account' / '-a'.");
    if (!project) throw new UsageError("Missing option '--project' / '-p'.");
    const workspace = context.integer('workspace');
    const { verification } = await context.targets.addVerified(
      name,
      { account, project, ...(workspace !== undefined ? { workspace } : {}) },
      { verify: !context.flag('no-verify') },
    );
    if (verification.warning) context.warn(verification.warning);
    out(context.io, `Added target: ${name}`);
    return EXIT.SUCCESS;
  },

  async remove(context) {
    const [name] = context.positionals as [string];
    context.targets.show(name);
    const aborted = await confirm(context, `Remove target '${name}'?`, `remove target '${name}'`);
    if (aborted !== undefined) return aborted;
    context.targets.remove(name);
    out(context.io, `Removed target: ${name}`);
    return EXIT.SUCCESS;
  },

  use(context) {
    const [name] = context.positionals;
    const here = context.flag('here');
    if (context.flag('clear')) {
      if (!here) throw new UsageError('--clear needs --here: run `mp target use --here --clear`.');
      if (name !== undefined)
        throw new UsageError(`--clear takes no NAME: run \`mp target use --here --clear\`.`);
      const removed = context.targets.unbind();
      out(
        context.io,
        removed
          ? `Removed directory binding: ${removed}`
          : `No directory binding in ${context.io.cwd}.`,
      );
      return EXIT.SUCCESS;
    }
    if (name === undefined)
      throw new UsageError(
        'Missing argument NAME (or pass --here --clear to remove the binding of this folder).',
      );
    if (here) {
      const { target, path } = context.targets.bind(name);
      out(context.io, `Directory target: ${name} (${path})`, arrow(target));
      return EXIT.SUCCESS;
    }
    const target = context.targets.use(name);
    out(context.io, `Active target: ${name}`);
    out(context.io, arrow(target));
    return EXIT.SUCCESS;
  },

  show(context) {
    const [name] = context.positionals as [string];
    const target = record(context.targets.show(name));
    if (context.string('format') === 'json') {
      out(
        context.io,
        `{${Object.entries(target)
          .map(([key, value]) => `${jsonText(key)}: ${jsonText(value)}`)
          .join(', ')}}`,
      );
    } else
      out(
        context.io,
        `name:      ${target.name}`,
        `account:   ${target.account}`,
        `project:   ${target.project}`,
        `workspace: ${target.workspace ?? '-'}`,
      );
    return EXIT.SUCCESS;
  },
};
