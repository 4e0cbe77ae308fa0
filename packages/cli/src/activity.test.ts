import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Activity, NETWORK_SPINNER_DELAY_MS, withActivity } from './activity';
import type { Io } from './io';

const ERASE = '\r\x1b[K';
const FRAME = /\r[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /;

/** stdout and stderr writing into one log, in order, as a terminal would show them. */
function terminal(isTTY = true) {
  const log: string[] = [];
  const stderr = { isTTY, write: (chunk: string | Uint8Array) => log.push(`${chunk}`) };
  const stdout = { isTTY, write: (chunk: string | Uint8Array) => log.push(`${chunk}`) };
  return { log, stderr, stdout, activity: new Activity(() => stderr) };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the spinner owner', () => {
  it('erases a drawn spinner line before a write, then draws again below it', () => {
    const t = terminal();
    t.activity.spin('Working');
    vi.advanceTimersByTime(100);
    expect(t.log).toEqual(['\r⠋ Working\x1b[K']);
    t.activity.write(t.stdout, 'result\n');
    expect(t.log.slice(1)).toEqual([ERASE, 'result\n']);
    vi.advanceTimersByTime(100);
    expect(t.log.at(-1)).toMatch(FRAME);
  });

  it('draws nothing after a write that did not end its line, until one does', () => {
    const t = terminal();
    t.activity.spin('Working');
    t.activity.write(t.stderr, 'partial');
    vi.advanceTimersByTime(300);
    expect(t.log).toEqual(['partial']);
    t.activity.write(t.stderr, ' line\n');
    vi.advanceTimersByTime(100);
    expect(t.log.at(-1)).toMatch(FRAME);
  });

  it('erases before a question, draws nothing while it waits, and ends the named spinner', async () => {
    const t = terminal();
    t.activity.spin('Waiting');
    vi.advanceTimersByTime(100);
    const answer = await t.activity.ask(async () => {
      t.activity.write(t.stderr, 'Which? ');
      vi.advanceTimersByTime(500);
      return 'y';
    });
    expect(answer).toBe('y');
    expect(t.log.slice(1)).toEqual([ERASE, 'Which? ']);
    vi.advanceTimersByTime(500);
    expect(t.log).toHaveLength(3);
  });

  it('stops idempotently; an old handle cannot stop the spinner that replaced it', () => {
    const t = terminal();
    const first = t.activity.spin('First');
    vi.advanceTimersByTime(100);
    first.stop();
    first.stop();
    expect(t.log).toEqual(['\r⠋ First\x1b[K', ERASE]);
    t.activity.spin('Second');
    first.stop();
    vi.advanceTimersByTime(100);
    expect(t.log.at(-1)).toBe('\r⠋ Second\x1b[K');
  });

  it('shows one spinner at a time: a new one replaces the text, the network one waits behind a named one', () => {
    const t = terminal();
    t.activity.spin('First');
    t.activity.spin('Second');
    const settled = t.activity.request();
    vi.advanceTimersByTime(NETWORK_SPINNER_DELAY_MS + 100);
    expect(t.log.every((chunk) => chunk.includes('Second'))).toBe(true);
    settled();
  });

  it('shows the network spinner only after the delay, and erases it when the last request settles', () => {
    const t = terminal();
    const fast = t.activity.request();
    vi.advanceTimersByTime(NETWORK_SPINNER_DELAY_MS - 1);
    fast();
    vi.advanceTimersByTime(1000);
    expect(t.log).toEqual([]);
    const one = t.activity.request();
    const two = t.activity.request();
    vi.advanceTimersByTime(NETWORK_SPINNER_DELAY_MS);
    expect(t.log).toEqual(['\r⠋ Waiting for Mixpanel…\x1b[K']);
    one();
    one();
    vi.advanceTimersByTime(100);
    expect(t.log.at(-1)).toMatch(FRAME);
    two();
    expect(t.log.at(-1)).toBe(ERASE);
    vi.advanceTimersByTime(1000);
    expect(t.log.at(-1)).toBe(ERASE);
  });

  it('end() erases the line and stops everything, idempotently', () => {
    const t = terminal();
    t.activity.spin('Working');
    t.activity.request();
    vi.advanceTimersByTime(NETWORK_SPINNER_DELAY_MS);
    t.activity.end();
    t.activity.end();
    expect(t.log.at(-1)).toBe(ERASE);
    const count = t.log.length;
    vi.advanceTimersByTime(1000);
    expect(t.log).toHaveLength(count);
    expect(t.log.filter((chunk) => chunk === ERASE)).toHaveLength(1);
  });

  it('writes no frame and no escape sequence when stderr is not a TTY', () => {
    const t = terminal(false);
    const named = t.activity.spin('Working');
    const settled = t.activity.request();
    vi.advanceTimersByTime(1000);
    t.activity.write(t.stdout, 'result\n');
    named.stop();
    settled();
    t.activity.end();
    expect(t.log).toEqual(['result\n']);
  });
});

describe('withActivity', () => {
  it('routes every write of the io through one owner, and wraps an io once', () => {
    const t = terminal();
    const io = withActivity({
      stdout: t.stdout,
      stderr: t.stderr,
      env: {},
      cwd: '/',
    } as unknown as Io);
    expect(withActivity(io)).toBe(io);
    expect(io.stderr.isTTY).toBe(true);
    io.stdout.write('a\n');
    io.stderr.write('b\n');
    expect(t.log).toEqual(['a\n', 'b\n']);
  });

  it("passes the terminal's width, a closed reader and the wait for drain through", async () => {
    const t = terminal();
    let drains = 0;
    const io = withActivity({
      stdout: {
        ...t.stdout,
        columns: 72,
        closed: true,
        drained: async () => {
          drains += 1;
        },
      },
      stderr: t.stderr,
      env: {},
      cwd: '/',
    } as unknown as Io);
    expect(io.stdout.columns).toBe(72);
    expect(io.stderr.columns).toBeUndefined();
    expect(io.stdout.closed).toBe(true);
    expect(io.stderr.closed).toBe(false);
    await io.stdout.drained?.();
    expect(drains).toBe(1);
  });
});
