/**
 * The `/me` cache under fuzz (docs/http.md#me-cache): whatever me.json holds,
 * reading it gives the payload or a miss, never an exception, and its
 * warnings are one line each and show no part of a secret the file holds.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ServiceAccount } from '@mixpanel-data/auth-core';
import { FileTokenStore } from '@mixpanel-data/config-store';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { checkWarnings, damaged, mutated, secretArb, secretsIn } from '../../../test-utils/fuzz';
import { MeDiskCache } from './me-service';

const home = realpathSync(mkdtempSync(join(tmpdir(), 'me-fuzz-')));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const NOW = 1_780_000_000_000;

const meArb = fc
  .record({
    project: mutated({ name: 'AI Demo', organization_id: 100, timezone: 'US/Pacific' }),
    workspace: mutated({ id: 3448413, name: 'Default', project_id: 3713224, is_default: true }),
    access_token: secretArb,
    secret: secretArb,
  })
  .chain(({ project, workspace, access_token, secret }) =>
    mutated({
      user_id: 42,
      user_email: 'alice@example.com',
      user_name: 'Alice',
      // unknown fields are kept by the model: one of them a token, one nested
      access_token,
      organizations: { '100': { id: 100, name: 'Acme', role: 'owner', secret } },
      projects: { '3713224': project },
      workspaces: { '3448413': workspace },
      cached_at: NOW / 1000 - 60,
      cached_region: null,
    }),
  )
  .chain((record) =>
    damaged(JSON.stringify(record, null, 2)).map((text) => ({ text, secrets: secretsIn(record) })),
  );

it('me.json gives the payload or a miss, never an exception, with warnings that show no secret', () => {
  const warnings: string[] = [];
  const store = new FileTokenStore({ env: { HOME: home }, home });
  const cache = new MeDiskCache({
    store,
    override: null,
    now: () => NOW,
    onWarning: (message) => warnings.push(message),
  });
  const account = new ServiceAccount({
    name: 'team',
    region: 'us',
    username: 'team-sa',
    secret: 's3cret-sa',
  });
  const path = join(home, '.mp', 'accounts', 'team', 'me.json');
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let hits = 0;
  let misses = 0;
  fc.assert(
    fc.property(meArb, ({ text, secrets }) => {
      writeFileSync(path, text, { mode: 0o600 });
      warnings.length = 0;
      if (cache.get(account) === null) misses++;
      else hits++;
      checkWarnings(warnings, secrets);
    }),
    { numRuns: 300 },
  );
  expect(hits).toBeGreaterThan(20);
  expect(misses).toBeGreaterThan(20);
});
