import { lstatSync, mkdirSync, realpathSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, type DirectoryBinding } from '@mixpanel-data/auth-core';
import {
  CredentialReadRefusal,
  isMissing,
  readPrivateFile,
  unwritableFolderError,
  writePrivateFileAtomic,
} from './secure-file';

/** The binding file, relative to the folder it binds (docs/files.md#directory-binding-file). */
export const DIRECTORY_BINDING_PATH = join('.mixpanel', 'target');

export interface DirectoryBindingOptions {
  /** The home directory: the search stops there, and it cannot be bound. Default `os.homedir()`. */
  home?: string | undefined;
  /** The device id of a folder (the search stops where it changes). Default: `fs.statSync(path).dev`. */
  device?: ((path: string) => number | bigint) | undefined;
}

const realHome = (home: string | undefined): string[] => {
  const given = resolve(home ?? homedir());
  try {
    return [given, realpathSync(given)];
  } catch {
    return [given];
  }
};

const invalid = (path: string, problem: string) =>
  new ConfigError(
    `Invalid directory binding at ${path}: ${problem}. Run \`mp target use NAME --here\` in that folder to rewrite it, or \`mp target use --here --clear\` to remove it.`,
    { details: { path } },
  );

/** The name a binding file holds: its one line that is neither blank nor a `#` comment. */
function parseBinding(path: string, text: string): DirectoryBinding {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (lines.length !== 1) throw invalid(path, `it must name one target, found ${lines.length}`);
  const target = lines[0]!;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(target)) throw invalid(path, 'the name has a control character');
  return Object.freeze({ target, path });
}

/** Refuses a symlinked `.mixpanel` folder (mp never follows a link to a file it owns). */
function refuseLinkedFolder(folder: string): void {
  const own = join(folder, '.mixpanel');
  try {
    if (!lstatSync(own).isSymbolicLink()) return;
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  throw new ConfigError(
    `Refusing to use ${own}: it is a symlink. Replace it with a real folder (mp never follows links to its files).`,
    { details: { path: own } },
  );
}

/**
 * The binding of `folder` itself (`folder/.mixpanel/target`), or null when it
 * has none. A symlink at the file or at `.mixpanel`, an unreadable file or
 * one that does not name exactly one target is a ConfigError naming the file.
 */
export function readDirectoryBinding(folder: string): DirectoryBinding | null {
  const path = join(folder, DIRECTORY_BINDING_PATH);
  refuseLinkedFolder(folder);
  // The file holds nothing secret: any mode passes; links, non-files and the size cap are refused.
  const text = readPrivateFile(path, { anyMode: true });
  if (text === null) return null;
  if (text instanceof CredentialReadRefusal) {
    throw new ConfigError(
      `Could not read directory binding at ${path}: ${text.reason}. Fix or remove it (\`mp target use --here --clear\` in that folder).`,
      { details: { path } },
    );
  }
  return parseBinding(path, text);
}

/**
 * The directory binding in effect for `cwd` (docs/resolution.md#directory-binding): the first
 * `.mixpanel/target` in `cwd` or a folder above it. The search stops below the
 * home directory (whose own `.mixpanel/target` never counts), before a folder
 * on another file system (device id change), and at the root. Null when none.
 */
export function findDirectoryBinding(
  cwd: string,
  options: DirectoryBindingOptions = {},
): DirectoryBinding | null {
  const homes = realHome(options.home);
  const device = options.device ?? ((path: string) => statSync(path).dev);
  let folder = resolve(cwd);
  let start: number | bigint;
  try {
    start = device(folder);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  for (;;) {
    if (homes.includes(folder)) return null;
    const found = readDirectoryBinding(folder);
    if (found) return found;
    const parent = dirname(folder);
    if (parent === folder) return null;
    try {
      if (device(parent) !== start) return null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    folder = parent;
  }
}

const refuseHome = (folder: string, home: string | undefined) => {
  if (!realHome(home).includes(resolve(folder))) return;
  throw new ConfigError(
    `Refusing to bind the home directory ${resolve(folder)}: its .mixpanel/target is never read. Run \`mp target use NAME\` to make a target active everywhere, or bind a folder below it.`,
    { details: { path: resolve(folder) } },
  );
};

/**
 * Binds `folder` to the target `name`: writes `folder/.mixpanel/target`
 * atomically (creating `.mixpanel`) and returns its path. Whether `name` is a
 * saved target is the caller's check. The home directory cannot be bound.
 */
export function writeDirectoryBinding(
  folder: string,
  name: string,
  options: Pick<DirectoryBindingOptions, 'home'> = {},
): string {
  refuseHome(folder, options.home);
  const path = join(resolve(folder), DIRECTORY_BINDING_PATH);
  parseBinding(path, name); // a name the reader would refuse is never written
  refuseLinkedFolder(folder);
  const fix = 'Run the command in a folder you may write in.';
  try {
    mkdirSync(dirname(path), { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
      throw unwritableFolderError(error, dirname(path), fix);
  }
  try {
    writePrivateFileAtomic(path, `# mp: the saved target for this folder and below\n${name}\n`);
  } catch (error) {
    throw unwritableFolderError(error, dirname(path), fix);
  }
  return path;
}

/**
 * Removes `folder/.mixpanel/target` (a link there is removed itself, never
 * followed) and then `.mixpanel` when that leaves it empty. Returns the path
 * removed, or null when there was no binding.
 */
export function removeDirectoryBinding(folder: string): string | null {
  const path = join(resolve(folder), DIRECTORY_BINDING_PATH);
  refuseLinkedFolder(folder);
  try {
    unlinkSync(path);
  } catch (error) {
    if (isMissing(error)) return null;
    throw unwritableFolderError(error, dirname(path), 'Remove it by hand.');
  }
  try {
    rmdirSync(dirname(path));
  } catch {
    // not empty (or gone): leave it
  }
  return path;
}
