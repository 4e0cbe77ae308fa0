/** Tables (docs/cli.md#tables) and the fixed-width tables of `project list` and `workspace list` (docs/cli.md#mp-project-list). */
import { describe, expect, it } from 'vitest';
import { renderFixedTable, renderTable } from '../src/format';
import { cutToWidth, displayWidth } from '../src/width';

describe('renderFixedTable', () => {
  it('cuts a long name to 32 characters and … so the last column still starts at the same place', () => {
    const long = 'A project name that is far longer than the column';
    const text = renderFixedTable(
      [18, 34],
      ['  ID', 'NAME', 'ORG'],
      [
        ['* 1', long, '9001'],
        ['  2', 'Short', '9002'],
      ],
    );
    const [header, first, second] = text;
    expect(first).toBe(`* 1${' '.repeat(15)}${long.slice(0, 32)}… 9001`);
    expect(header!.indexOf('ORG')).toBe(52);
    expect(first!.indexOf('9001')).toBe(52);
    expect(second!.indexOf('9002')).toBe(52);
  });

  it('drops trailing spaces when the last cell is empty', () => {
    expect(renderFixedTable([16, 34], ['ID', 'NAME', 'DEFAULT'], [['7', 'Staging', '']])).toEqual([
      `${'ID'.padEnd(16)}${'NAME'.padEnd(34)}DEFAULT`,
      `${'7'.padEnd(16)}Staging`,
    ]);
  });
});

describe('renderTable', () => {
  it('makes each column as wide as its longest cell', () => {
    expect(
      renderTable(
        ['NAME', 'TYPE'],
        [
          ['a-long-name', 'x'],
          ['b', 'oauth_browser'],
        ],
      ),
    ).toEqual(['NAME         TYPE', 'a-long-name  x', 'b            oauth_browser']);
  });

  it('renders a list of a million rows (no argument list as long as the rows)', () => {
    const rows = Array.from({ length: 1_000_000 }, (_, i) => [`a${i}`, 'oauth_browser']);
    const lines = renderTable(['NAME', 'TYPE'], rows);
    expect(lines).toHaveLength(1_000_001);
    expect(lines[1]).toBe(`a0${' '.repeat(5)}  oauth_browser`); // widest: a999999
  });
});

describe('displayWidth', () => {
  it.each([
    ['ascii', 'abc', 3],
    ['CJK ideographs', '日本語', 6],
    ['Hangul syllables', '한국', 4],
    ['fullwidth Latin', 'ＡＢ', 4],
    ['an emoji', '😀', 2],
    ['a ZWJ family', '👨\u200d👩\u200d👧', 2],
    ['a flag (two regional indicators)', '🇫🇷', 2],
    ['a skin tone', '👍🏽', 2],
    ['a pictograph with VS16', '❤\ufe0f', 2],
    ['the same pictograph as text', '❤', 1],
    ['a keycap', '1\ufe0f\u20e3', 2],
    ['a combining acute accent', 'e\u0301', 1],
    ['a zero-width space', 'a\u200bb', 2],
    ['mixed', 'ab日😀', 6],
  ])('measures %s', (_, text, width) => {
    expect(displayWidth(text)).toBe(width);
  });
});

describe('cutToWidth', () => {
  it('keeps text that fits and cuts the rest with …, never splitting a grapheme', () => {
    expect(cutToWidth('abc', 3)).toBe('abc');
    expect(cutToWidth('abcd', 3)).toBe('ab…');
    // 日 is two columns: 日本 + … would be 5 > 4.
    expect(cutToWidth('日本語', 4)).toBe('日…');
    expect(cutToWidth('👨\u200d👩\u200d👧👍🏽🇫🇷', 5)).toBe('👨\u200d👩\u200d👧👍🏽…');
    expect(cutToWidth('e\u0301e\u0301e\u0301', 3)).toBe('e\u0301e\u0301e\u0301');
    expect(cutToWidth('e\u0301e\u0301e\u0301x', 3)).toBe('e\u0301e\u0301…');
  });

  it('keeps the escape of a control character whole', () => {
    // Shown as ab\x1bcd: the escape takes columns 3-6.
    expect(cutToWidth('ab\x1bcd', 7)).toBe('ab\\x1b…');
    expect(cutToWidth('ab\x1bcd', 6)).toBe('ab…');
    expect(cutToWidth('ab\x1bcd', 8)).toBe('ab\\x1bcd');
  });
});

describe('renderTable with CJK and emoji', () => {
  it('lines up the next column after wide names', () => {
    const lines = renderTable(
      ['NAME', 'TYPE'],
      [
        ['日本語チーム', 'oauth_browser'],
        ['👨\u200d👩\u200d👧 family', 'service_account'],
        ['cafe\u0301', 'oauth_token'],
      ],
    );
    // Each TYPE starts 12 + 2 display columns in.
    for (const [line, type] of lines
      .slice(1)
      .map((line, i) => [line, ['oauth_browser', 'service_account', 'oauth_token'][i]!]))
      expect(displayWidth(line!.slice(0, line!.indexOf(type!)))).toBe(14);
  });
});

describe('renderTable fitted to a terminal', () => {
  const rows = [
    ['a-very-long-account-name-that-goes-on-and-on', 'service_account', 'us', '*'],
    ['日本語のとても長いアカウント名です', 'oauth_browser', 'eu', ''],
    ['short', 'oauth_token', 'in', ''],
  ];

  it('cuts the cuttable column with … so every line fits the width, and cuts no other column', () => {
    const lines = renderTable(['NAME', 'TYPE', 'REGION', 'ACTIVE'], rows, { width: 50, cut: [0] });
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(50);
    // 50 - (15 + 6 + 6 + 3 gaps of 2) leaves 17 columns for NAME.
    expect(lines[1]).toBe('a-very-long-acco…  service_account  us      *');
    expect(lines[2]).toBe('日本語のとても長…  oauth_browser    eu');
    expect(lines[3]).toBe(`short${' '.repeat(12)}  oauth_token      in`);
    // TYPE starts at the same display column on every line.
    const starts = lines.map((line) =>
      displayWidth(line.slice(0, line.search(/TYPE|service|oauth/))),
    );
    expect(new Set(starts).size).toBe(1);
  });

  it('cuts nothing without a width (not a terminal) or when the table fits', () => {
    const full = renderTable(['NAME', 'TYPE', 'REGION', 'ACTIVE'], rows);
    expect(full[1]).toContain(rows[0]![0]);
    expect(
      renderTable(['NAME', 'TYPE', 'REGION', 'ACTIVE'], rows, { width: undefined, cut: [0] }),
    ).toEqual(full);
    expect(
      renderTable(['NAME', 'TYPE', 'REGION', 'ACTIVE'], rows, { width: 200, cut: [0] }),
    ).toEqual(full);
  });

  it('does not cut a column below its heading', () => {
    const lines = renderTable(['NAME', 'TYPE'], [['abcdefgh', 'oauth_browser']], {
      width: 5,
      cut: [0],
    });
    expect(lines[1]).toBe('abc…  oauth_browser');
  });
});

describe('renderFixedTable fitted to a terminal', () => {
  it('narrows the name column so a row fits, keeping ids whole', () => {
    const lines = renderFixedTable(
      [18, 34],
      ['  ID', 'NAME', 'ORG'],
      [['* 4400117', '北京のプロジェクト名はとても長いです', '9001']],
      { width: 40, cut: [1] },
    );
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(40);
    // 40 - 18 (ID) - 4 (ORG) leaves 18 for NAME: 17 columns and a space.
    expect(lines[1]).toBe(`* 4400117${' '.repeat(9)}北京のプロジェク… 9001`);
  });
});
