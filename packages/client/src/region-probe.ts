import {
  ArgumentError,
  buildUrl,
  checkHeaderValue,
  type Env,
  type ProbeAttempt,
  REGIONS,
  type Region,
  RegionProbeError,
  RegionProbeNetworkError,
  resolveBaseUrlOverride,
} from '@mixpanel-data/auth-core';
import { createHttp, describeNetworkError } from '@mixpanel-data/oauth-pkce';
import { MAX_RESPONSE_BYTES } from './transport';
import { userAgent } from './version';

/** A credential to probe with: a service account, or a static token inline or in a variable (one of the two). */
export type ProbeCredential =
  | { type: 'service_account'; username: string; secret: string }
  | { type: 'oauth_token'; token: string; tokenEnv?: undefined }
  | { type: 'oauth_token'; token?: undefined; tokenEnv: string };

export interface ProbeOptions {
  baseUrl?: string | Readonly<Record<string, string>> | undefined;
  env?: Env | undefined;
  regions?: readonly Region[] | undefined;
  fetch?: typeof fetch | undefined;
  /** Per region, headers and body. Default 5 s. */
  timeoutMs?: number | undefined;
  /** Called after each attempt (the CLI narrates them). */
  onAttempt?: ((attempt: ProbeAttempt) => void) | undefined;
  /** For the User-Agent: `lib` (default) or `cli`. */
  entry?: 'lib' | 'cli' | undefined;
}

function bearerOf(credential: ProbeCredential, env: Env): string {
  if (credential.type === 'service_account') {
    return `Basic ${Buffer.from(`${credential.username}:${credential.secret}`, 'utf8').toString('base64')}`;
  }
  const fix = 'Set the bearer token alone, on one line.';
  if (credential.token) return `Bearer ${checkHeaderValue(credential.token, 'The token', fix)}`;
  const value = credential.tokenEnv ? env[credential.tokenEnv] : undefined;
  if (!value) {
    throw new ArgumentError(
      `--token-env '${credential.tokenEnv ?? ''}' is unset; cannot probe region. Set the variable, or pass --region.`,
      { argumentNames: ['token-env'] },
    );
  }
  return `Bearer ${checkHeaderValue(value, `The variable ${credential.tokenEnv}`, fix, { env_var: credential.tokenEnv })}`;
}

/**
 * Finds the region where a credential works (docs/oauth.md#region-probing): `GET /api/app/me`
 * in us, eu, in order; the first 200 wins. All failing →
 * RegionProbeError, or RegionProbeNetworkError when none was reachable.
 */
export async function probeRegion(
  credential: ProbeCredential,
  options: ProbeOptions = {},
): Promise<{ region: Region; attempts: [Region, number][]; body: unknown; text: string }> {
  const env = options.env ?? process.env;
  const authorization = bearerOf(credential, env);
  const override = resolveBaseUrlOverride(options.baseUrl, env);
  const http = await createHttp({
    fetch: options.fetch,
    timeoutMs: options.timeoutMs ?? 5_000,
    // The probe's answer is the /me payload, which the caller keeps: the API's cap, not OAuth's.
    maxResponseBytes: MAX_RESPONSE_BYTES,
    userAgent: userAgent(options.entry ?? 'lib'),
  });
  const attempts: ProbeAttempt[] = [];
  for (const region of options.regions ?? REGIONS) {
    let attempt: ProbeAttempt;
    try {
      const response = await http.get(buildUrl('app', region, '/me', override), {
        headers: { Authorization: authorization },
      });
      const text = await response.text().catch(() => '');
      if (response.status === 200) {
        options.onAttempt?.([region, 200, '']);
        let body: unknown = null;
        try {
          body = JSON.parse(text);
        } catch {
          body = null;
        }
        return {
          region,
          attempts: [
            ...attempts.map(([r, s]) => [r as Region, s] as [Region, number]),
            [region, 200],
          ],
          body,
          text,
        };
      }
      attempt = [region, response.status, text.slice(0, 4096)];
    } catch (error) {
      const name = (error as Error)?.name ?? 'Error';
      attempt = [region, 0, `${name}: ${describeNetworkError(error)}`];
    }
    attempts.push(attempt);
    options.onAttempt?.(attempt);
  }
  if (attempts.every(([, status]) => status === 0)) {
    throw new RegionProbeNetworkError(
      'Could not reach any Mixpanel region — every probe failed at the network layer (DNS, TLS, or connect refused). Check the network or proxy settings, then retry.',
      { attempts },
    );
  }
  throw new RegionProbeError(
    'Credential not valid in any region. If you know the region, pass --region {us|eu|in} explicitly to skip the probe. If your service account is new, verify the username and secret are correct.',
    { attempts },
  );
}
