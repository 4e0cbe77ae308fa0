import {
  type AccountSummary,
  ArgumentError,
  AuthenticationError,
  ConfigError,
  createAccount,
  type MeResponse,
  type ProbeAttempt,
  type Secret,
} from '@mixpanel-data/auth-core';
import type { AddAccountFields } from '@mixpanel-data/config-store';
import { meCacheOf, probeClient } from './account-calls';
import { parseMeBody } from './me-service';
import { deriveAccountName, organizationsInOrder } from './naming';
import { chooseProject, listProjects, type ProjectChoice } from './project-choice';
import { type ProbeCredential, probeRegion } from './region-probe';
import { findSameAccount } from './same-account';
import type { Context } from './sources';
import { checkProject, uncheckable } from './verify';

/** The added account, or (`created: false`) the existing one it re-authenticated. */
export type AddDiscoveringResult = AccountSummary & { readonly created: boolean };

/** What `addAccountDiscovering` takes besides the name and fields. */
export interface AddDiscoveringOptions {
  onProbeAttempt?: ((attempt: ProbeAttempt) => void) | undefined;
  onNote?: ((line: string) => void) | undefined;
  /**
   * Check the credentials and the project against Mixpanel (default yes;
   * docs/cli.md#checks-against-mixpanel). `false` sends no request at all,
   * so the region and the name must then be given.
   */
  verify?: boolean | undefined;
  /** Chooses among several visible projects when none is given; without it that is an ArgumentError listing them. */
  pick?: ((choices: ProjectChoice[]) => Promise<ProjectChoice>) | undefined;
  /** One line when the check could not be made (Mixpanel unreachable) and the account was added unchecked. */
  onWarning?: ((line: string) => void) | undefined;
}

/**
 * `mp account add` with discovery and checks (docs/cli.md#mp-account-add
 * steps 4–8): probes the region when a service account or static token has
 * none; checks the credentials with `/me` (a 401 adds nothing); checks the
 * project, or chooses one when none is given; then, without a name, a
 * service account of the same username and region gets the new secret
 * (and `--project`, when given); otherwise the name is derived from `/me`
 * and the account added. Its `/me` is cached.
 */
export async function addAccountDiscovering(
  ctx: Context,
  name: string | undefined,
  fields: AddAccountFields,
  options: AddDiscoveringOptions = {},
): Promise<AddDiscoveringResult> {
  const namespace = ctx.options;
  const env = ctx.env;
  const verify = options.verify !== false;
  const reveal = (value: string | Secret) => (typeof value === 'string' ? value : value.reveal());
  // A JavaScript caller may leave the credential out: the probe, or addAccount, then reports it.
  const credential: ProbeCredential | null =
    fields.type === 'service_account'
      ? {
          type: 'service_account',
          username: fields.username ?? '',
          secret: fields.secret === undefined ? '' : reveal(fields.secret),
        }
      : fields.type === 'oauth_token'
        ? fields.token !== undefined
          ? { type: 'oauth_token', token: reveal(fields.token) }
          : { type: 'oauth_token', tokenEnv: fields.tokenEnv }
        : null;
  if (!verify && credential) {
    const missing = fields.region === undefined ? 'region' : name === undefined ? 'name' : null;
    if (missing) {
      throw new ArgumentError(
        missing === 'region'
          ? '--no-verify needs --region: finding the region asks Mixpanel.'
          : '--no-verify needs a NAME: deriving it asks Mixpanel.',
        { argumentNames: ['no-verify', missing] },
      );
    }
  }
  let region = fields.region;
  let probed: { body: unknown; text: string } | null = null;
  if (region === undefined && credential) {
    options.onNote?.('Probing regions for /me access ...');
    const found = await probeRegion(credential, {
      baseUrl: namespace.baseUrl,
      env,
      fetch: namespace.fetch,
      entry: namespace.entry,
      onAttempt: options.onProbeAttempt,
    });
    region = found.region;
    probed = found;
  }
  if (name === undefined && !credential) {
    throw new ConfigError(
      'NAME is required for oauth_browser via `mp account add`. Or run `mp login` for guided setup.',
    );
  }
  let me: MeResponse | null = null;
  let text = probed?.text ?? '';
  if (probed) me = parseMeBody(probed.body);
  else if (
    credential?.type === 'oauth_token' &&
    credential.tokenEnv &&
    !env[credential.tokenEnv] &&
    name !== undefined &&
    verify
  ) {
    // A variable set only where the account is used (CI): nothing to check with here.
    options.onWarning?.(
      `${credential.tokenEnv} is not set here; the token${fields.defaultProject ? ` and project ${fields.defaultProject} were` : ' was'} not verified.`,
    );
  } else if (credential && verify) {
    const account = createAccount({
      ...credential,
      name: name ?? 'add-probe',
      region: region ?? 'us',
    });
    const client = probeClient(ctx, account);
    try {
      const body = await client.app('GET', '/me', { raw: true, onText: (raw) => (text = raw) });
      me = parseMeBody(body);
    } catch (error) {
      // Not checkable (unreachable, 403) with a name given: added unchecked, with a warning;
      // without one there is nothing to name the account by.
      const reason = name === undefined ? null : uncheckable(error);
      if (reason !== null) {
        options.onWarning?.(
          `${reason}; the credentials${fields.defaultProject ? ` and project ${fields.defaultProject}` : ''} were not verified.`,
        );
      } else if (AuthenticationError.isInstance(error)) {
        // The probe's account has no name of the user's yet: name the credentials instead.
        const { responseBody, requestMethod, requestUrl } = error as AuthenticationError;
        throw new AuthenticationError(
          "Mixpanel rejected these credentials (401). Check the service account's username and secret, or the token.",
          {
            responseBody,
            ...(requestMethod ? { requestMethod } : {}),
            ...(requestUrl ? { requestUrl } : {}),
            cause: error,
          },
        );
      } else throw error;
    }
  }
  // Without a name, the service account with this username in this region is re-authenticated.
  const same =
    name === undefined && credential?.type === 'service_account' && region
      ? findSameAccount(
          ctx.configStore.read().listAccounts(),
          { type: 'service_account', username: credential.username, region },
          { cachedMe: () => null },
        )
      : null;
  if (same) {
    if (me && fields.defaultProject !== undefined) checkProject(me, fields.defaultProject);
    const { type: _type, ...secretFields } = credential as ProbeCredential;
    const summary = ctx.configStore.updateAccount(same.name, {
      ...secretFields,
      ...(fields.defaultProject !== undefined ? { defaultProject: fields.defaultProject } : {}),
    });
    if (me) meCacheOf(ctx).put(ctx.configStore.getAccount(same.name), me);
    return Object.freeze({ ...summary, created: false });
  }
  let project = fields.defaultProject;
  if (me) {
    if (project !== undefined) checkProject(me, project);
    else {
      project =
        (await chooseProject(me, {
          env: {},
          pick:
            options.pick ??
            (async () => {
              throw new ArgumentError(
                `Several projects are visible to these credentials; pass --project ID to choose one:\n${listProjects(me!)}`,
                { argumentNames: ['project'] },
              );
            }),
        })) ?? undefined;
    }
  }
  // Without a name, `me` is known: unverified needs a name, and an unreachable probe without one threw.
  const chosen =
    name ??
    deriveAccountName(
      organizationsInOrder(me!, text),
      new Set(ctx.configStore.read().accountNames()),
    );
  const summary = ctx.configStore.addAccount(chosen, {
    ...fields,
    ...(region ? { region } : {}),
    ...(project !== undefined ? { defaultProject: project } : {}),
  });
  if (me && verify) meCacheOf(ctx).put(ctx.configStore.getAccount(chosen), me);
  return Object.freeze({ ...summary, created: true });
}
