import { createInterface } from 'node:readline';
import { activityOf } from '../activity';
import type { Io } from '../io';
import { writePrompt } from '../io';

/** Questions answered on standard input, one line each (the picker's and the confirmations'). */
export interface Asker {
  /** Ends any spinner, writes `prompt` to stderr (escaped) and reads one line; `null` at the end of input. */
  ask(prompt: string): Promise<string | null>;
  close(): void;
}

/**
 * One reader over stdin for a command's questions: a second question reads
 * the line after the first answer (a reader per question could lose what the
 * first one buffered). Close it when done.
 */
export function asker(io: Io): Asker {
  const lines = createInterface({ input: io.stdin, terminal: false });
  const iterator = lines[Symbol.asyncIterator]();
  return {
    ask(prompt) {
      // The spinner ends and stays away until the answer is in (docs/cli.md#spinners).
      return activityOf(io).ask(async () => {
        writePrompt(io, prompt);
        const next = await iterator.next();
        return next.done ? null : next.value;
      });
    },
    close: () => lines.close(),
  };
}
