import { ConfigError, type ProjectChoice } from '@mixpanel-data/client';
import type { CommandContext } from '../context';
import { err, escapeControls } from '../io';
import { asker } from './ask';

/**
 * The project picker of docs/cli.md#project-selection on stderr: Enter takes item 1, a number
 * in range picks it, anything else re-prompts; three bad answers or the end
 * of input abort.
 */
export async function pickProject(
  context: CommandContext,
  choices: ProjectChoice[],
): Promise<ProjectChoice> {
  const organizations = new Set(choices.map((choice) => choice.organization ?? '')).size;
  err(context.io, `Found ${choices.length} project(s) across ${organizations} organization(s):`);
  err(context.io, '');
  choices.forEach((choice, index) => {
    err(
      context.io,
      `  ${index + 1}) ${escapeControls(choice.label).padEnd(40)} (id ${choice.id}, ${choice.domain ?? '(no domain)'})`,
    );
  });
  err(context.io, '');
  const questions = asker(context.io);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      const line = await questions.ask('Which project? [1]: ');
      if (line === null)
        throw new ConfigError(
          'stdin closed during project picker prompt. Pass --project ID or set MP_PROJECT_ID and re-run.',
        );
      const answer = line.trim();
      if (answer === '') return choices[0]!;
      if (/^[0-9]+$/.test(answer) && Number(answer) >= 1 && Number(answer) <= choices.length)
        return choices[Number(answer) - 1]!;
      err(
        context.io,
        `Invalid input: '${answer}'. Enter a number from 1 to ${choices.length} (or press Enter for the default).`,
      );
    }
    throw new ConfigError('Could not pick a project after 3 attempts. Aborting.');
  } finally {
    questions.close();
  }
}
