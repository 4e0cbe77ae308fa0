import type { Whoami } from '@mixpanel-data/client';
import type { Handler } from '../context';
import { classify, EXIT } from '../exit-codes';
import { printJson } from '../format';
import { out } from '../io';
import { accountWorkspace } from './project';

/**
 * `mp whoami`: the resolved account, project, workspace and user, after a
 * check of the credentials (docs/cli.md#mp-whoami). With `-q` it prints
 * nothing and only the exit code tells: 0 working, 2 rejected, 1 nothing
 * configured.
 */
export const whoami: Handler = async (context) => {
  let me: Whoami;
  try {
    me = await accountWorkspace(context).whoami({ refresh: context.flag('refresh') });
  } catch (error) {
    if (context.globals.quiet) return classify(error).exit;
    throw error;
  }
  if (context.globals.quiet) return EXIT.SUCCESS;
  if (context.string('format') === 'json') {
    printJson(context.io, me);
    return EXIT.SUCCESS;
  }
  const named = (value: { id: string | number; name: string | null }) =>
    `${value.name ?? '(unknown)'} (${value.id})`;
  out(
    context.io,
    `Account:   ${me.account.name} (${me.account.type}, ${me.account.region})`,
    `Project:   ${me.project ? named(me.project) : '(none)'}`,
    `Workspace: ${me.workspace ? named(me.workspace) : 'auto-resolved on first workspace-scoped call'}`,
    `User:      ${me.user?.email ?? '(unknown)'}`,
  );
  return EXIT.SUCCESS;
};
