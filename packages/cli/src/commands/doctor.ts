import { countChecks, diagnose } from '@mixpanel-data/client';
import type { Handler } from '../context';
import { EXIT } from '../exit-codes';
import { printJson } from '../format';
import { type Line, out, red } from '../io';

/**
 * `mp doctor` (docs/cli.md#mp-doctor): runs the library's checks and prints
 * them, one line each, grouped, with the fix of each check that is not ok
 * and a summary line; `-f json` prints the checks as they are. Exit 1 when
 * a check fails, else 0.
 */
export const doctor: Handler = async (context) => {
  const { account, project, workspace, target } = context.globals;
  const checks = await diagnose({
    ...context.libraryOptions,
    account,
    project,
    workspace,
    target,
    envDefaults: true,
    offline: context.flag('offline'),
  });
  const counts = countChecks(checks);
  const exit = counts.fail > 0 ? EXIT.GENERAL : EXIT.SUCCESS;
  if (context.globals.quiet) return exit;
  if (context.string('format') === 'json') {
    printJson(context.io, checks);
    return exit;
  }
  const width = Math.max(...checks.map((one) => one.id.length));
  const lines: Line[] = [];
  let group = '';
  for (const one of checks) {
    const heading = one.id.split('.')[0]!;
    if (heading !== group) {
      if (group) lines.push('');
      lines.push(heading);
      group = heading;
    }
    const line = `  ${one.status.padEnd(7)} ${one.id.padEnd(width)}  ${one.summary}${one.fix ? ` — fix: ${one.fix}` : ''}`;
    lines.push(one.status === 'fail' ? red(line) : line);
  }
  lines.push(
    '',
    `${counts.ok} ok, ${counts.warn} warning${counts.warn === 1 ? '' : 's'}, ${counts.fail} failed, ${counts.skipped} skipped`,
  );
  out(context.io, ...lines);
  return exit;
};
