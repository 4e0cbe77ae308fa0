import type { Target } from '@mixpanel-data/client';
import { UsageError } from '../args';
import type { Handler } from '../context';
import { EXIT } from '../exit-codes';
import { type Format, jsonText, printRecords } from '../format';
import { escapeControls, out } from '../io';
import { confirm } from './confirm';

const record = (target: Target) => ({
  name: target.name,
  account: target.account,
  project: target.project,
  workspace: target.workspace ?? null,
});

export const handlers: Record<string, Handler> = {
  list(context) {
    const records = context.targets.list().map(record);
    // Measured as shown (control characters escaped), like every table.
    const cell = (text: string, width: number) => escapeControls(text).padEnd(width);
    printRecords(context.io, (context.string('format') ?? 'table') as Format, records, {
      key: 'name',
      empty: '(no targets configured)',
      fields: ['name', 'account', 'project', 'workspace'],
      table: () => [
        `${cell('NAME', 15)} ${cell('ACCOUNT', 15)} ${cell('PROJECT', 12)} WORKSPACE`,
        ...records.map(
          (r) =>
            `${cell(r.name, 15)} ${cell(r.account, 15)} ${cell(r.project, 12)} ${r.workspace ?? '-'}`,
        ),
      ],
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
    const [name] = context.positionals as [string];
    const target = context.targets.use(name);
    out(context.io, `Active target: ${name}`);
    out(
      context.io,
      `→ ${target.account} · ${target.project} · ${target.workspace !== undefined ? `ws ${target.workspace}` : 'ws auto'}`,
    );
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
