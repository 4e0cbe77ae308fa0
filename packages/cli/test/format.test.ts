/** The fixed-width tables of `project list` and `workspace list` (docs/cli.md#mp-project-list, docs/cli.md#commands). */
import { describe, expect, it } from 'vitest';
import { renderFixedTable } from '../src/format';

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
