/**
 * The exit-code table of the repository README is what `mp` does: every row
 * has at least one example here, run against the built `mp`, and the README
 * row names that example.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { setup } from './helpers';

const README = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'README.md');

/** The README's exit-code table: code → the text of its row. */
function readmeTable(): Map<number, string> {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('## Exit codes'));
  const rows = [...section.matchAll(/^\| (\d+) \| (.+) \|$/gm)];
  return new Map(rows.map((row) => [Number(row[1]), row[2]!]));
}

type Setup = Awaited<ReturnType<typeof setup>>;
interface Case {
  code: number;
  /** How the README row names this example. */
  mention: string;
  run: (t: Setup) => Promise<{ code: number | null; stderr: string }>;
}

const CASES: Case[] = [
  { code: 0, mention: '`mp --version`', run: (t) => t.mp(['--version']) },
  { code: 1, mention: '`mp account use ghost`', run: (t) => t.mp(['account', 'use', 'ghost']) },
  { code: 1, mention: '`mp account show ghost`', run: (t) => t.mp(['account', 'show', 'ghost']) },
  {
    code: 1,
    mention: 'a 5xx after retries',
    run: async (t) => {
      await t.withTeam();
      t.mock.failWith('/api/query/events/names', 500, { times: null });
      return t.mp(['inspect', 'events']);
    },
  },
  {
    code: 2,
    mention: 'a 401 from Mixpanel',
    run: async (t) => {
      await t.withTeam();
      t.mock.failWith('/api/query/events/names', 401, { json: { error: 'bad' } });
      return t.mp(['inspect', 'events']);
    },
  },
  { code: 2, mention: '`mp` with no command', run: (t) => t.mp([]) },
  { code: 2, mention: '`mp account frobnicate`', run: (t) => t.mp(['account', 'frobnicate']) },
  {
    code: 3,
    mention: '`mp --target t -p 1 session`',
    run: (t) => t.mp(['--target', 't', '-p', '1', 'session']),
  },
  {
    code: 3,
    mention: 'a 403',
    run: async (t) => {
      await t.withTeam();
      t.mock.failWith('/api/query/events/names', 403, { json: { error: 'no access' } });
      return t.mp(['inspect', 'events']);
    },
  },
  { code: 4, mention: '`mp account test ghost`', run: (t) => t.mp(['account', 'test', 'ghost']) },
  {
    code: 4,
    mention: '`mp project use 999` (a project the account cannot see)',
    run: async (t) => {
      await t.withTeam();
      return t.mp(['project', 'use', '999']);
    },
  },
  {
    code: 4,
    mention: '`mp project use` without an active account',
    run: (t) => t.mp(['project', 'use', '3713224']),
  },
  {
    code: 4,
    mention: 'a `mp login --project` the login cannot see',
    run: (t) =>
      t.mp(
        [
          'login',
          '--service-account',
          '--name',
          'team',
          '--region',
          'us',
          '--project',
          '999',
          '--secret-stdin',
        ],
        { stdin: 's3cret-sa\n', env: { MP_USERNAME: 'team-sa' } },
      ),
  },
  {
    code: 5,
    mention: 'a 429 whose Retry-After is too long to wait',
    run: async (t) => {
      await t.withTeam();
      t.mock.rateLimit('/api/query/events/names', { times: 1, retryAfter: '120' });
      return t.mp(['inspect', 'events']);
    },
  },
  {
    code: 130,
    mention: 'while `mp account login` waits for the browser',
    run: async (t) => {
      await t.mp(['account', 'add', 'me', '--type', 'oauth_browser', '--region', 'us']);
      let sent = false;
      return t.mp(['account', 'login', 'me', '--no-browser'], {
        onStderr: (text, child) => {
          if (!sent && /\n {2}http\S+\n/.test(text)) {
            sent = true;
            child.kill('SIGINT');
          }
        },
      });
    },
  },
];

describe('the README exit-code table', () => {
  it('has a row for every code the examples exercise, and no other', () => {
    const codes = [...new Set(CASES.map((example) => example.code))].sort((a, b) => a - b);
    expect([...readmeTable().keys()]).toEqual(codes);
  });

  it.each(CASES.map((example) => [example.code, example.mention, example] as const))(
    'exit %i: %s',
    async (code, mention, example) => {
      expect(readmeTable().get(code)).toContain(mention);
      const t = await setup();
      const result = await example.run(t);
      expect(result.code, result.stderr).toBe(code);
    },
  );
});
