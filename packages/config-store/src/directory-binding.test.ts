import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@mixpanel-data/auth-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DIRECTORY_BINDING_PATH,
  findDirectoryBinding,
  readDirectoryBinding,
  removeDirectoryBinding,
  writeDirectoryBinding,
} from './directory-binding';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary tree: `root/home` is the home directory, `root/outside` is beside it. */
function tree() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'mp-bind-')));
  made.push(root);
  const home = join(root, 'home');
  const dir = (...parts: string[]) => {
    const path = join(root, ...parts);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const bind = (folder: string, text: string) => {
    mkdirSync(join(folder, '.mixpanel'), { recursive: true });
    writeFileSync(join(folder, DIRECTORY_BINDING_PATH), text);
    return join(folder, DIRECTORY_BINDING_PATH);
  };
  dir('home');
  return { root, home, dir, bind };
}

const thrown = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

describe('findDirectoryBinding', () => {
  it('finds the binding of the folder itself and of any folder above it, the nearest first', () => {
    const { home, dir, bind } = tree();
    const product = dir('home', 'code', 'shop');
    const nested = dir('home', 'code', 'shop', 'src', 'deep');
    const file = bind(product, 'checkout\n');
    expect(findDirectoryBinding(product, { home })).toEqual({ target: 'checkout', path: file });
    expect(findDirectoryBinding(nested, { home })).toEqual({ target: 'checkout', path: file });
    const inner = bind(join(product, 'src'), 'web\n');
    expect(findDirectoryBinding(nested, { home })).toEqual({ target: 'web', path: inner });
    expect(findDirectoryBinding(dir('home', 'code', 'other'), { home })).toBeNull();
  });

  it('stops below the home directory: ~/.mixpanel/target and folders above home never count', () => {
    const { root, home, dir, bind } = tree();
    bind(home, 'in-home\n');
    bind(root, 'above-home\n');
    expect(findDirectoryBinding(dir('home', 'code'), { home })).toBeNull();
    expect(findDirectoryBinding(home, { home })).toBeNull();
  });

  it('walks up to the root outside the home tree, and a binding inside home does not reach it', () => {
    const { root, home, dir, bind } = tree();
    bind(dir('home', 'code'), 'in-home\n');
    const outside = dir('outside', 'a', 'b');
    expect(findDirectoryBinding(outside, { home })).toBeNull();
    const file = bind(root, 'outer\n');
    expect(findDirectoryBinding(outside, { home })).toEqual({ target: 'outer', path: file });
  });

  it('stops at the root when nothing is bound (a home outside the tree)', () => {
    const { dir } = tree();
    const seen: string[] = [];
    const device = (path: string) => {
      seen.push(path);
      return statSync(path).dev;
    };
    expect(findDirectoryBinding(dir('x', 'y'), { home: '/nonexistent-home', device })).toBeNull();
    expect(seen.at(-1)).toBe('/');
  });

  it('does not cross into another file system (the device id is injected: a test cannot mount one)', () => {
    const { home, dir, bind } = tree();
    const outer = bind(dir('home', 'code'), 'outer\n');
    const mount = dir('home', 'code', 'mnt');
    const inside = dir('home', 'code', 'mnt', 'project');
    // `mnt` and below are on device 2; everything above it is on device 1.
    const device = (path: string) => (path === mount || path.startsWith(`${mount}/`) ? 2 : 1);
    expect(findDirectoryBinding(inside, { home })?.path).toBe(outer);
    expect(findDirectoryBinding(inside, { home, device })).toBeNull();
    // The mount point itself is on the new file system, so its own binding counts.
    bind(mount, 'mounted\n');
    expect(findDirectoryBinding(inside, { home, device })?.target).toBe('mounted');
  });

  it('returns null for a working directory that does not exist', () => {
    const { root, home } = tree();
    expect(findDirectoryBinding(join(root, 'gone', 'away'), { home })).toBeNull();
  });

  it('reads the one name line, skipping comments, blank lines and surrounding whitespace', () => {
    const { home, dir, bind } = tree();
    const folder = dir('home', 'p');
    bind(folder, '# a comment\n\n   checkout  \r\n# another\n');
    expect(findDirectoryBinding(folder, { home })?.target).toBe('checkout');
  });

  it.each([
    ['', 'it must name one target, found 0'],
    ['# only a comment\n', 'it must name one target, found 0'],
    ['a\nb\n', 'it must name one target, found 2'],
  ])('refuses the file %j, naming it and the fix', (text, problem) => {
    const { home, dir, bind } = tree();
    const folder = dir('home', 'p');
    const file = bind(folder, text);
    const error = thrown(() => findDirectoryBinding(dir('home', 'p', 'q'), { home }));
    expect(error.message).toBe(
      `Invalid directory binding at ${file}: ${problem}. Run \`mp target use NAME --here\` in that folder to rewrite it, or \`mp target use --here --clear\` to remove it.`,
    );
    expect(error.details).toEqual({ path: file });
  });

  it('accepts any permission bits (the file holds nothing secret)', () => {
    const { home, dir, bind } = tree();
    const folder = dir('home', 'p');
    chmodSync(bind(folder, 'shared\n'), 0o644);
    expect(findDirectoryBinding(folder, { home })?.target).toBe('shared');
  });

  it('refuses an unreadable binding (here: a directory where the file should be) instead of skipping it', () => {
    const { home, dir } = tree();
    const folder = dir('home', 'p');
    mkdirSync(join(folder, DIRECTORY_BINDING_PATH), { recursive: true });
    const error = thrown(() => findDirectoryBinding(folder, { home }));
    expect(error.message).toContain(
      `Could not read directory binding at ${join(folder, DIRECTORY_BINDING_PATH)}: Refusing to read credential: not a regular file`,
    );
  });

  it('refuses a symlinked binding file (live or dangling) and a symlinked .mixpanel folder', () => {
    const { home, dir, bind } = tree();
    const real = bind(dir('home', 'real'), 'checkout\n');
    const linked = dir('home', 'linked');
    mkdirSync(join(linked, '.mixpanel'));
    symlinkSync(real, join(linked, DIRECTORY_BINDING_PATH));
    expect(thrown(() => findDirectoryBinding(linked, { home })).message).toContain(
      'Refusing to read credential at symlink',
    );
    const dangling = dir('home', 'dangling');
    mkdirSync(join(dangling, '.mixpanel'));
    symlinkSync(join(dangling, 'nowhere'), join(dangling, DIRECTORY_BINDING_PATH));
    expect(thrown(() => findDirectoryBinding(dangling, { home })).details).toEqual({
      path: join(dangling, DIRECTORY_BINDING_PATH),
    });
    const folderLink = dir('home', 'folder-link');
    symlinkSync(join(home, 'real', '.mixpanel'), join(folderLink, '.mixpanel'));
    expect(thrown(() => readDirectoryBinding(folderLink)).message).toBe(
      `Refusing to use ${join(folderLink, '.mixpanel')}: it is a symlink. Replace it with a real folder (mp never follows links to its files).`,
    );
  });
});

describe('writeDirectoryBinding and removeDirectoryBinding', () => {
  it('writes the name under a comment line, atomically, and reads it back', () => {
    const { home, dir } = tree();
    const folder = dir('home', 'shop');
    const path = writeDirectoryBinding(folder, 'checkout', { home });
    expect(path).toBe(join(folder, DIRECTORY_BINDING_PATH));
    expect(readFileSync(path, 'utf8')).toBe(
      '# mp: the saved target for this folder and below\ncheckout\n',
    );
    expect(readDirectoryBinding(folder)).toEqual({ target: 'checkout', path });
    writeDirectoryBinding(folder, 'web', { home });
    expect(readDirectoryBinding(folder)?.target).toBe('web');
  });

  it('refuses to bind the home directory, writing nothing', () => {
    const { home } = tree();
    const error = thrown(() => writeDirectoryBinding(home, 'checkout', { home }));
    expect(error.message).toBe(
      `Refusing to bind the home directory ${home}: its .mixpanel/target is never read. Run \`mp target use NAME\` to make a target active everywhere, or bind a folder below it.`,
    );
    expect(() => lstatSync(join(home, '.mixpanel'))).toThrow();
  });

  it('refuses a name the reader would refuse', () => {
    const { home, dir } = tree();
    const folder = dir('home', 'shop');
    expect(thrown(() => writeDirectoryBinding(folder, 'a\nb', { home })).message).toContain(
      'it must name one target, found 2',
    );
    expect(() => lstatSync(join(folder, '.mixpanel'))).toThrow();
  });

  it('removes the file and the .mixpanel folder when it becomes empty; a second removal finds nothing', () => {
    const { home, dir } = tree();
    const folder = dir('home', 'shop');
    const path = writeDirectoryBinding(folder, 'checkout', { home });
    expect(removeDirectoryBinding(folder)).toBe(path);
    expect(() => lstatSync(join(folder, '.mixpanel'))).toThrow();
    expect(removeDirectoryBinding(folder)).toBeNull();
  });

  it('keeps a .mixpanel folder that holds other files', () => {
    const { home, dir } = tree();
    const folder = dir('home', 'shop');
    writeDirectoryBinding(folder, 'checkout', { home });
    writeFileSync(join(folder, '.mixpanel', 'notes'), 'mine');
    removeDirectoryBinding(folder);
    expect(readFileSync(join(folder, '.mixpanel', 'notes'), 'utf8')).toBe('mine');
  });

  it('removes a symlinked binding itself, never what it points to', () => {
    const { home, dir, bind } = tree();
    const real = bind(dir('home', 'real'), 'checkout\n');
    const linked = dir('home', 'linked');
    mkdirSync(join(linked, '.mixpanel'));
    symlinkSync(real, join(linked, DIRECTORY_BINDING_PATH));
    expect(removeDirectoryBinding(linked)).toBe(join(linked, DIRECTORY_BINDING_PATH));
    expect(readFileSync(real, 'utf8')).toBe('checkout\n');
    expect(findDirectoryBinding(linked, { home })).toBeNull();
  });
});
