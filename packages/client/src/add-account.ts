import {
  type AccountSummary,
  AuthenticationError,
  ConfigError,
  createAccount,
  type ProbeAttempt,
  type Secret,
} from '@mixpanel-data/auth-core';
import type { AddAccountFields } from '@mixpanel-data/config-store';
import { probeClient } from './account-calls';
import { parseMeBody } from './me-service';
import { deriveAccountName, organizationsInOrder } from './naming';
import { type ProbeCredential, probeRegion } from './region-probe';
import type { Context } from './sources';

/**
 * `mp account add` with discovery (docs/cli.md#mp-account-add steps 4–5): probes the
 * region when a service account or static token has none, and derives the
 * name from `/me` when none is given; then adds the account.
 */
export async function addAccountDiscovering(
  ctx: Context,
  name: string | undefined,
  fields: AddAccountFields,
  options: {
    onProbeAttempt?: ((attempt: ProbeAttempt) => void) | undefined;
    onNote?: ((line: string) => void) | undefined;
  } = {},
): Promise<AccountSummary> {
  const namespace = ctx.options;
  const env = ctx.env;
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
  let chosen = name;
  if (chosen === undefined) {
    if (!credential) {
      throw new ConfigError(
        'NAME is required for oauth_browser via `mp account add`. Or run `mp login` for guided setup.',
      );
    }
    let text = probed?.text ?? '';
    let body = probed?.body;
    if (!probed) {
      const account = createAccount({ ...credential, name: 'add-probe', region: region ?? 'us' });
      const client = probeClient(ctx, account);
      try {
        body = await client.app('GET', '/me', { raw: true, onText: (raw) => (text = raw) });
      } catch (error) {
        // The probe's account has no name of the user's yet: name the credentials instead.
        if (!AuthenticationError.isInstance(error)) throw error;
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
      }
    }
    const me = parseMeBody(body);
    chosen = deriveAccountName(
      organizationsInOrder(me, text),
      new Set(ctx.configStore.read().accountNames()),
    );
  }
  return ctx.configStore.addAccount(chosen, { ...fields, ...(region ? { region } : {}) });
}
