import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseToml, stringifyToml, tomlKey, tomlString } from './toml';

describe('stringifyToml', () => {
  it('writes integers plainly, never with digit separators', () => {
    expect(stringifyToml({ active: { workspace: 3448414 } })).toBe(
      '[active]\nworkspace = 3448414\n',
    );
  });

  it('orders blocks active, accounts, targets, settings, then the rest, root keys first', () => {
    const text = stringifyToml({
      weird: { n: 1 },
      settings: { custom_header: { name: 'X', value: 'y' } },
      targets: { t: { account: 'a', project: '1' } },
      accounts: { a: { type: 'oauth_browser', region: 'us' } },
      active: { account: 'a' },
      version_note: 'x',
    });
    expect(text).toBe(
      [
        'version_note = "x"',
        '',
        '[active]',
        'account = "a"',
        '',
        '[accounts.a]',
        'type = "oauth_browser"',
        'region = "us"',
        '',
        '[targets.t]',
        'account = "a"',
        'project = "1"',
        '',
        '[settings.custom_header]',
        'name = "X"',
        'value = "y"',
        '',
        '[weird]',
        'n = 1',
        '',
      ].join('\n'),
    );
  });

  it('drops an emptied [active] and empty account/target containers', () => {
    expect(stringifyToml({ active: {}, accounts: {}, targets: {} })).toBe('');
  });

  it('quotes keys that are not bare and escapes strings', () => {
    expect(tomlKey('a.b c')).toBe('"a.b c"');
    expect(tomlKey('')).toBe('""');
    expect(tomlKey('ops-sa_1')).toBe('ops-sa_1');
    expect(tomlString('q"b\\n\n\t\u0001é')).toBe('"q\\"b\\\\n\\n\\t\\u0001é"');
    expect(stringifyToml({ targets: { 'a.b c': { account: 'x', project: '1' } } })).toBe(
      '[targets."a.b c"]\naccount = "x"\nproject = "1"\n',
    );
  });

  it('keeps unknown values of every TOML type', () => {
    const document = parseToml(
      'flag = true\nratio = 1.5\nlist = [1, 2]\nwhen = 1979-05-27T07:32:00Z\nday = 1979-05-27\n[x]\ninline = { a = 1, b = "c" }\n[[items]]\nn = 1\n',
      'c.toml',
    );
    const again = parseToml(stringifyToml(document), 'c.toml');
    expect(again).toEqual(document);
  });

  it('round-trips arbitrary config-shaped documents', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean());
    const block = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), scalar, { maxKeys: 4 });
    const documentArb = fc.record({
      active: fc.record({ account: fc.string() }),
      accounts: fc.dictionary(fc.stringMatching(/^[A-Za-z0-9_-]{1,10}$/), block, { maxKeys: 4 }),
      targets: fc.dictionary(fc.string({ maxLength: 10 }), block, { maxKeys: 3 }),
    });
    fc.assert(
      fc.property(documentArb, (document) => {
        const parsed = parseToml(stringifyToml(document), 'c.toml');
        const expected = JSON.parse(JSON.stringify(document));
        for (const key of ['accounts', 'targets']) {
          if (Object.keys(expected[key]).length === 0) delete expected[key];
        }
        expect(parsed).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
