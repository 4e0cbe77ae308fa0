import { escapeControls, type Io, type Output } from './io';

/** A spinner shown by the owner; `stop()` is idempotent and ends only that spinner. */
export interface Progress {
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 100;
/** A network wait shorter than this shows no spinner (docs/cli.md#spinners). */
export const NETWORK_SPINNER_DELAY_MS = 300;
const NETWORK_TEXT = 'Waiting for Mixpanel…';
/** Back to the start of the line, and erase it. */
const ERASE = '\r\x1b[K';

/**
 * The one owner of the spinner line of a process (docs/cli.md#spinners).
 * Every write to the command's stdout and stderr and every question goes
 * through it: a drawn spinner line is erased first, and no frame is drawn
 * while a question waits for its answer or after output that did not end
 * its line. At most one spinner: a named one (`spin`) wins over the network
 * one, and a new named spinner replaces the one before it. Spinners are
 * drawn on stderr only, and only when it is a TTY; `end()` leaves nothing
 * on the terminal.
 */
export class Activity {
  readonly #stderr: () => Output;
  /** The named spinner: its text (escaped), and a token its handle compares to stop only itself. */
  #named: { text: string } | null = null;
  #inFlight = 0;
  #networkShown = false;
  #networkDelay: ReturnType<typeof setTimeout> | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #frame = 0;
  #drawn = false;
  #asking = 0;
  #atLineStart = true;

  constructor(stderr: () => Output) {
    this.#stderr = stderr;
  }

  /** Whether spinners can be drawn: stderr is a TTY. */
  get interactive(): boolean {
    return this.#stderr().isTTY === true;
  }

  /** Shows `text` with a spinner until the handle is stopped or another spinner or a question replaces it. */
  spin(text: string): Progress {
    if (!this.interactive) return { stop() {} };
    // Our own control sequences frame the text; the text itself is shown escaped.
    const named = { text: escapeControls(text) };
    this.#named = named;
    this.#frame = 0;
    this.#schedule();
    return {
      stop: () => {
        if (this.#named !== named) return;
        this.#named = null;
        this.#schedule();
      },
    };
  }

  /**
   * A network request in flight; returns its `settled` (idempotent). After
   * NETWORK_SPINNER_DELAY_MS with at least one request in flight, a spinner
   * shows until none is left.
   */
  request(): () => void {
    let settled = false;
    this.#inFlight += 1;
    if (this.#inFlight === 1 && !this.#networkDelay) {
      this.#networkDelay = setTimeout(() => {
        this.#networkDelay = null;
        if (this.#inFlight > 0 && this.interactive) {
          this.#networkShown = true;
          this.#schedule(true);
        }
      }, NETWORK_SPINNER_DELAY_MS);
      this.#networkDelay.unref?.();
    }
    return () => {
      if (settled) return;
      settled = true;
      this.#inFlight -= 1;
      if (this.#inFlight > 0) return;
      if (this.#networkDelay) clearTimeout(this.#networkDelay);
      this.#networkDelay = null;
      this.#networkShown = false;
      this.#schedule();
    };
  }

  /** Writes `chunk` to `output` (the command's stdout or stderr), the spinner line erased first. */
  write(output: Output, chunk: string | Uint8Array): unknown {
    this.#erase();
    if (chunk.length) {
      const last = typeof chunk === 'string' ? chunk.charCodeAt(chunk.length - 1) : chunk.at(-1);
      this.#atLineStart = last === 10;
    }
    return output.write(chunk);
  }

  /**
   * Runs a question (its prompt and the wait for its answer): the named
   * spinner ends, the line is erased, and nothing is drawn until the answer is in.
   */
  async ask<T>(question: () => Promise<T>): Promise<T> {
    this.#named = null;
    this.#asking += 1;
    this.#erase();
    try {
      return await question();
    } finally {
      this.#asking -= 1;
      // The answer's Enter moved the cursor to a new line.
      this.#atLineStart = true;
      this.#schedule();
    }
  }

  /** Ends every spinner and erases its line; idempotent (the end of a command, an error, Ctrl-C). */
  end(): void {
    this.#named = null;
    this.#inFlight = 0;
    this.#networkShown = false;
    if (this.#networkDelay) clearTimeout(this.#networkDelay);
    this.#networkDelay = null;
    this.#schedule();
  }

  #text(): string | null {
    return this.#named?.text ?? (this.#networkShown ? NETWORK_TEXT : null);
  }

  /** Starts the frame timer when there is something to show, else stops it and erases the line. */
  #schedule(drawNow = false): void {
    if (this.#text() === null) {
      if (this.#timer) clearInterval(this.#timer);
      this.#timer = null;
      this.#erase();
      return;
    }
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#draw(), FRAME_MS);
      this.#timer.unref?.();
    }
    if (drawNow) this.#draw();
  }

  #draw(): void {
    const text = this.#text();
    if (text === null || this.#asking > 0 || !this.#atLineStart) return;
    this.#stderr().write(`\r${FRAMES[this.#frame++ % FRAMES.length]} ${text}\x1b[K`);
    this.#drawn = true;
  }

  #erase(): void {
    if (!this.#drawn) return;
    this.#drawn = false;
    this.#stderr().write(ERASE);
  }
}

const owners = new WeakMap<Io, Activity>();

/**
 * `io` with its stdout and stderr written through one new `Activity`, so
 * that no write can forget the spinner (the same `io` back if it already
 * is). The streams are reached only when used, as `processIo` wants.
 */
export function withActivity(io: Io): Io {
  if (owners.has(io)) return io;
  const activity = new Activity(() => io.stderr);
  const through = (stream: () => Output): Output => ({
    write: (chunk) => activity.write(stream(), chunk),
    get isTTY() {
      return stream().isTTY === true;
    },
    get columns() {
      return stream().columns;
    },
    get closed() {
      return stream().closed === true;
    },
    drained: () => stream().drained?.() ?? Promise.resolve(),
  });
  const guarded: Io = {
    stdout: through(() => io.stdout),
    stderr: through(() => io.stderr),
    get stdin() {
      return io.stdin;
    },
    env: io.env,
    cwd: io.cwd,
  };
  owners.set(guarded, activity);
  return guarded;
}

/** The spinner owner of `io` (one made by `withActivity`; an `io` without one gets its own). */
export function activityOf(io: Io): Activity {
  let activity = owners.get(io);
  if (!activity) {
    activity = new Activity(() => io.stderr);
    owners.set(io, activity);
  }
  return activity;
}
