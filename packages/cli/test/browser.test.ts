/**
 * Real-browser tests: a real Chrome or Chromium (driven by playwright-core)
 * completes `mp account login` against the mock's consent form, and runs the
 * built auth-core bundle. Nothing leaves 127.0.0.1 / localhost. The browser is
 * `CHROME_PATH` or the one `pnpm test` found or installed first
 * (scripts/ensure-browser.mjs); without one these tests fail, never skip.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { findBrowser } from '../../../test-utils/browser.mjs';
import { MP, type Result, setup } from './helpers';

type AuthCore = typeof import('../../auth-core/dist/index.js');

const AUTH_CORE_DIST = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'auth-core',
  'dist',
  'index.js',
);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

/** Launches a headless Chrome or Chromium; fails (never skips) when there is none. */
async function launchChromium(): Promise<Browser> {
  const found = findBrowser();
  if (!found.path) throw new Error(found.error);
  return chromium.launch({
    executablePath: found.path,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Belt and braces: no host but loopback resolves, even for the browser's own traffic.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
    ],
  });
}

/** A fresh page whose every request is recorded; non-loopback ones are aborted. */
async function loopbackOnlyPage(browser: Browser): Promise<{ page: Page; offLoopback: string[] }> {
  const context = await browser.newContext();
  const offLoopback: string[] = [];
  const isLoopback = (url: string) => {
    const { protocol, hostname } = new URL(url);
    return protocol === 'about:' || protocol === 'data:' || LOOPBACK_HOSTS.has(hostname);
  };
  context.on('request', (request) => {
    if (!isLoopback(request.url())) offLoopback.push(request.url());
  });
  await context.route('**/*', (route) =>
    isLoopback(route.request().url()) ? route.continue() : route.abort('blockedbyclient'),
  );
  return { page: await context.newPage(), offLoopback };
}

/**
 * Spawns `mp ARGS` like helpers' `runMp`, but keeps the child so the test can
 * kill it, and resolves `authorizeUrl` from the `--no-browser` instructions.
 */
function spawnLogin(args: readonly string[], env: Record<string, string>, cwd: string) {
  const child: ChildProcess = spawn(process.execPath, [MP, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'], // stdin stays open: the paste prompt waits on it
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  const done = new Promise<Result>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  const authorizeUrl = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no authorize URL within 10 s; stderr:\n${stderr}`)),
      10_000,
    );
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
      const match = /Open this URL in your browser[^\n]*\n\n {2}(\S+)\n/.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void done.then((result) => {
      clearTimeout(timer);
      reject(new Error(`mp exited ${result.code} before printing the URL; stderr:\n${stderr}`));
    });
  });
  return { child, authorizeUrl, done };
}

/** One field of a logged form body (`RequestRecord.body` is `unknown`). */
function formField(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null
    ? (body as Record<string, unknown>)[name]
    : undefined;
}

/** The built auth-core, bundled for the browser as an IIFE that sets `window.authCore`. */
async function bundleAuthCore(): Promise<string> {
  const result = await build({
    entryPoints: [AUTH_CORE_DIST],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'authCore',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild produced no output');
  return output.text;
}

it('logs in through the consent page in a real Chromium and stores the tokens', async () => {
  const t = await setup({ config: { approval: 'form' } });
  const added = await t.mp(['account', 'add', 'me', '--type', 'oauth_browser', '--region', 'us']);
  expect(added.code, added.stderr).toBe(0);

  const login = spawnLogin(['account', 'login', 'me', '--no-browser'], t.env, t.home);
  let browser: Browser | undefined;
  try {
    const url = await login.authorizeUrl;
    expect(url.startsWith(`${t.mock.origin}/oauth/authorize/`)).toBe(true);

    browser = await launchChromium();
    const { page, offLoopback } = await loopbackOnlyPage(browser);
    const consent = await page.goto(url);
    expect(consent?.status()).toBe(200);
    const approve = page.getByRole('button', { name: 'Approve' });
    expect(await approve.isVisible()).toBe(true);
    expect(await page.locator('body').textContent()).toContain('alice@example.com');

    await Promise.all([
      page.waitForURL(/^http:\/\/localhost:1928[4-7]\//, { timeout: 10_000 }),
      approve.click(),
    ]);
    await page
      .getByText(/success|authorized/i)
      .first()
      .waitFor({ timeout: 10_000 });
    expect(await page.locator('body').textContent()).toMatch(/success|authorized/i);

    const result = await login.done;
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { account_name?: string; user?: { email?: string } };
    expect(json.account_name).toBe('me');
    expect(json.user?.email).toBe('alice@example.com');

    const tokens = join(t.home, '.mp', 'accounts', 'me', 'tokens.json');
    expect(existsSync(tokens)).toBe(true);
    expect(statSync(tokens).mode & 0o777).toBe(0o600);

    const decisions = t.mock.requests({ path: '/oauth/authorize/decision', method: 'POST' });
    expect(
      decisions.map((request) => [formField(request.body, 'decision'), request.status]),
    ).toEqual([['approve', 302]]);
    const grants = t.mock.requests({ path: '/oauth/token/' });
    expect(grants.map((request) => formField(request.body, 'grant_type'))).toEqual([
      'authorization_code',
    ]);
    expect(offLoopback).toEqual([]);
  } finally {
    await browser?.close();
    if (login.child.exitCode === null && login.child.signalCode === null) {
      login.child.kill('SIGKILL');
      await login.done;
    }
  }
});

it('resolves a session with the built auth-core inside Chromium without leaking the secret', async () => {
  const bundle = await bundleAuthCore();
  const browser = await launchChromium();
  try {
    const { page, offLoopback } = await loopbackOnlyPage(browser);
    await page.goto('about:blank');
    await page.addScriptTag({ content: bundle });

    const [summary, header] = await page.evaluate(async () => {
      const { resolveSession } = (globalThis as unknown as { authCore: AuthCore }).authCore;
      const { session, provenance } = resolveSession({
        env: { MP_WORKSPACE_ID: '42' },
        config: {
          active: { account: 'team' },
          accounts: {
            team: {
              type: 'service_account',
              region: 'eu',
              default_project: '4400117',
              username: 'bot',
              secret: 'not-real',
            },
          },
        },
      });
      return [
        [
          session.account.name,
          session.projectId,
          session.workspaceId,
          provenance.account.source,
          JSON.stringify(session).includes('not-real'),
        ],
        await session.authHeader(),
      ] as const;
    });

    expect(summary).toEqual(['team', '4400117', 42, 'active', false]);
    expect(header).toBe(`Basic ${Buffer.from('bot:not-real').toString('base64')}`);
    expect(offLoopback).toEqual([]);
  } finally {
    await browser.close();
  }
});
