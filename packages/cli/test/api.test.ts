/** `mp api`: any endpoint, streamed to stdout, and its refusals (docs/cli.md#mp-api). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportLine } from '@mixpanel-data/testkit';
import { describe, expect, it } from 'vitest';
import { runMpInPty, setup } from './helpers';

const EXPORT = ['api', '/api/2.0/export', '-F', 'from_date=2024-01-01', '-F', 'to_date=2024-01-31'];
const NAMES = ['Sign Up', 'Login', 'Purchase', 'Page View'];
/** stderr without the MP_BASE_URL note every command prints under the mock. */
const errorLines = (stderr: string) =>
  stderr.split('\n').filter((line) => line && !line.startsWith('note: MP_BASE_URL'));

describe('mp api', () => {
  it('prints an App answer as the server sent it', async () => {
    const t = await setup();
    await t.withTeam();
    const result = await t.mp(['api', '/api/app/me']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).results.user_email).toBe('alice@example.com');
  });

  it('sends -F as query parameters on GET, with project_id and query_origin added', async () => {
    const t = await setup();
    await t.withTeam();
    const result = await t.mp([
      'api',
      '/api/query/events/names',
      '-F',
      'type=general',
      '-F',
      'limit=2',
    ]);
    expect(result).toMatchObject({ code: 0, stdout: '["Sign Up","Login"]' });
    expect(t.mock.requests({ path: '/api/query/events/names' })[0]?.query).toEqual({
      type: 'general',
      limit: '2',
      project_id: '3713224',
      query_origin: 'mixpanel-data-ts',
    });
  });

  it('streams an export to stdout byte for byte; key:=JSON sends the JSON text', async () => {
    const t = await setup({ config: { export_events: 2000 } });
    await t.withTeam();
    const result = await t.mp([...EXPORT, '-F', 'event:=["Login","Purchase"]']);
    expect(result.code).toBe(0);
    const names = ['Login', 'Purchase'];
    expect(result.stdout).toBe(
      Array.from({ length: 2000 }, (_, index) => exportLine(index, names)).join(''),
    );
    expect(t.mock.requests({ path: '/api/2.0/export' })[0]?.query.event).toBe(
      '["Login","Purchase"]',
    );
  });

  it('-i prints the status line and response headers first, never a request header', async () => {
    const t = await setup();
    await t.withTeam();
    const result = await t.mp([...EXPORT, '-i', '-H', 'X-Trace: abc']);
    expect(result.code).toBe(0);
    const [head, body] = result.stdout.split('\n\n');
    expect(head!.split('\n')[0]).toBe('HTTP 200 OK');
    expect(head).toContain('content-type: application/x-ndjson');
    expect(head!.toLowerCase()).not.toContain('authorization');
    expect(body).toBe([0, 1, 2].map((index) => exportLine(index, NAMES)).join(''));
    expect(t.mock.requests({ path: '/api/2.0/export' })[0]?.headers['x-trace']).toBe('abc');
  });

  it('sends -F as a JSON body on POST (typed with :=), and --input as the raw body', async () => {
    const t = await setup();
    await t.withTeam();
    const posted = await t.mp([
      'api',
      'POST',
      '/api/app/me',
      '-F',
      'name=x',
      '-F',
      'n:=1',
      '-F',
      'on:=true',
    ]);
    // The mock allows GET only here: the server's own text, one line, exit 3.
    expect(posted.code).toBe(3);
    expect(errorLines(posted.stderr)[0]).toBe(
      'Query error: mock: POST is not allowed on /api/app/me',
    );
    const file = join(t.home, 'body.json');
    writeFileSync(file, '{"raw": [1, 2]}');
    await t.mp(['api', '/api/app/me', '--input', file]);
    await t.mp(['api', 'PUT', '/api/app/me', '--input', '-', '-H', 'Content-Type: text/plain'], {
      stdin: 'from stdin',
    });
    const [first, second, third] = t.mock.requests({ path: '/api/app/me' });
    expect(first).toMatchObject({ method: 'POST', body: { name: 'x', n: 1, on: true } });
    expect(first?.headers['content-type']).toBe('application/json');
    expect(second).toMatchObject({ method: 'POST', body: { raw: [1, 2] } });
    expect(third).toMatchObject({ method: 'PUT', body: 'from stdin' });
    expect(third?.headers['content-type']).toBe('text/plain');
  });

  it.each([
    ['//evil.com/api/app/me', 'a path must not name a host'],
    ['http://mixpanel.com/api/app/me', 'only https URLs are allowed'],
    ['https://evil.com/api/app/me', 'its host is not mixpanel.com or data.mixpanel.com'],
    ['https://api.mixpanel.com.evil.com/api/app/me', 'its host is not'],
    ['https://mixpanel.com@evil.com/api/app/me', 'a URL must not carry user info'],
    ['https://eu.mixpanel.com/api/app/me', 'its host is not'],
    ['/oauth/token/', 'its path is not under'],
  ])('refuses %s with a usage error and sends nothing', async (target, why) => {
    const t = await setup();
    await t.withTeam();
    const result = await t.mp(['api', target]);
    expect(result.code).toBe(2);
    const lines = errorLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Usage error: Refusing '/);
    expect(lines[0]).toContain(why);
    expect(t.mock.countRequests()).toBe(0);
  });

  it.each([
    [['-F', 'novalue'], 2, "Usage error: Invalid -F 'novalue': write key=value"],
    [['-F', '=x'], 2, "Usage error: Invalid -F '=x'"],
    [['-F', 'a:={nope'], 3, 'Invalid argument: Invalid -F a:=… : the value is not JSON.'],
    [['-H', 'Authorization: Bearer x'], 2, 'Usage error: -H cannot set Authorization'],
    [['-H', 'no colon'], 2, "Usage error: Invalid -H: write 'Name: value'"],
    [
      ['--input', '/nonexistent/body.json'],
      3,
      'Invalid argument: Cannot read --input /nonexistent/body.json: ENOENT.',
    ],
  ])('refuses %j before any request (exit %i)', async (flags, code, message) => {
    const t = await setup();
    await t.withTeam();
    const result = await t.mp(['api', '/api/app/me', ...flags]);
    expect(result.code).toBe(code);
    const lines = errorLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect(t.mock.countRequests({ path: '/api/app/me' })).toBe(0);
  });

  it('refuses an unknown method', async () => {
    const t = await setup();
    await t.withTeam();
    const result = await t.mp(['api', 'FETCH', '/api/app/me']);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      "Usage error: Unknown method 'FETCH': use one of GET, POST, PUT, PATCH, DELETE.",
    ]);
  });

  it('reports an HTML error page as one line of the server error, exit 1', async () => {
    const t = await setup();
    await t.withTeam();
    t.mock.inject({
      match: { path: '/api/2.0/export' },
      times: null,
      response: {
        status: 500,
        headers: { 'content-type': 'text/html' },
        text: '<html>\n<body><h1>500 Internal Server Error</h1>\n</body></html>',
      },
    });
    const result = await t.mp(EXPORT);
    expect(result.code).toBe(1);
    const lines = errorLines(result.stderr);
    expect(lines[0]).toMatch(
      /^Server error \(500\): Server error: <html>\\n<body><h1>500 Internal Server Error/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });

  it('fails with a one-line error after a mid-stream reset; the bytes before it stay written', async () => {
    const t = await setup({ config: { export_events: 20_000 } });
    await t.withTeam();
    t.mock.resetAfter('/api/2.0/export', 100_000);
    const result = await t.mp(EXPORT);
    expect(result.code).toBe(1);
    expect(Buffer.byteLength(result.stdout)).toBe(100_000);
    const lines = errorLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Error: HTTP error: the response ended early after 100000 bytes: .*\(GET http:\/\/127\.0\.0\.1:\d+\/api\/2\.0\/export\)\. Retry/,
    );
  });

  it('exits 0 quietly when the reader closes stdout early (| head)', async () => {
    const t = await setup({ config: { export_events: 2_000_000 } });
    await t.withTeam();
    const result = await t.mp(EXPORT, {
      onStdout: (text, child) => {
        if (text.includes('\n')) child.stdout?.destroy();
      },
    });
    expect(errorLines(result.stderr)).toEqual([]);
    expect(result.code).toBe(0);
  });

  it('shows no progress on a pipe', async () => {
    const t = await setup({ config: { export_events: 5000 } });
    await t.withTeam();
    const result = await t.mp(EXPORT);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('\r');
    expect(result.stderr).not.toContain('MB/s');
  });

  it('on a terminal with stdout redirected, shows bytes and rate on stderr and erases them; none with -q', async () => {
    const t = await setup({ config: { export_events: 5000 } });
    await t.withTeam();
    const file = join(t.home, 'events.ndjson');
    const expected = Array.from({ length: 5000 }, (_, index) => exportLine(index, NAMES)).join('');
    const shown = await runMpInPty(EXPORT, {
      env: t.env,
      cwd: t.home,
      prompt: 'no prompt is expected',
      answer: null,
      stdoutTo: file,
    });
    expect(shown.code).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape sequence that erases the line is the point
    expect(shown.output).toMatch(/\r\d+\.\d MB {2}\d+\.\d MB\/s\x1b\[K/);
    expect(shown.output.endsWith('\r\x1b[K')).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(expected);
    const quiet = await runMpInPty(['-q', ...EXPORT], {
      env: t.env,
      cwd: t.home,
      prompt: 'no prompt is expected',
      answer: null,
      stdoutTo: file,
    });
    expect(quiet.code).toBe(0);
    expect(quiet.output).not.toContain('MB/s');
    expect(readFileSync(file, 'utf8')).toBe(expected);
  });

  it('on a terminal, shows a body with its control characters escaped', async () => {
    const t = await setup();
    await t.withTeam();
    t.mock.inject({
      match: { path: '/api/app/me' },
      response: { status: 200, text: '{"a":"\u001b[31mred"}\n{"b":1}' },
    });
    const result = await runMpInPty(['api', '/api/app/me'], {
      env: t.env,
      cwd: t.home,
      prompt: 'no prompt is expected',
      answer: null,
    });
    expect(result.code).toBe(0);
    expect(result.output).toContain('{"a":"\\x1b[31mred"}\r\n{"b":1}');
    // stdout is the terminal too: no progress line to mix with the body.
    expect(result.output).not.toContain('MB/s');
    expect(result.output).not.toContain('\u001b[31m');
  });
});
