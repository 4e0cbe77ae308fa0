#!/usr/bin/env node
// The demo: the whole chain from a terminal, against the testkit's mock Mixpanel
// on 127.0.0.1, in a throw-away HOME. Every step runs the built `mp` as a
// separate process, exactly as a person would.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockMixpanel } from '@mixpanel-data/testkit';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MP = join(root, 'packages', 'cli', 'bin', 'mp.cjs');
const BROWSER = join(root, 'packages', 'testkit', 'dist', 'bin', 'mock-browser.js');

const mock = await startMockMixpanel();
const home = mkdtempSync(join(tmpdir(), 'mp-demo-'));
const env = { PATH: process.env.PATH, HOME: home, MP_BASE_URL: mock.origin, BROWSER };
let step = 0;

/** Runs `mp` as its own process (asynchronously: the mock answers from this process). */
async function mp(title, args, { input, extraEnv = {}, show = (out) => out } = {}) {
  step += 1;
  console.log(
    `\n${step}. ${title}\n   $ mp ${args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}`,
  );
  const child = spawn(process.execPath, [MP, ...args], { env: { ...env, ...extraEnv }, cwd: home });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(input);
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) {
    console.error(stderr);
    throw new Error(`step ${step} failed with exit code ${code}`);
  }
  const shown = show(stdout.trimEnd());
  if (shown) console.log(shown.replace(/^/gm, '   '));
  return stdout;
}

try {
  console.log(`mixpanel-data demo — mock Mixpanel at ${mock.origin}, HOME=${home}`);
  await mp(
    'Add a service account (the secret comes from stdin, never from the command line)',
    [
      'account',
      'add',
      'team',
      '--type',
      'service_account',
      '--username',
      'team-sa',
      '--region',
      'us',
      '--project',
      '3713224',
      '--secret-stdin',
    ],
    { input: 's3cret-sa\n' },
  );
  await mp('List the projects it can see (from /me, cached for 24 h)', ['project', 'list']);
  await mp('Add a browser-login account', [
    'account',
    'add',
    'personal',
    '--type',
    'oauth_browser',
    '--region',
    'us',
  ]);
  await mp(
    'Log it in through the real OAuth PKCE flow (the demo plays the browser)',
    ['account', 'login', 'personal'],
    {
      show: (out) => {
        const result = JSON.parse(out);
        return `logged in as ${result.user.email}; tokens in ${result.tokens_path} (0600)`;
      },
    },
  );
  await mp('Make it the active account', ['account', 'use', 'personal']);
  await mp('Switch its project', ['project', 'use', '3713224']);
  await mp('Pin a workspace', ['workspace', 'use', '3448414']);
  await mp('Where does each axis come from?', ['session', '--explain']);
  await mp(
    'Run a segmentation with the browser account',
    [
      'query',
      'segmentation',
      '-e',
      'Sign Up',
      '--from',
      '2024-01-01',
      '--to',
      '2024-01-07',
      '--on',
      'country',
      '-f',
      'json',
    ],
    {
      show: (out) => {
        const result = JSON.parse(out);
        return `${result.event}, ${result.from_date}..${result.to_date} by ${result.segment_property}: total ${result.total} (${Object.keys(result.series).join(', ')})`;
      },
    },
  );
  const bridge = join(home, 'cowork', 'auth.json');
  await mp('Export a Cowork bridge file for the browser account', [
    'account',
    'export-bridge',
    '--account',
    'personal',
    '--to',
    bridge,
  ]);
  await mp('Read it back as a remote machine would (MP_AUTH_FILE)', ['session', '--bridge'], {
    extraEnv: { MP_AUTH_FILE: bridge },
  });
  await mp('The persisted session', ['session']);
  console.log(`\nDone: ${mock.requests().length} requests reached the mock; nothing left running.`);
} finally {
  await mock.close();
  rmSync(home, { recursive: true, force: true });
}
