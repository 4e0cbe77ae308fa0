/** The `mock-browser` bin (docs/testkit.md#browser-helpers). */
import { parseArgs } from 'node:util';
import { browse } from './browser';
import type { CliIo } from './server-cli';

const BROWSER_USAGE = 'usage: mock-browser [--no-follow] [--verbose] <authorize-url>';

/**
 * `mock-browser <url>`: runs the simulated browser; returns 0 unless the
 * authorize request failed (network error or a 4xx/5xx status). With
 * `--verbose` the result is printed to stderr as JSON.
 */
export async function runMockBrowser(argv: string[], io: CliIo): Promise<number> {
  let values: { 'no-follow'?: boolean; verbose?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { 'no-follow': { type: 'boolean' }, verbose: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    io.stderr.write(`mock-browser: ${(error as Error).message}\n${BROWSER_USAGE}\n`);
    return 2;
  }
  const [url, ...extra] = positionals;
  if (url === undefined || extra.length > 0) {
    io.stderr.write(`${BROWSER_USAGE}\n`);
    return 2;
  }
  try {
    const { result, callbackError } = await browse(url, values['no-follow'] !== true);
    if (values.verbose) io.stderr.write(`${JSON.stringify(result)}\n`);
    if (callbackError)
      io.stderr.write(`mock-browser: callback request failed: ${callbackError.message}\n`);
    if (result.authorizeStatus >= 400) {
      io.stderr.write(`mock-browser: the authorize request answered ${result.authorizeStatus}\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    io.stderr.write(`mock-browser: the authorize request failed: ${(error as Error).message}\n`);
    return 1;
  }
}
