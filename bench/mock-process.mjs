// The testkit's mock Mixpanel in a process of its own (run after `pnpm build`),
// so that a benchmark measures its clients, not the server sharing their process.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const mockBin = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'packages',
  'testkit',
  'dist',
  'bin',
  'mp-mock-mixpanel.js',
);

/** Starts the mock; resolves to its origin and the child process (kill it when done). */
export async function startMockProcess() {
  const server = spawn(process.execPath, [mockBin], { stdio: ['ignore', 'pipe', 'inherit'] });
  const origin = await new Promise((resolve, reject) => {
    let text = '';
    server.stdout.on('data', (chunk) => {
      text += chunk;
      const match = /MOCK_ORIGIN=(\S+)/.exec(text);
      if (match) resolve(match[1]);
    });
    server.on('exit', () => reject(new Error('the mock exited before it listened')));
  });
  return { origin, server };
}
