#!/usr/bin/env node
// The main job for now: show what the pure resolver of @mixpanel-data/auth-core
// makes of this shell's environment (MP_* variables). Reading ~/.mp/config.toml
// and the bridge file arrives with @mixpanel-data/config-store and bridge.
import { ConfigError, envCredentialWarning, resolveSession } from '@mixpanel-data/auth-core';

const env = { ...process.env };
const warning = envCredentialWarning(env);
if (warning) console.error(`warning: ${warning}`);
try {
  const { session, provenance } = resolveSession({ env });
  console.log('Resolved session (secrets redacted):');
  console.log(JSON.stringify({ session, provenance }, null, 2));
} catch (error) {
  if (!ConfigError.isInstance(error)) throw error;
  console.log("The resolver's view of this environment:\n");
  console.log(error.message);
  console.log('\nTry: MP_OAUTH_TOKEN=demo MP_PROJECT_ID=3 MP_REGION=eu pnpm start');
}
