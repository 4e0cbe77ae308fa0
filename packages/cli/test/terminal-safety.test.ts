/**
 * Nothing from outside reaches the terminal raw (docs/cli.md#control-characters-in-output):
 * server texts, `/me` names, file contents and arguments show their control
 * characters escaped in every text format, an error stays one line plus its
 * hints, and JSON stays valid with the same values.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { defaultFixture } from '@mixpanel-data/testkit';
import { describe, expect, it } from 'vitest';
import { type Result, setup } from './helpers';

/** A server error text that sets a colour, sets the window title and rings the bell. */
const HOSTILE = 'line1\nline2\u001b[31mRED\u001b]0;TITLE\u0007';
const HOSTILE_SHOWN = 'line1\\nline2\\x1b[31mRED\\x1b]0;TITLE\\x07';

/** A name with a C1 CSI (U+009B), a screen clear, a line break and a bell. */
const NAME = 'Evil\u001b[2J\u009b31m\nName\u0007';
const NAME_SHOWN = 'Evil\\x1b[2J\\x9b31m\\nName\\x07';

const HTML_502 = [
  '<html>',
  '<head><title>502 Bad Gateway</title></head>',
  '<body>',
  '<center><h1>502 Bad Gateway</h1></center>',
  '<hr><center>nginx</center>',
  '</body>',
  '</html>',
  '',
].join('\r\n');

/** No control character but the line breaks between our own lines: no ESC, BEL, CSI, CR or tab. */
function expectNoRawControls(result: Result): void {
  for (const text of [result.stdout, result.stderr]) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for them
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  }
}

/** The error's lines on stderr: without the `note: MP_BASE_URL is set …` line and retry warnings. */
const errorLines = (result: Result) =>
  result.stderr
    .split('\n')
    .filter((line) => line !== '' && !/^(note: MP_BASE_URL|warning: )/.test(line));

describe('server texts in errors', () => {
  it.each([
    [400, 3, `Query error: ${HOSTILE_SHOWN}`],
    [500, 1, `Server error (500): Server error: ${HOSTILE_SHOWN}`],
  ])(
    'a %i whose JSON error holds escape sequences prints them escaped on one line (exit %i)',
    async (status, code, first) => {
      const t = await setup();
      await t.withTeam();
      t.mock.inject({
        match: { path: '/api/query/events/names' },
        times: null,
        response: { status, json: { error: HOSTILE } },
      });
      const result = await t.mp(['-a', 'team', 'inspect', 'events']);
      expect(result.code).toBe(code);
      expectNoRawControls(result);
      const lines = errorLines(result);
      expect(lines[0]).toBe(first);
      // The rest are the indented context and hint lines.
      for (const line of lines.slice(1)) expect(line).toMatch(/^ {2}\S/);
    },
  );

  it('an HTML 502 page is cut to one line plus the hints', async () => {
    const t = await setup();
    await t.withTeam();
    t.mock.inject({
      match: { path: '/api/query/events/names' },
      times: null,
      // Retry-After: 0 skips the retry backoff; the retries' warnings are not part of the error.
      response: {
        status: 502,
        headers: { 'Content-Type': 'text/html', 'Retry-After': '0' },
        text: HTML_502,
      },
    });
    const result = await t.mp(['-a', 'team', 'inspect', 'events']);
    expect(result.code).toBe(1);
    expectNoRawControls(result);
    const lines = errorLines(result);
    expect(lines[0]).toMatch(
      /^Server error \(502\): Server error: <html>\\r\\n<head><title>502 Bad Gateway<\/title>/,
    );
    expect(lines[0]!.length).toBeLessThanOrEqual('Server error (502): '.length + 200);
    expect(lines.slice(1).map((line) => line.split(':')[0])).toEqual([
      '  Endpoint',
      '  Parameters',
      '  Hint',
    ]);
  });

  it('an invalid custom header name from config.toml is shown escaped', async () => {
    const t = await setup();
    await t.withTeam();
    writeFileSync(
      t.config,
      `${readFileSync(t.config, 'utf8')}\n[settings]\ncustom_header = { name = "X\\u001b]0;T\\u0007", value = "v" }\n`,
    );
    const result = await t.mp(['inspect', 'events']);
    expect(result.code).toBe(1);
    expectNoRawControls(result);
    expect(result.stderr).toContain("custom_header name 'X\\x1b]0;T\\x07' is not a valid");
  });
});

describe('names from the command line, the environment and files', () => {
  it.each([
    [['account', 'show', 'x\u001b]0;T\u0007'], "'x\\x1b]0;T\\x07'"],
    [['account', 'use', '\u009b2Jy\nz'], "'\\x9b2Jy\\nz'"],
    [['acc\u001b[31mount'], "'acc\\x1b[31mount'"],
  ])('mp %j names the argument escaped', async (args, shown) => {
    const t = await setup();
    await t.withTeam();
    const result = await t.mp(args);
    expect(result.code).not.toBe(0);
    expectNoRawControls(result);
    expect(result.stderr).toContain(shown);
    expect(errorLines(result)).toHaveLength(1);
  });

  it('a URL from the environment is shown escaped in the note and in the error', async () => {
    const t = await setup();
    const url = `${t.mock.origin}/\u001b]0;T\u0007`;
    const result = await t.mp(['inspect', 'events'], {
      env: { MP_BASE_URL: url, MP_OAUTH_TOKEN: 'x', MP_REGION: 'us', MP_PROJECT_ID: '1' },
    });
    expect(result.code).toBe(1);
    expectNoRawControls(result);
    const shown = `${t.mock.origin}/\\x1b]0;T\\x07`;
    expect(result.stderr).toContain(`every Mixpanel request goes to ${shown}\n`);
    expect(result.stderr).toContain(`MP_BASE_URL='${shown}' is not a usable origin`);
  });

  it('mp session shows a hand-edited [active] account with escapes escaped, JSON keeps the value', async () => {
    const t = await setup();
    mkdirSync(dirname(t.config), { recursive: true, mode: 0o700 });
    writeFileSync(t.config, '[active]\naccount = "x\\u001b]0;T\\u0007\\u009b\\n"\n', {
      mode: 0o600,
    });
    const text = await t.mp(['session']);
    expect(text.code).toBe(0);
    expectNoRawControls(text);
    expect(text.stdout).toContain('Account:   x\\x1b]0;T\\x07\\x9b\\n\n');
    const json = await t.mp(['session', '-f', 'json']);
    expect(json.code).toBe(0);
    expectNoRawControls(json);
    expect(JSON.parse(json.stdout).account.name).toBe('x\u001b]0;T\u0007\u009b\n');
  });
});

describe('/me names in every format', () => {
  async function hostileMe() {
    const fixture = defaultFixture();
    fixture.projects[0]!.name = NAME;
    fixture.projects[0]!.events = [NAME, 'Login'];
    fixture.organizations[0]!.name = `Org${NAME}`;
    const t = await setup({ fixture });
    await t.withTeam();
    return t;
  }

  it('mp project list: table, csv and plain escape the name; the table stays aligned', async () => {
    const t = await hostileMe();
    const table = await t.mp(['project', 'list']);
    expect(table.code).toBe(0);
    expectNoRawControls(table);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    const row = rows.find((line) => line.includes('3713224'))!;
    expect(row).toContain(NAME_SHOWN);
    expect(row.indexOf('100')).toBe(header!.indexOf('ORG'));
    const csv = await t.mp(['project', 'list', '-f', 'csv']);
    expectNoRawControls(csv);
    expect(csv.stdout.split('\n')).toContain(`3713224,${NAME_SHOWN},100,US/Pacific,true`);
    const plain = await t.mp(['project', 'list', '-f', 'plain']);
    expectNoRawControls(plain);
  });

  it('mp project list: json and jsonl stay valid, hold the exact name and no raw control character', async () => {
    const t = await hostileMe();
    for (const format of ['json', 'jsonl']) {
      const result = await t.mp(['project', 'list', '-f', format]);
      expect(result.code).toBe(0);
      expectNoRawControls(result);
      const records =
        format === 'json'
          ? JSON.parse(result.stdout)
          : result.stdout
              .trimEnd()
              .split('\n')
              .map((line) => JSON.parse(line));
      expect(records.find((p: { id: string }) => p.id === '3713224').name).toBe(NAME);
      expect(result.stdout).toContain('\\u001b[2J\\u009b31m\\nName\\u0007');
    }
  });

  it('mp session shows the cached project and organization names escaped', async () => {
    const t = await hostileMe();
    await t.mp(['project', 'list']); // fills the /me cache
    const result = await t.mp(['session']);
    expect(result.code).toBe(0);
    expectNoRawControls(result);
    expect(result.stdout).toContain(
      `Project:   ${NAME_SHOWN} (3713224) [organization: Org${NAME_SHOWN}]`,
    );
  });

  it('mp inspect events lists an event name escaped, one per line', async () => {
    const t = await hostileMe();
    const result = await t.mp(['inspect', 'events']);
    expect(result.code).toBe(0);
    expectNoRawControls(result);
    expect(result.stdout).toBe(`${NAME_SHOWN}\nLogin\n`);
  });
});
