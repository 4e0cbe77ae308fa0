/**
 * The files under ~/.mp stay usable whatever happened before: a writer
 * killed inside a container, links where directories belong, a file grown to
 * the size cap, a folder mp may not write in, and bad values on the command
 * line or in [active] (docs/files.md#atomic-writes-and-locks,
 * docs/files.md#size-cap, docs/errors.md#configuration-errors).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { captured, MP, type Result, setup } from './helpers';

const STALL = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'stall-before-rename.cjs');
const CAP = 1_048_576;

/** Runs `command` (here: `mp` in a new pid namespace, as pid 1) and collects its output. */
function run(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  options: { cwd?: string } = {},
): Promise<Result & { ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      captured.push(stdout, stderr);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** `mp ARGS` as pid 1 of a fresh pid namespace (a container's first process). */
const inContainer = (args: readonly string[], env: Record<string, string>, node: string[] = []) =>
  run(
    'unshare',
    ['-pf', '--mount-proc', '--kill-child', process.execPath, ...node, MP, ...args],
    env,
  );

describe('a writer killed inside a container', () => {
  it('blocks no later write in a fresh container: no lock wait, no temp-name collision', async () => {
    const capability = spawnSync('unshare', ['-pf', '--mount-proc', 'true']);
    expect(
      capability.status,
      `this test needs \`unshare -pf --mount-proc\` (root or user namespaces): ${capability.stderr}`,
    ).toBe(0);
    const t = await setup();
    await t.withTeam();
    const before = readFileSync(t.config, 'utf8');

    // Container 1: `mp target add` runs as pid 1 and is killed after it created its temp file.
    const killed = new Promise<void>((resolve) => {
      const child = spawn(
        'unshare',
        ['-pf', '--mount-proc', '--kill-child', process.execPath, '--require', STALL, MP].concat([
          'target',
          'add',
          'lost',
          '--account',
          'team',
          '--project',
          '1',
          '--no-verify',
        ]),
        { env: { PATH: process.env.PATH ?? '', ...t.env }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child.stderr.on('data', (chunk) => {
        if (String(chunk).includes('stalled before rename')) child.kill('SIGKILL');
      });
      child.on('close', () => resolve());
    });
    await killed;
    const left = readdirSync(dirname(t.config));
    expect(left).toContain('config.toml.lock');
    expect(left.some((name) => name.startsWith('config.toml.tmp.1.'))).toBe(true);
    expect(JSON.parse(readFileSync(`${t.config}.lock`, 'utf8')).pid).toBe(1);
    expect(readFileSync(t.config, 'utf8')).toBe(before);

    // Containers 2 and 3: pid 1 again, the same temp-name pid; each write succeeds at once.
    for (const name of ['after', 'again']) {
      const result = await inContainer(
        ['target', 'add', name, '--account', 'team', '--project', '2', '--no-verify'],
        t.env,
      );
      expect(result.stderr).not.toMatch(/error/i);
      expect(result.code).toBe(0);
      expect(result.ms).toBeLessThan(5_000); // the lock wait alone is 10 s
    }
    const list = await t.mp(['target', 'list', '-f', 'json']);
    expect(JSON.parse(list.stdout).map((target: { name: string }) => target.name)).toEqual([
      'after',
      'again',
    ]);
  }, 60_000);
});

describe('deletes never go through a link', () => {
  /** A directory outside ~/.mp holding what looks like an account's state. */
  function elsewhere(home: string) {
    const dir = join(home, 'elsewhere');
    mkdirSync(join(dir, 'b'), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, 'tokens.json'), 'keep', { mode: 0o600 });
    writeFileSync(join(dir, 'b', 'tokens.json'), 'keep', { mode: 0o600 });
    return dir;
  }

  it('mp account logout refuses a linked accounts/NAME and deletes nothing through it', async () => {
    const t = await setup();
    await t.mp(['account', 'add', 'b', '--type', 'oauth_browser', '--region', 'us']);
    const dir = elsewhere(t.home);
    mkdirSync(join(t.home, '.mp', 'accounts'), { mode: 0o700 });
    symlinkSync(dir, join(t.home, '.mp', 'accounts', 'b'));
    const result = await t.mp(['account', 'logout', 'b', '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `Configuration error: Refusing to change ${join(t.home, '.mp', 'accounts', 'b')}: it is a symlink. Remove the link (mp never follows links to credentials).\n`,
    );
    expect(readFileSync(join(dir, 'tokens.json'), 'utf8')).toBe('keep');
  });

  it('mp account remove deletes nothing through a linked accounts/ directory, and says so', async () => {
    const t = await setup();
    await t.mp(['account', 'add', 'b', '--type', 'oauth_browser', '--region', 'us']);
    const dir = elsewhere(t.home);
    symlinkSync(dir, join(t.home, '.mp', 'accounts'));
    const result = await t.mp(['account', 'remove', 'b', '--yes']);
    expect(readFileSync(join(dir, 'b', 'tokens.json'), 'utf8')).toBe('keep');
    expect(result.stderr).toContain(
      `Refusing to delete credential under symlinked directory ${join(t.home, '.mp', 'accounts')}`,
    );
  });
});

describe('config.toml at the size cap', () => {
  it('refuses a write that would pass 1 MiB, file byte-identical; mp target remove still works', async () => {
    const t = await setup();
    await t.withTeam();
    const base = readFileSync(t.config, 'utf8');
    const block = (i: number) =>
      `\n[targets.t${String(i).padStart(5, '0')}]\naccount = "team"\nproject = "1"\n`;
    const count = Math.floor((CAP - Buffer.byteLength(base)) / block(0).length);
    writeFileSync(t.config, base + Array.from({ length: count }, (_, i) => block(i)).join(''));
    const full = readFileSync(t.config);
    expect(full.length).toBeLessThanOrEqual(CAP);
    expect(full.length).toBeGreaterThan(CAP - block(0).length);

    const added = await t.mp([
      'target',
      'add',
      'x00000',
      '--account',
      'team',
      '--project',
      '2',
      '--no-verify',
    ]);
    expect(added.code).toBe(1);
    expect(added.stderr).toMatch(
      /\nConfiguration error: Refusing to write .*config\.toml: it would be 10\d{5} bytes, above the 1048576-byte cap every reader enforces; nothing was written\. Remove targets or accounts you no longer need \(`mp target remove NAME`, `mp account remove NAME`\), or edit the file\.\n$/,
    );
    expect(readFileSync(t.config).equals(full)).toBe(true);
    expect(readdirSync(dirname(t.config))).toEqual(['config.toml']);

    const removed = await t.mp(['target', 'remove', 't00000', '--yes']);
    expect(removed.code).toBe(0);
    expect((await t.mp(['account', 'list'])).code).toBe(0);
  });
});

describe('a folder mp may not write in', () => {
  it('is a configuration error naming the folder and the fix, not an unexpected error', async () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'mp-cli-ro-')));
    const readOnly = join(root, 'ro');
    mkdirSync(join(root, 'home'));
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o500);
    const args = [MP, 'account', 'add', 'b', '--type', 'oauth_browser', '--region', 'us'];
    // Root ignores permission bits, so as root the folder is made read-only by a
    // bind mount in a private mount namespace (EROFS) instead; a user gets EACCES.
    const asRoot = process.getuid?.() === 0;
    const [command, commandArgs, reason] = asRoot
      ? [
          'unshare',
          [
            '-m',
            'sh',
            '-c',
            'mount --bind -o ro "$0" "$0" && exec "$@"',
            readOnly,
            process.execPath,
            ...args,
          ],
          'read-only file system (EROFS)',
        ]
      : [process.execPath, args, 'permission denied (EACCES)'];
    try {
      const env = { HOME: join(root, 'home'), MP_CONFIG_PATH: join(readOnly, 'config.toml') };
      const result = await run(command, commandArgs, env, { cwd: root });
      expect(result.stderr).toBe(
        `Configuration error: Cannot write in ${readOnly}: ${reason}. Fix the folder's permissions, or set MP_CONFIG_PATH to a file in a writable folder.\n`,
      );
      expect(result.code).toBe(1);
      expect(existsSync(join(readOnly, 'config.toml'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('bad values are named, never ignored or rounded', () => {
  it("mp account update --project '' is an argument error, nothing changed", async () => {
    const t = await setup();
    await t.withTeam();
    const before = readFileSync(t.config, 'utf8');
    const result = await t.mp(['account', 'update', 'team', '--project', '']);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'Invalid argument: --project must not be empty; to remove the home project use --clear-project.\n',
    );
    expect(readFileSync(t.config, 'utf8')).toBe(before);
    for (const flag of ['--username', '--token-env']) {
      const empty = await t.mp(['account', 'update', 'team', flag, '']);
      expect(empty.code).toBe(3);
      expect(empty.stderr).toBe(`Invalid argument: ${flag} must not be empty.\n`);
    }
  });

  it('a workspace id above 2^53 - 1 is too large, not "greater than 0"', async () => {
    const t = await setup();
    await t.withTeam();
    const target = await t.mp([
      'target',
      'add',
      'x',
      '--account',
      'team',
      '--project',
      '1',
      '-w',
      '9007199254740993',
    ]);
    expect(target.code).toBe(2);
    expect(target.stderr).toBe(
      "Usage error: Invalid value for --workspace: '9007199254740993' is too large (the largest is 9007199254740991).\n",
    );
    const global = await t.mp(['-w', '9007199254740993', 'session', '--effective']);
    expect(global.code).toBe(2);
    expect(global.stderr).toContain("'9007199254740993' is too large");
    const env = await t.mp(['session', '--effective'], {
      env: { MP_WORKSPACE_ID: '9007199254740993' },
    });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("MP_WORKSPACE_ID: '9007199254740993' is too large");
    // The largest exact id still works.
    const largest = await t.mp(['-w', '9007199254740991', 'session', '--effective']);
    expect(largest.stdout).toContain('9007199254740991');
  });

  it('mp session reports a hand-edited [active] workspace of -5 instead of showing it', async () => {
    const t = await setup();
    await t.withTeam();
    writeFileSync(
      t.config,
      readFileSync(t.config, 'utf8').replace('[active]\n', '[active]\nworkspace = -5\n'),
    );
    for (const args of [['session'], ['session', '-f', 'json']]) {
      const result = await t.mp(args);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(
        `Configuration error: Invalid [active] block in ${t.config}: workspace -5 must be > 0. Fix or remove it there, or run \`mp workspace use ID\`.\n`,
      );
    }
  });
});
