import { writeSync } from 'node:fs';
import type { Readable } from 'node:stream';

/** Where a command writes: any Node Writable fits. */
export interface Output {
  write(chunk: string | Uint8Array): unknown;
  readonly isTTY?: boolean;
}

/** Everything a command touches outside itself; `bin` passes the real process, tests pass fakes. */
export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
}

/**
 * The real process streams, environment and working directory. Standard
 * output is written to fd 1 directly (see `fdOutput`); `stderr` and `stdin`
 * are getters: Node builds those streams on first access (stdin alone costs
 * about 2.4 ms of start-up), and most commands never touch them.
 */
export function processIo(): Io {
  return {
    stdout: fdOutput(1, () => process.stdout),
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

/**
 * An output that writes synchronously to a file descriptor. Building
 * `process.stdout` costs about 3 ms of start-up (Node loads its stream
 * modules for it), a tenth of a local command's run. Nothing is lost or
 * reordered: if the descriptor is non-blocking and full (EAGAIN), the rest of
 * that chunk and everything after it go through `fallback()`; if the reader
 * has gone away (EPIPE, as in `mp account list | head -1`), later output is
 * dropped quietly instead of failing the command.
 */
export function fdOutput(
  fd: number,
  fallback: () => Output,
  write: (fd: number, data: Uint8Array, offset: number) => number = writeSync,
): Output {
  let mode: 'direct' | 'fallback' | 'closed' = 'direct';
  return {
    write(chunk) {
      if (mode === 'closed') return true;
      if (mode === 'fallback') return fallback().write(chunk);
      const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      for (let offset = 0; offset < data.length; ) {
        try {
          offset += write(fd, data, offset);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EPIPE') mode = 'closed';
          else if (code === 'EAGAIN') {
            mode = 'fallback';
            return fallback().write(data.subarray(offset));
          } else throw error;
          return true;
        }
      }
      return true;
    },
  };
}

/** Writes whole lines; never wraps. */
export const out = (io: Io, text = '') => io.stdout.write(`${text}\n`);
export const err = (io: Io, text = '') => io.stderr.write(`${text}\n`);

/** Colour only on a TTY and without NO_COLOR. */
export function red(io: Io, text: string): string {
  return io.stderr.isTTY && !io.env.NO_COLOR ? `\x1b[31m${text}\x1b[0m` : text;
}
