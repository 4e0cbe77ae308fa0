import { activityOf, type Progress } from '../activity';
import type { CommandContext } from '../context';
import { err, escapeControls } from '../io';

/**
 * A spinner on stderr while `text` is in progress, through the process's one
 * spinner owner (docs/cli.md#spinners): only on a TTY and without --quiet.
 * Off a TTY, or on one with `spin` false, it prints `text` once as a plain
 * line when `plain` is set, and nothing otherwise. Idempotent start and stop.
 */
export function spinner(
  context: CommandContext,
  text: string,
  { plain = false, spin = true } = {},
): Progress & { start(): void } {
  const activity = activityOf(context.io);
  let shown: Progress | null = null;
  let started = false;
  return {
    start() {
      if (shown || context.globals.quiet) return;
      if (spin && activity.interactive) shown = activity.spin(text);
      else if (plain && !started) err(context.io, text);
      started = true;
    },
    stop() {
      shown?.stop();
      shown = null;
    },
  };
}

/**
 * Shows that a login is waiting for the browser: a spinner on a TTY (unless
 * --quiet), one plain line otherwise. Started after the URL was printed.
 * With --no-browser and stdin a terminal the user may be typing a pasted
 * redirect on the next line, which a spinner would draw over: one plain line then.
 */
export function loginProgress(
  context: CommandContext,
  openBrowser: boolean,
): Progress & { start(): void } {
  return spinner(
    context,
    openBrowser
      ? 'Waiting for the browser authorization…'
      : 'Waiting for the redirect (or a pasted URL)…',
    { plain: true, spin: openBrowser || context.io.stdin.isTTY !== true },
  );
}

/**
 * Turns the library's `onBusy(message | null)` calls into a spinner per step
 * (docs/cli.md#new-service-account-or-token: `Fetching your projects from Mixpanel...` on a TTY).
 */
export function busySpinner(context: CommandContext): (message: string | null) => void {
  let current: Progress | null = null;
  return (message) => {
    current?.stop();
    current = null;
    if (message === null) return;
    const next = spinner(context, message);
    next.start();
    current = next;
  };
}

/**
 * The stream the OAuth flow writes its instructions to: forwarded to stderr
 * line by line (never wrapped, control characters escaped), and the progress
 * indicator starts once they are out.
 */
export function showAuthorizeHint(
  context: CommandContext,
  progress: ReturnType<typeof loginProgress>,
): { write(chunk: string): boolean } {
  // A plain object, not a stream.Writable: loading node:stream would cost every command
  // about 3 ms of start-up, and the flow only ever calls `write(text)`.
  let pending: ReturnType<typeof setTimeout> | undefined;
  return {
    write(chunk) {
      progress.stop();
      clearTimeout(pending);
      // The flow writes whole lines; each is escaped like any other line of output.
      context.io.stderr.write(chunk.split('\n').map(escapeControls).join('\n'));
      // Start once the flow has finished printing its instructions.
      pending = setTimeout(() => progress.start(), 50);
      pending.unref();
      return true;
    },
  };
}
