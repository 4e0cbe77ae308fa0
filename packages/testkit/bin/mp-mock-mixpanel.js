#!/usr/bin/env node
// The `mp-mock-mixpanel` command: runs the built program. Committed (not built) so that installing
// the workspace can link it before the first build.
import('../dist/bin/mp-mock-mixpanel.js').catch((error) => {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist'))
    throw error;
  process.stderr.write('mp-mock-mixpanel is not built yet: run `pnpm build` first.\n');
  process.exitCode = 1;
});
