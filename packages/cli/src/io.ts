import { writeSync } from 'node:fs';
import type { Readable } from 'node:stream';

/** Where a command writes: any Node Writable fits. */
export interface Output {
  write(chunk: string | Uint8Array): unknown;
  readonly isTTY?: boolean;
  /** The terminal's width in columns, when this is a terminal. */
  readonly columns?: number | undefined;
  /** True once the reader has gone away (EPIPE): later output is dropped. */
  readonly closed?: boolean;
  /** Resolves when the output can take more (after a write that filled its buffer). */
  drained?(): Promise<void>;
}

/** A Node stream as far as `fdOutput`'s fallback uses it (process.stdout fits). */
interface FallbackStream extends Output {
  readonly writableNeedDrain?: boolean;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  once?(event: 'drain' | 'close', listener: () => void): unknown;
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
  fallback: () => FallbackStream,
  write: (fd: number, data: Uint8Array, offset: number) => number = writeSync,
): Output {
  let mode: 'direct' | 'fallback' | 'closed' = 'direct';
  let stream: FallbackStream | undefined;
  let terminal: boolean | undefined;
  const toStream = () => {
    if (!stream) {
      stream = fallback();
      // An asynchronous EPIPE arrives as an 'error' event: the reader has gone.
      stream.on?.('error', () => {
        mode = 'closed';
      });
    }
    return stream;
  };
  return {
    /**
     * Whether the descriptor is a terminal, asked once, when first needed
     * (`mp api`): the fallback stream, built then, knows.
     */
    get isTTY() {
      terminal ??= fallback().isTTY === true;
      return terminal;
    },
    /**
     * The terminal's width, when the descriptor is a terminal; asked only by
     * a table (docs/cli.md#tables), since the fallback stream is built then.
     */
    get columns() {
      const target = fallback();
      return target.isTTY ? target.columns : undefined;
    },
    get closed() {
      return mode === 'closed';
    },
    drained() {
      const target = stream;
      if (mode !== 'fallback' || !target?.writableNeedDrain || !target.once)
        return Promise.resolve();
      return new Promise<void>((resolve) => {
        target.once?.('drain', resolve);
        target.once?.('close', resolve);
      });
    },
    write(chunk) {
      if (mode === 'closed') return true;
      if (mode === 'fallback') return toStream().write(chunk);
      const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      for (let offset = 0; offset < data.length; ) {
        try {
          offset += write(fd, data, offset);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          // EPIPE on a pipe; ECONNRESET when stdout is a socket (a parent's stdio pipe) closed by its reader.
          if (code === 'EPIPE' || code === 'ECONNRESET') mode = 'closed';
          else if (code === 'EAGAIN') {
            mode = 'fallback';
            return toStream().write(data.subarray(offset));
          } else throw error;
          return true;
        }
      }
      return true;
    },
  };
}

/**
 * Characters that must not reach a terminal as they are: C0 controls
 * (including tab, CR and LF), DEL, C1 controls, the bidirectional controls
 * and the line/paragraph separators, and unpaired surrogates.
 */
const CONTROLS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` with every control character shown as a JavaScript escape:
 * `\n`, `\r`, `\t`, `\xHH` for the other C0 controls, DEL and C1 controls
 * (ESC is `\x1b`, CSI `\x9b`), `\uHHHH` for bidirectional controls, line and
 * paragraph separators and unpaired surrogates
 * (docs/cli.md#control-characters-in-output).
 * The result holds no control character, so applying it twice changes nothing.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (char) => {
    const code = char.charCodeAt(0);
    return (
      SHORT_ESCAPES[char] ??
      (code <= 0xff
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : `\\u${code.toString(16).padStart(4, '0')}`)
    );
  });
}

const CONTROL_PARTS = new RegExp(`(${CONTROLS.source})`);

/**
 * `text` as shown, in parts that must stay whole when cut: the runs of text
 * between control characters (even indexes) and the escape of each control
 * character (odd indexes). Joined, they are `escapeControls(text)`.
 */
export const shownParts = (text: string): string[] =>
  text.split(CONTROL_PARTS).map((part, index) => (index % 2 === 1 ? escapeControls(part) : part));

/** A line with our own styling; the writer adds the colour after escaping the text. */
export interface Styled {
  readonly text: string;
  readonly colour: 'red';
}

/** One line of output: text, or text to be shown in red (on a TTY without NO_COLOR). */
export type Line = string | Styled;

/** `text` to be shown in red where colour is allowed (stderr on a TTY, NO_COLOR unset). */
export const red = (text: string): Styled => ({ text, colour: 'red' });

const COLOURS = { red: ['\x1b[31m', '\x1b[0m'] } as const;

/**
 * Writes each line followed by a newline, never wrapped. This is where text
 * is made safe for a terminal: every control character in a line — a newline
 * included, since each line is one line — is shown escaped (`escapeControls`),
 * and only then is our own colour added.
 */
function writeLines(io: Io, output: Output, lines: readonly Line[]): void {
  if (!lines.length) return;
  // Asked only when a line is styled: for stdout the question builds process.stdout, which plain output never needs.
  const colour =
    lines.some((line) => typeof line !== 'string') && output.isTTY === true && !io.env.NO_COLOR;
  let text = '';
  for (const line of lines) {
    if (typeof line === 'string') text += `${escapeControls(line)}\n`;
    else {
      const [start, end] = COLOURS[line.colour];
      const shown = escapeControls(line.text);
      text += colour ? `${start}${shown}${end}\n` : `${shown}\n`;
    }
  }
  output.write(text);
}

/** Writes lines to stdout (an empty line is `out(io, '')`). */
export const out = (io: Io, ...lines: Line[]) => writeLines(io, io.stdout, lines);
/** Writes lines to stderr (an empty line is `err(io, '')`). */
export const err = (io: Io, ...lines: Line[]) => writeLines(io, io.stderr, lines);

/** Writes a prompt to stderr, without a newline, escaped like any line. */
export const writePrompt = (io: Io, text: string) => io.stderr.write(escapeControls(text));

/**
 * Writes a response body to stdout as it comes (`mp api`): bytes unchanged on a
 * pipe or a file; on a terminal, decoded as UTF-8 with every control character
 * but the newline shown escaped (`escapeControls`), so a body cannot drive the
 * terminal. Waits while stdout is full (backpressure). Returns false once the
 * reader has gone away (EPIPE): the caller stops.
 */
export function bodyWriter(io: Io): {
  write(chunk: Uint8Array): Promise<boolean>;
  end(): void;
} {
  const output = io.stdout;
  const decoder = output.isTTY === true ? new TextDecoder() : null;
  const escapeText = (text: string) => text.split('\n').map(escapeControls).join('\n');
  return {
    async write(chunk) {
      if (output.closed) return false;
      const written = output.write(
        decoder ? escapeText(decoder.decode(chunk, { stream: true })) : chunk,
      );
      if (written === false || output.drained) await output.drained?.();
      // Read again: the write (or the wait) may have met EPIPE.
      return !(output as Output).closed;
    },
    end() {
      if (decoder) {
        const rest = decoder.decode();
        if (rest) output.write(escapeText(rest));
      }
    },
  };
}

/**
 * A one-line status on stderr that rewrites itself (`mp api`'s byte count),
 * shown only where stderr is a terminal; `clear()` erases it.
 */
export function statusLine(io: Io): { show(text: string): void; clear(): void } {
  let shown = false;
  return {
    show(text) {
      io.stderr.write(`\r${escapeControls(text)}\x1b[K`);
      shown = true;
    },
    clear() {
      if (shown) io.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}
