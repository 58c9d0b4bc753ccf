// Plain-text layout: aligned sections and tables.
import { describe, expect, it } from 'vitest';

import { renderSections, renderTable } from '../../src/cli/render/table.js';

describe('renderSections', () => {
  const text = renderSections([
    { title: 'process', rows: [['pid', '1234'], ['command line', 'node app.js']] },
    { title: 'versions', rows: [['node', 'v20.20.2']], table: ['a  b'] },
  ]);
  const lines = text.split('\n');

  it('starts every value in the same column across sections', () => {
    const valueColumns = ['1234', 'node app.js', 'v20.20.2'].map((v) => lines.find((l) => l.endsWith(v))!.indexOf(v));
    expect(new Set(valueColumns).size).toBe(1);
  });

  it('separates sections by one blank line and ends with a newline', () => {
    expect(lines[0]).toBe('process');
    expect(lines.filter((l) => l === '').length).toBe(2); // between sections + final newline
    expect(text.endsWith('\n')).toBe(true);
  });

  it('never leaves trailing spaces', () => {
    for (const l of lines) expect(l).toBe(l.trimEnd());
  });
});

describe('renderTable', () => {
  const lines = renderTable(
    [{ header: 'space' }, { header: 'pages', align: 'right' }],
    [
      ['old_space', '7'],
      ['new_space', '1234'],
    ],
  );

  it('right-aligns numeric columns', () => {
    const ends = lines.map((l) => l.length);
    expect(new Set(ends).size).toBe(1);
    expect(lines[1]!.endsWith('   7')).toBe(true);
  });

  it('puts a header line first and two spaces between columns', () => {
    expect(lines[0]).toMatch(/^space\s+pages$/);
    expect(lines[2]).toBe('new_space  ' + ' 1234'); // 'pages' is wider than 1234
  });
});
