import type { Readable, Writable } from 'node:stream';

/** Everything a command touches outside itself; `bin` passes the real process, tests pass fakes. */
export interface Io {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
}

/**
 * The real process streams, environment and working directory. `stderr` and
 * `stdin` are getters: Node builds those streams on first access (stdin
 * alone costs about 2.4 ms of start-up), and most commands never touch them.
 */
export function processIo(): Io {
  return {
    stdout: process.stdout,
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Writes whole lines; never wraps. */
export const out = (io: Io, text = '') => io.stdout.write(`${text}\n`);
export const err = (io: Io, text = '') => io.stderr.write(`${text}\n`);

/** Colour only on a TTY and without NO_COLOR. */
export function red(io: Io, text: string): string {
  return io.stderr.isTTY && !io.env.NO_COLOR ? `\x1b[31m${text}\x1b[0m` : text;
}
