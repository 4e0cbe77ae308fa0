import { ArgumentError } from '@mixpanel-data/client';
import { activityOf } from './activity';
import { type Io, writePrompt } from './io';

/** The most a piped secret may be (docs/cli.md#secret-input). */
export const MAX_STDIN_SECRET = 65_536;

/**
 * Reads a secret piped on stdin: at most 64 KiB (more is refused, never
 * truncated), UTF-8, surrounding whitespace stripped, not empty. The errors
 * never contain the input.
 */
export async function readSecretFromStdin(io: Io): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_STDIN_SECRET) {
      throw new ArgumentError(
        `stdin payload exceeds ${MAX_STDIN_SECRET} bytes; refusing to truncate. Pipe a single secret, not a key bundle.`,
        { argumentNames: ['secret-stdin'] },
      );
    }
    chunks.push(buffer);
  }
  const secret = Buffer.concat(chunks).toString('utf8').trim();
  if (!secret)
    throw new ArgumentError('Secret is empty (stdin read returned no content).', {
      argumentNames: ['secret-stdin'],
    });
  return secret;
}

/** Asks for a secret on a TTY without echoing it (raw mode); Ctrl-C aborts, Enter ends. */
export function promptSecret(io: Io, prompt: string): Promise<string> {
  const { stdin } = io;
  if (!stdin.isTTY || !stdin.setRawMode) {
    return Promise.reject(
      new ArgumentError('Could not read secret interactively (no TTY available).', {
        argumentNames: ['secret'],
      }),
    );
  }
  return activityOf(io).ask(() => readHidden(io, prompt));
}

/** The no-echo read itself: the prompt, then keys in raw mode until Enter or Ctrl-C. */
function readHidden(io: Io, prompt: string): Promise<string> {
  const { stdin } = io;
  writePrompt(io, prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.setRawMode!(true);
    stdin.resume();
    const done = (error?: Error) => {
      stdin.setRawMode!(false);
      stdin.pause();
      stdin.off('data', onData);
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (data: Buffer | string) => {
      for (const char of data.toString()) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003')
          return done(new ArgumentError('Interrupted.', { argumentNames: ['secret'] }));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on('data', onData);
  });
}
