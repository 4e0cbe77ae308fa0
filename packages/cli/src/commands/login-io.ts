import { Writable } from 'node:stream';
import type { CommandContext } from '../context';

export interface Progress {
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Shows that a login is waiting for the browser: a spinner on a TTY (unless
 * --quiet), one plain line otherwise. Started after the URL was printed.
 */
export function loginProgress(
  context: CommandContext,
  openBrowser: boolean,
): Progress & { start(): void } {
  const { stderr } = context.io;
  let timer: ReturnType<typeof setInterval> | null = null;
  let started = false;
  const text = openBrowser
    ? 'Waiting for the browser authorization…'
    : 'Waiting for the redirect (or a pasted URL)…';
  return {
    start() {
      if (timer || context.globals.quiet) return;
      if (stderr.isTTY) {
        let frame = 0;
        timer = setInterval(
          () => stderr.write(`\r${FRAMES[frame++ % FRAMES.length]} ${text}`),
          100,
        );
        timer.unref();
      } else if (!started) {
        stderr.write(`${text}\n`);
      }
      started = true;
    },
    stop() {
      if (timer) {
        clearInterval(timer);
        timer = null;
        stderr.write('\r\x1b[K');
      }
    },
  };
}

/**
 * The stream the OAuth flow writes its instructions to: forwarded to stderr
 * whole (never wrapped), and the progress indicator starts once they are out.
 */
export function showAuthorizeHint(
  context: CommandContext,
  progress: ReturnType<typeof loginProgress>,
): Writable {
  let pending: ReturnType<typeof setTimeout> | undefined;
  return new Writable({
    write(chunk, _encoding, done) {
      progress.stop();
      clearTimeout(pending);
      context.io.stderr.write(chunk);
      // Start once the flow has finished printing its instructions.
      pending = setTimeout(() => progress.start(), 50);
      pending.unref();
      done();
    },
  });
}
