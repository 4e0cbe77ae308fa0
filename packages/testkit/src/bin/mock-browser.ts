import { runMockBrowser } from '../browser-cli';

runMockBrowser(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
);
