import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempHome } from '../test/helpers';
import type { ConfigStore } from './store';

/**
 * Every read of the `[accounts]` and `[targets]` tables a store operation
 * makes, counted through a Proxy around the parsed document: a way to see
 * that an operation is linear in the size of config.toml without timing it.
 */
const reads = { count: 0 };

vi.mock('./toml', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./toml')>();
  /** `read` counted, then forwarded. */
  const counting =
    <A extends unknown[], R>(read: (...args: A) => R) =>
    (...args: A): R => {
      reads.count++;
      return read(...args);
    };
  const counted = (table: object): object =>
    new Proxy(table, {
      get: counting(Reflect.get),
      has: counting(Reflect.has),
      ownKeys: counting(Reflect.ownKeys),
      getOwnPropertyDescriptor: counting(Reflect.getOwnPropertyDescriptor),
    });
  return {
    ...actual,
    parseToml: (text: string, path: string) => {
      const document = actual.parseToml(text, path);
      for (const key of ['accounts', 'targets'] as const) {
        if (document[key]) document[key] = counted(document[key] as object);
      }
      return document;
    },
  };
});

/** A config of n accounts (all three types) and n targets, target i on account i. */
function configText(n: number): string {
  const lines = ['[active]', 'account = "a0"', 'workspace = 777', ''];
  for (let i = 0; i < n; i++) {
    lines.push(`[accounts.a${i}]`);
    if (i % 3 === 0) {
      lines.push('type = "service_account"', 'region = "eu"', `default_project = "${1000 + i}"`);
      lines.push(`username = "bot${i}"`, `secret = "not-a-secret-${i}"`);
    } else if (i % 3 === 1) {
      lines.push('type = "oauth_browser"', 'region = "us"');
    } else {
      lines.push('type = "oauth_token"', 'region = "in"', `token_env = "TOKEN_${i}"`);
    }
    lines.push('');
  }
  for (let i = 0; i < n; i++)
    lines.push(`[targets.t${i}]`, `account = "a${i}"`, 'project = "7"', '');
  return lines.join('\n');
}

/** Table reads of `operation` on a fresh copy of a config with n accounts and n targets. */
function readsOf(n: number, operation: (store: ConfigStore) => unknown): number {
  const t = tempHome();
  mkdirSync(dirname(t.configPath), { recursive: true, mode: 0o700 });
  const original = `${t.configPath}.original`;
  writeFileSync(original, configText(n), { mode: 0o600 });
  copyFileSync(original, t.configPath);
  reads.count = 0;
  operation(t.store);
  return reads.count;
}

const operations: Record<string, (store: ConfigStore) => unknown> = {
  'listAccounts()': (store) => store.listAccounts(),
  'showAccount()': (store) => store.showAccount(),
  'listTargets()': (store) => store.listTargets(),
  'addAccount()': (store) => store.addAccount('fresh', { type: 'oauth_browser', region: 'us' }),
  'updateAccount()': (store) => store.updateAccount('a1', { defaultProject: '9' }),
  'removeAccount({force})': (store) => store.removeAccount('a0', { force: true }),
  'useAccount()': (store) => store.useAccount('a2'),
  'applySession()': (store) => store.applySession({ account: 'a1', project: '9' }),
  'addTarget()': (store) => store.addTarget('fresh', { account: 'a0', project: '42' }),
  'removeTarget()': (store) => store.removeTarget('t5'),
  'applyTarget()': (store) => store.applyTarget('t4'),
};

describe('every store operation is linear in the size of config.toml', () => {
  for (const [name, operation] of Object.entries(operations)) {
    it(`${name} reads the account and target tables in proportion to their size`, () => {
      const small = readsOf(100, operation);
      const large = readsOf(400, operation);
      expect(small).toBeGreaterThan(0);
      // Linear: 4× the blocks, about 4× the reads (quadratic would be 16×).
      expect(large / small).toBeLessThanOrEqual(4.5);
    });
  }
});
