import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore } from '@mixpanel-data/config-store';
import { type MockMixpanel, simulateBrowser, startMockMixpanel } from '@mixpanel-data/testkit';
import { afterEach, expect } from 'vitest';
import {
  createAccounts,
  type MixpanelDataError,
  Workspace,
  type WorkspaceOptions,
} from '../src/index';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A browser opener that follows the authorize URL like a browser would. */
export async function playBrowser(url: string): Promise<boolean> {
  await simulateBrowser(url);
  return true;
}

/**
 * A mock Mixpanel and a temp HOME (and cwd) pointed at it, with a config of
 * the fixture's credentials: `team` (service account, active, project
 * 3713224) and `personal` (oauth_browser, not logged in).
 */
export async function setup(
  mockOptions: Parameters<typeof startMockMixpanel>[0] = {},
  extraEnv: Record<string, string> = {},
) {
  const mock: MockMixpanel = await startMockMixpanel(mockOptions);
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'mp-client-')));
  cleanups.push(
    () => rmSync(home, { recursive: true, force: true }),
    () => mock.close(),
  );
  const env: Record<string, string> = { HOME: home, MP_BASE_URL: mock.origin, ...extraEnv };
  const store = new ConfigStore({ env, home });
  store.addAccount('team', {
    type: 'service_account',
    region: 'us',
    username: 'team-sa',
    secret: 's3cret-sa',
    defaultProject: '3713224',
  });
  store.addAccount('personal', { type: 'oauth_browser', region: 'us' });
  const base = { env, home, cwd: home, sleep: async () => {} } satisfies WorkspaceOptions;
  const workspace = (options: WorkspaceOptions = {}) => new Workspace({ ...base, ...options });
  const accounts = createAccounts({ ...base });
  /** Logs `personal` in through the real PKCE flow against the mock. */
  const login = (name = 'personal') =>
    accounts.login(name, { browserOpener: playBrowser, callbackPorts: [0], stderr: quiet });
  return { mock, home, env, store, base, workspace, accounts, login };
}

/** A stderr that swallows the login's instructions. */
export const quiet = { write: () => true } as unknown as NodeJS.WritableStream &
  import('node:stream').Writable;

/** The error `promise` rejects with (a test fails if it resolves). */
export const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable(),
    (error) => error as MixpanelDataError,
  );

/** A project chooser that takes the first choice. */
export const first = async <T>(choices: T[]) => choices[0]!;
