/** `$BROWSER` read as Python's webbrowser reads it (docs/oauth.md#opening-the-browser step 2), launched for real. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { browserCommands, splitCommand, systemBrowserOpener } from './browser';

const URL_ = 'http://127.0.0.1:19284/authorize?a=1&b=2';

describe('splitCommand', () => {
  it.each([
    ['firefox', ['firefox']],
    ['  firefox   --new-window ', ['firefox', '--new-window']],
    [`'/opt/My Browser/bin' -x`, ['/opt/My Browser/bin', '-x']],
    [`"a \\"b\\" c" d\\ e`, ['a "b" c', 'd e']],
    [`x ''`, ['x', '']],
  ])('%j', (text, argv) => {
    expect(splitCommand(text)).toEqual(argv);
  });
});

describe('browserCommands', () => {
  it('appends the URL, or puts it where %s is; one command per path-separated entry', () => {
    expect(browserCommands('firefox --new-window', URL_)).toEqual([
      ['firefox', '--new-window', URL_],
    ]);
    expect(browserCommands('open -a Safari %s --fresh', URL_)).toEqual([
      ['open', '-a', 'Safari', URL_, '--fresh'],
    ]);
    expect(browserCommands('nope:lynx', URL_)).toEqual([
      ['nope', URL_],
      ['lynx', URL_],
    ]);
    expect(browserCommands('a;b c', URL_, ';')).toEqual([
      ['a', URL_],
      ['b', 'c', URL_],
    ]);
  });
});

describe('systemBrowserOpener', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A "browser" (a node script) that records its arguments, then exits `code`. */
  function fakeBrowser(code = 0) {
    const dir = mkdtempSync(join(tmpdir(), 'mp-browser-'));
    dirs.push(dir);
    const script = join(dir, 'browser.js');
    const out = join(dir, 'argv.json');
    writeFileSync(
      script,
      `require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2))); process.exit(${code});`,
    );
    return { script, argv: () => JSON.parse(readFileSync(out, 'utf8')) as string[] };
  }

  it('runs a $BROWSER that carries its own arguments, with the URL last', async () => {
    const browser = fakeBrowser();
    const opener = systemBrowserOpener({
      PATH: process.env.PATH,
      BROWSER: `${process.execPath} ${browser.script} --new-window`,
    });
    expect(await opener(URL_)).toBe(true);
    expect(browser.argv()).toEqual(['--new-window', URL_]);
  });

  it('tries the next entry when one cannot be launched or fails', async () => {
    const failing = fakeBrowser(3);
    const working = fakeBrowser();
    const opener = systemBrowserOpener({
      PATH: process.env.PATH,
      BROWSER: [
        '/nonexistent/browser',
        `${process.execPath} ${failing.script}`,
        `${process.execPath} ${working.script} %s`,
      ].join(':'),
    });
    expect(await opener(URL_)).toBe(true);
    expect(failing.argv()).toEqual([URL_]);
    expect(working.argv()).toEqual([URL_]);
  });

  it('reports false when no entry launches', async () => {
    const opener = systemBrowserOpener({
      PATH: process.env.PATH,
      BROWSER: '/nonexistent/a:/nonexistent/b',
    });
    expect(await opener(URL_)).toBe(false);
  });
});
