import { ArgumentError } from '@mixpanel-data/client';
import type { CommandContext } from '../context';
import { EXIT } from '../exit-codes';
import { err } from '../io';
import { asker } from './ask';

/**
 * The confirmation of a destructive command (docs/cli.md#prompts): `--yes`
 * skips it; off a TTY without `--yes` it refuses with an `ArgumentError`
 * (exit 3) naming `--yes`; on a TTY it asks `question` and reads one line.
 * Resolves to `undefined` when the command may go ahead, else to the exit
 * code to return after `Aborted.` (0 for an answer other than y/yes, 1 at end
 * of input).
 */
export async function confirm(
  context: CommandContext,
  question: string,
  refusal: string,
): Promise<number | undefined> {
  if (context.flag('yes')) return undefined;
  if (!context.io.stdin.isTTY) {
    throw new ArgumentError(
      `Refusing to ${refusal} without confirmation; pass --yes when not running interactively.`,
      { argumentNames: ['yes'] },
    );
  }
  const questions = asker(context.io);
  const answer = await questions.ask(`${question} [y/N]: `).finally(() => questions.close());
  if (answer !== null && /^y(es)?$/i.test(answer.trim())) return undefined;
  err(context.io, 'Aborted.');
  return answer === null ? EXIT.GENERAL : EXIT.SUCCESS;
}
