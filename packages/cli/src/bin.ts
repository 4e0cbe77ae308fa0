import { activityOf, withActivity } from './activity';
import { escapeControls, processIo } from './io';
import { run } from './run';

const io = withActivity(processIo());
process.once('SIGINT', () => {
  activityOf(io).end(); // a spinner's line is erased before the word
  io.stderr.write('\nInterrupted\n');
  process.exit(130);
});
run(process.argv.slice(2), io).then(
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
