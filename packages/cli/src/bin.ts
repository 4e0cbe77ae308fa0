import { escapeControls } from './io';
import { run } from './run';

process.once('SIGINT', () => {
  process.stderr.write('\nInterrupted\n');
  process.exit(130);
});
run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `unexpected error: ${escapeControls(error instanceof Error ? error.message : String(error))}\n`,
    );
    process.exitCode = 1;
  },
);
