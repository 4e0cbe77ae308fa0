/**
 * The bridge loader under fuzz (docs/files.md#bridge-format): any bytes at the
 * bridge path give a bridge or one ConfigError whose message is one line and
 * shows no part of the secrets the file holds.
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import {
  damaged,
  mutated,
  parseOrTypedError,
  secretArb,
  secretsIn,
} from '../../../test-utils/fuzz';
import { loadBridge } from '../src/index';

const home = realpathSync(mkdtempSync(join(tmpdir(), 'bridge-fuzz-')));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const path = join(home, 'auth.json');

const accountArb = fc.oneof(
  secretArb.map((secret) => ({
    type: 'service_account',
    name: 'team',
    region: 'us',
    username: 'bot',
    secret,
  })),
  secretArb.map((token) => ({ type: 'oauth_token', name: 'ci', region: 'eu', token })),
  fc.constant({ type: 'oauth_browser', name: 'me', region: 'in' }),
);
const tokensArb = fc.record({
  access_token: secretArb,
  refresh_token: secretArb,
  expires_at: fc.constantFrom('2026-06-01T09:30:00Z', '2026-06-01T09:30:00.5+02:00', 'soon'),
  token_type: fc.constant('Bearer'),
  scope: fc.constant('projects'),
});

const bridgeText = fc
  .record({
    account: accountArb,
    tokens: tokensArb,
    project: fc.constantFrom('3713224', '3018488', 'x'),
    workspace: fc.constantFrom(555123, '555123', 0),
  })
  .chain(({ account, tokens, project, workspace }) =>
    fc
      .record({ account: mutated(account), tokens: mutated(tokens) })
      .chain((parts) =>
        mutated({ version: 2, ...parts, project, workspace, headers: { 'X-Cluster': 'canary' } }),
      ),
  )
  .chain((document) =>
    damaged(JSON.stringify(document, null, 2)).map((text) => ({
      text,
      secrets: secretsIn(document),
    })),
  );

it('any bridge file loads or is refused with one line that shows no secret', () => {
  let loaded = 0;
  let refused = 0;
  fc.assert(
    fc.property(bridgeText, ({ text, secrets }) => {
      writeFileSync(path, text, { mode: 0o600 });
      const outcome = parseOrTypedError(() => loadBridge(path, { home }), secrets);
      if (outcome instanceof Error) {
        expect(outcome.name).toBe('ConfigError');
        refused++;
      } else loaded++;
    }),
    { numRuns: 400 },
  );
  // both outcomes were exercised
  expect(loaded).toBeGreaterThan(5);
  expect(refused).toBeGreaterThan(100);
});

it('a JSON fault right after a secret is reported without the text around it', () => {
  const secret = 'Zq8rT1mW4xY7bN2c';
  writeFileSync(
    path,
    `{"version": 2, "account": {"type": "service_account", "name": "t", "region": "us", "username": "u", "secret": "${secret}" x}}`,
    { mode: 0o600 },
  );
  const error = parseOrTypedError(() => loadBridge(path, { home }), [secret]) as Error;
  expect(error.message).toBe(
    `Could not read bridge file at ${path}: not valid JSON. Export it again with \`mp account export-bridge\`.`,
  );
});
