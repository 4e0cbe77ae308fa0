import { ConfigError, detectAuthType, isRegion, type ProjectChoice } from '@mixpanel-data/client';
import type { Handler } from '../context';
import { EXIT } from '../exit-codes';
import { err, out, red } from '../io';
import { readSecretFromStdin } from '../secrets';
import { busySpinner, loginProgress, showAuthorizeHint } from './login-io';
import { pickProject } from './picker';

/** `mp login`: the guided setup of docs/cli.md#mp-login; one stdout line on success. */
export const login: Handler = async (context) => {
  const regionFlag = context.string('region');
  const region = regionFlag === undefined || isRegion(regionFlag) ? regionFlag : null;
  if (region === null) {
    // docs/cli.md#flag-checks labels this `ERROR:` like the other `mp login` flag checks (E-11).
    err(context.io, red(`ERROR: Invalid --region: '${regionFlag}' (use us / eu / in).`));
    return EXIT.INVALID_ARGS;
  }
  const secretStdin = context.flag('secret-stdin');
  const openBrowser = !context.flag('no-browser');
  const progress = loginProgress(context, openBrowser);
  const type = detectAuthType(
    { serviceAccount: context.flag('service-account'), tokenEnv: context.string('token-env') },
    context.io.env,
  );
  // Read only once the library's flag checks pass (docs/cli.md#flag-checks: misuse fails before any I/O).
  const secret =
    secretStdin && type === 'service_account' && !context.string('token-env')
      ? () =>
          readSecretFromStdin(context.io).catch((error: unknown) => {
            // In `mp login` a bad piped secret is a configuration problem (exit 1), not an argument error.
            throw new ConfigError((error as Error).message);
          })
      : undefined;
  try {
    const result = await context.accounts.loginUnified({
      name: context.string('name'),
      region,
      project: context.string('project'),
      serviceAccount: context.flag('service-account'),
      tokenEnv: context.string('token-env'),
      secret,
      secretStdin,
      openBrowser,
      stdin: context.io.stdin,
      stderr: showAuthorizeHint(context, progress),
      pick: context.io.stdin.isTTY
        ? (choices: ProjectChoice[]) => pickProject(context, choices)
        : undefined,
      onNote: (line) => err(context.io, line),
      onBusy: busySpinner(context),
      onProbeAttempt: ([probed, status]) =>
        err(context.io, `  ${probed}: ${status} ${status === 200 ? '✓' : '✗'}`),
    });
    progress.stop();
    const project = result.projectId
      ? `${result.projectName ?? '(unnamed project)'}`
      : '(no project)';
    const user = result.userEmail ?? '(unknown user)';
    out(
      context.io,
      result.created
        ? `Logged in as ${user} → ${result.accountName} · ${project}`
        : `Re-authenticated account '${result.accountName}' (${user} · ${project})`,
    );
    return EXIT.SUCCESS;
  } finally {
    progress.stop();
  }
};
