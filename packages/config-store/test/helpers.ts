import { mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { ConfigStore, FileTokenStore } from '../src/index';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary HOME (removed after the test) with a store bound to it. */
export function tempHome(extraEnv: Record<string, string> = {}) {
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'mp-home-')));
  made.push(home);
  const env: Record<string, string> = { HOME: home, ...extraEnv };
  const store = new ConfigStore({ env, home, lock: { timeoutMs: 20_000 } });
  const tokens = new FileTokenStore({ env, home });
  const configPath = env.MP_CONFIG_PATH ?? join(home, '.mp', 'config.toml');
  return {
    home,
    env,
    store,
    tokens,
    configPath,
    read: () => readFileSync(configPath, 'utf8'),
    mode: (path: string) => statSync(path).mode & 0o777,
  };
}

/** Asserts `fn` throws and the file is byte-for-byte what it was. */
export function expectUnchanged(path: string, fn: () => unknown): unknown {
  const before = readFileSync(path);
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new Error('expected the operation to fail');
  const after = readFileSync(path);
  if (!before.equals(after))
    throw new Error(`file changed by a failed operation:\n${before}\n---\n${after}`);
  return thrown;
}
