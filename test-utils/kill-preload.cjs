'use strict';
/**
 * Kill points (test-only; loaded with `node --require`): counts the node:fs
 * calls that change the file system and, at the k-th, kills its own process
 * with SIGKILL before the call happens — the harshest crash a writer can meet.
 * See docs/testkit.md#kill-points.
 *
 * - `MP_KILL_AT=k`: SIGKILL before the k-th mutating call (absent or 0: never).
 * - `MP_KILL_TRACE=FILE`: at exit, writes JSON `{points, renamed}`: `op path` of every
 *   mutating call, and the content each rename put in place (in order), so that a
 *   file a command writes in several steps can be told from a torn one.
 * - `MP_KILL_NOTE=FILE`: just before the kill, writes `op path` of the call it stops.
 *
 * Counted: the calls that create, write, rename, delete or change the mode of a
 * file or directory, in their sync, callback and promise forms. An `open` counts
 * when its flags can write; `write`/`fsync`/`fchmod` count only on a descriptor
 * opened for writing (so output on stdout and stderr never does).
 */
const fs = require('node:fs');

// The harness sets these for the one process it runs (turbo never passes them).
const { MP_KILL_AT = '', MP_KILL_TRACE = '', MP_KILL_NOTE = '' } = process.env;
const killAt = Number(MP_KILL_AT || 0);
const traceFile = MP_KILL_TRACE;
const noteFile = MP_KILL_NOTE;
// The originals, for this module's own writes (which are not counted).
const writeFileSync = fs.writeFileSync;
const readFileSync = fs.readFileSync;
const { O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND } = fs.constants;
const WRITING = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND;

/** Descriptors opened for writing: writes to them change a file. */
const writable = new Set();
const trace = [];
const renamed = [];
let count = 0;

const describe = (target) =>
  typeof target === 'number'
    ? `fd:${target}`
    : String(target instanceof URL ? target.pathname : target);

function point(op, target) {
  count += 1;
  const line = `${op} ${describe(target)}`;
  if (traceFile) trace.push(line);
  if (count === killAt) {
    if (noteFile) writeFileSync(noteFile, line);
    process.kill(process.pid, 'SIGKILL');
  }
}

const opensForWriting = (flags) =>
  typeof flags === 'number'
    ? (flags & WRITING) !== 0
    : typeof flags === 'string' && flags !== 'r' && flags !== 'rs' && flags !== 'sr';

// path-based calls: every call counts
const BY_PATH = [
  'writeFile',
  'appendFile',
  'rename',
  'unlink',
  'rm',
  'rmdir',
  'mkdir',
  'mkdtemp',
  'chmod',
  'lchmod',
  'chown',
  'lchown',
  'link',
  'symlink',
  'copyFile',
  'cp',
  'truncate',
  'utimes',
  'lutimes',
];
// descriptor-based calls: count only on a descriptor opened for writing
const BY_FD = ['write', 'writev', 'fsync', 'fdatasync', 'fchmod', 'fchown', 'ftruncate', 'futimes'];

function wrap(holder, name, counts) {
  const original = holder[name];
  if (typeof original !== 'function') return;
  holder[name] = {
    [name](...args) {
      if (counts(args)) point(name, args[0]);
      return original.apply(this, args);
    },
  }[name];
}

for (const base of BY_PATH) {
  // writeFile/appendFile on stdout's descriptor is output, not a file change
  const counts = (args) => typeof args[0] !== 'number' || writable.has(args[0]);
  for (const name of [`${base}Sync`, base]) wrap(fs, name, counts);
  wrap(fs.promises, base, counts);
}
for (const base of BY_FD) {
  const counts = (args) => writable.has(args[0]);
  for (const name of [`${base}Sync`, base]) wrap(fs, name, counts);
}

// open: counted when it can write; the descriptor is remembered until it is closed
{
  const openSync = fs.openSync;
  fs.openSync = function openSync_(...args) {
    const writing = opensForWriting(args[1] ?? 'r');
    if (writing) point('open', args[0]);
    const fd = openSync.apply(this, args);
    if (writing) writable.add(fd);
    return fd;
  };
  const open = fs.open;
  fs.open = function open_(...args) {
    const flags = args[1];
    if (typeof flags === 'function' || !opensForWriting(flags ?? 'r'))
      return open.apply(this, args);
    point('open', args[0]);
    const callback = args.pop();
    return open.call(this, ...args, (error, fd) => {
      if (!error) writable.add(fd);
      callback(error, fd);
    });
  };
  const openPromise = fs.promises.open;
  fs.promises.open = async function open(...args) {
    if (opensForWriting(args[1] ?? 'r')) point('open', args[0]);
    return openPromise.apply(this, args);
  };
  for (const name of ['closeSync', 'close']) {
    const original = fs[name];
    fs[name] = {
      [name](fd, ...rest) {
        writable.delete(fd);
        return original.call(this, fd, ...rest);
      },
    }[name];
  }
}

// the content each rename put in place, for the trace
if (traceFile) {
  const renameSync = fs.renameSync;
  fs.renameSync = function renameSync_(...args) {
    const result = renameSync.apply(this, args);
    try {
      renamed.push({ path: describe(args[1]), content: readFileSync(args[1]).toString('base64') });
    } catch {
      // a directory (login staging): its files are traced by their own renames
    }
    return result;
  };
}

// ESM importers of node:fs see the wrapped functions too
require('node:module').syncBuiltinESMExports();

if (traceFile) {
  process.on('exit', () => writeFileSync(traceFile, JSON.stringify({ points: trace, renamed })));
}
