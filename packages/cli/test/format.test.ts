/** The fixed-width tables of `project list` and `workspace list` (docs/cli.md#mp-project-list, docs/cli.md#commands). */
import { describe, expect, it } from 'vitest';
import { renderFixedTable, renderTable } from '../src/format';

describe('renderFixedTable', () => {
  it('cuts a long name to 33 characters so the last column still starts at the same place', () => {
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
    expect(first).toBe(`* 1${' '.repeat(15)}${long.slice(0, 33)} 9001`);
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
