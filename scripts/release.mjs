#!/usr/bin/env node
// `pnpm release`: turns the pending changesets into versions and changelogs
// (`changeset version`), rebuilds (the CLI and the client bake their version in),
// and publishes every package whose new version is not on npm yet
// (`changeset publish`, which uses `pnpm publish`: `workspace:` ranges become
// real versions). Needs an npm login.
//
// `pnpm release --dry-run` does the same in a throw-away copy of the workspace and
// ends with `pnpm publish -r --dry-run`: it shows the versions and the tarballs a
// release would publish, and changes nothing here. CI runs it.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const dryRun = process.argv.includes('--dry-run');
const run = (command, args, cwd) => {
  console.log(`$ ${command} ${args.join(' ')}`);
  execFileSync(command, args, { cwd, stdio: 'inherit' });
};
const changeset = (cwd, ...args) =>
  run(process.execPath, [join(root, 'node_modules', '@changesets', 'cli', 'bin.js'), ...args], cwd);

if (!dryRun) {
  changeset(root, 'version');
  run('pnpm', ['install', '--lockfile-only'], root);
  run('pnpm', ['run', 'build'], root);
  changeset(root, 'publish');
  process.exit(0);
}

const copy = mkdtempSync(join(tmpdir(), 'mp-release-'));
try {
  // The sources and metadata, not the installed dependencies: those are linked in.
  for (const entry of [
    'package.json',
    'pnpm-workspace.yaml',
    'pnpm-lock.yaml',
    'LICENSE',
    '.changeset',
    'tsup.base.ts',
    'tsconfig.base.json',
    'turbo.json',
  ])
    cpSync(join(root, entry), join(copy, entry), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  for (const name of readdirSync(join(root, 'packages'))) {
    const from = join(root, 'packages', name);
    const to = join(copy, 'packages', name);
    cpSync(from, to, {
      recursive: true,
      filter: (path) => !/[\\/](node_modules|dist|\.turbo)$/.test(path),
    });
    symlinkSync(join(from, 'node_modules'), join(to, 'node_modules'), 'dir');
  }
  changeset(copy, 'version');
  for (const name of readdirSync(join(copy, 'packages'))) {
    const pkg = JSON.parse(readFileSync(join(copy, 'packages', name, 'package.json'), 'utf8'));
    const changelog = join(copy, 'packages', name, 'CHANGELOG.md');
    console.log(`${pkg.name}@${pkg.version}${existsSync(changelog) ? '' : ' (no CHANGELOG.md)'}`);
  }
  run('pnpm', ['run', '-r', '--reporter=append-only', 'build'], copy);
  run('pnpm', ['publish', '-r', '--dry-run', '--no-git-checks', '--access', 'public'], copy);
} finally {
  rmSync(copy, { recursive: true, force: true });
}
