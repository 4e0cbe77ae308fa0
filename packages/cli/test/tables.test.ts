/** Tables on a terminal are cut to its width; on a pipe nothing is cut (docs/cli.md#tables). */
import { defaultFixture } from '@mixpanel-data/testkit';
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../src/width';
import { runMpInPty, setup } from './helpers';

const LONG = `${'long-account-name-'.repeat(3)}0123456789`; // 64 characters, the most a name may have
const CJK_PROJECT = '日本語のプロジェクト名はとても長いのでターミナルに収まりません';

/** The lines of a pty's output, without the terminal's CR. */
const linesOf = (output: string) =>
  output.split('\r\n').filter((line) => line !== '' && !line.startsWith('note:'));

type Host = Awaited<ReturnType<typeof setup>>;

/** `mp ARGS` on a terminal `columns` wide: exits 0 and shows `rows` lines, none wider than the terminal. */
async function linesOnTerminal(t: Host, args: string[], columns: number, rows: number) {
  const { code, output } = await runMpInPty(args, { env: t.env, cwd: t.home, columns });
  expect(code).toBe(0);
  const lines = linesOf(output);
  expect(lines).toHaveLength(rows);
  for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(columns);
  return lines;
}

async function withAccounts() {
  const fixture = defaultFixture();
  fixture.projects[0]!.name = CJK_PROJECT;
  const t = await setup({ fixture });
  await t.withTeam();
  for (const name of [LONG, 'short'])
    expect(
      (await t.mp(['account', 'add', name, '--type', 'oauth_browser', '--region', 'eu'])).code,
    ).toBe(0);
  return t;
}

describe('tables on a terminal and on a pipe', () => {
  it('mp account list on a 60-column terminal: every row is one line of at most 60 columns, the long name cut with …', async () => {
    const t = await withAccounts();
    const lines = await linesOnTerminal(t, ['account', 'list'], 60, 4);
    expect(lines[1]).toMatch(/^long-account-name-.*… +oauth_browser +eu$/);
    expect(lines[2]).toMatch(/^short +oauth_browser +eu$/);
    expect(lines[3]).toMatch(/^team +service_account +us +\*$/);
    // TYPE starts at the same column on every line.
    expect(new Set(lines.map((line) => line.search(/TYPE|oauth|service/))).size).toBe(1);
  });

  it('mp account list on a pipe keeps the full names', async () => {
    const t = await withAccounts();
    const result = await t.mp(['account', 'list']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[1]).toMatch(new RegExp(`^${LONG}  oauth_browser +eu$`));
  });

  it('mp project list on a 50-column terminal cuts a CJK name by display width and keeps ids and ORG whole', async () => {
    const t = await withAccounts();
    const lines = await linesOnTerminal(t, ['project', 'list', '-a', 'team'], 50, 3);
    const row = lines.find((line) => line.includes('日本語'))!;
    expect(row).toMatch(/^\* 3713224 +日本語のプロジェクト名はと… +100$/);
    const org = lines[0]!.indexOf('ORG');
    for (const line of lines.slice(1))
      expect(displayWidth(line.slice(0, line.search(/\d+$/)))).toBe(org);
  });

  it('mp project list on a pipe cuts a CJK name to 33 display columns, as the fixed layout says', async () => {
    const t = await withAccounts();
    const result = await t.mp(['project', 'list', '-a', 'team']);
    const row = result.stdout.split('\n').find((line) => line.includes('日本語'))!;
    expect(row).toMatch(/^\* 3713224 +日本語のプロジェクト名はとても長… \d+$/);
    expect(displayWidth(row.slice(0, row.search(/\d+$/)))).toBe(52);
  });
});

describe('mp target list', () => {
  async function withLongTarget() {
    const t = await withAccounts();
    expect(
      (await t.mp(['target', 'add', LONG, '--account', 'team', '--project', '3713224'])).code,
    ).toBe(0);
    expect(
      (await t.mp(['target', 'add', 'web', '--account', 'team', '--project', '3713224'])).code,
    ).toBe(0);
    return t;
  }

  it('on a 50-column terminal: every row is one line, the long name cut with …, PROJECT aligned', async () => {
    const t = await withLongTarget();
    const lines = await linesOnTerminal(t, ['target', 'list'], 50, 3);
    expect(lines[1]).toMatch(/^long-account-name-.*… +team +3713224 +-$/);
    expect(new Set(lines.map((line) => line.search(/PROJECT|3713224/))).size).toBe(1);
  });

  it('on a wide terminal and on a pipe: the fixed layout, names whole', async () => {
    const t = await withLongTarget();
    const piped = await t.mp(['target', 'list']);
    expect(piped.stdout.split('\n')).toContain(`${LONG} team            3713224      -`);
    const { output } = await runMpInPty(['target', 'list'], {
      env: t.env,
      cwd: t.home,
      columns: 200,
    });
    expect(linesOf(output)).toContain(`${LONG} team            3713224      -`);
  });
});
