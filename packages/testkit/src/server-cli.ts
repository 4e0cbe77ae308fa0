/** The `mp-mock-mixpanel` bin (docs/testkit.md#command-line). */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Fixture } from './fixture';
import type { RequestRecord } from './request-log';
import { type MockOptions, startMockServer } from './server';

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Resolves on the first SIGINT or SIGTERM (injectable for tests). */
  waitForSignal?: () => Promise<string>;
}

const SERVER_USAGE =
  'usage: mp-mock-mixpanel [--port N] [--fixture path.json] [--region us|eu|in] [--verbose]';

function waitForTermination(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function describe(record: RequestRecord): string {
  const fault = record.faultId === null ? '' : ` (fault ${record.faultId})`;
  return `mock: ${record.method} ${record.path} -> ${record.status ?? 'no answer'}${fault}\n`;
}

/**
 * `mp-mock-mixpanel`: prints `MOCK_ORIGIN=http://127.0.0.1:PORT` once
 * listening, serves until SIGINT/SIGTERM, then closes and returns 0. Returns
 * 2 for bad arguments and 1 when the fixture or the port cannot be used.
 */
export async function runMockServer(argv: string[], io: CliIo): Promise<number> {
  let values: { port?: string; fixture?: string; region?: string; verbose?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        fixture: { type: 'string' },
        region: { type: 'string' },
        verbose: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr.write(`mp-mock-mixpanel: ${(error as Error).message}\n${SERVER_USAGE}\n`);
    return 2;
  }
  const options: MockOptions = {};
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port)) {
      io.stderr.write(`mp-mock-mixpanel: --port must be a number\n${SERVER_USAGE}\n`);
      return 2;
    }
    options.port = Number(values.port);
  }
  if (values.region !== undefined) {
    if (values.region !== 'us' && values.region !== 'eu' && values.region !== 'in') {
      io.stderr.write(`mp-mock-mixpanel: --region must be us, eu or in\n${SERVER_USAGE}\n`);
      return 2;
    }
    options.region = values.region;
  }
  try {
    if (values.fixture !== undefined) {
      options.fixture = JSON.parse(await readFile(values.fixture, 'utf8')) as Fixture;
    }
    const verbose = values.verbose === true;
    const mock = await startMockServer(
      options,
      verbose ? { onRequest: (record) => io.stderr.write(describe(record)) } : {},
    );
    io.stdout.write(`MOCK_ORIGIN=${mock.origin}\n`);
    const signal = await (io.waitForSignal ?? waitForTermination)();
    if (verbose) io.stderr.write(`mock: ${signal}, closing\n`);
    await mock.close();
    return 0;
  } catch (error) {
    io.stderr.write(`mp-mock-mixpanel: ${(error as Error).message}\n`);
    return 1;
  }
}
