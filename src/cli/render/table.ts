// Plain-text layout for human output: titled key/value sections and column
// tables, aligned with spaces, no trailing whitespace, no colours. Pure
// functions; knows nothing of cores.

/** Section is a titled list of key/value rows. A row value may be empty. */
export interface Section {
  title: string;
  rows: Array<[key: string, value: string]>;
  /** table, if set, is printed under the rows (already rendered lines). */
  table?: string[];
}

/**
 * renderSections prints sections with their keys aligned across all sections:
 *
 *   process
 *     pid      1234
 *     signal   SIGTRAP (5)
 */
export function renderSections(sections: Section[], indent = '  '): string {
  const width = Math.max(0, ...sections.flatMap((s) => s.rows.map(([k]) => k.length)));
  const lines: string[] = [];
  for (const s of sections) {
    if (lines.length) lines.push('');
    lines.push(s.title);
    for (const [k, v] of s.rows) lines.push(trimEnd(`${indent}${k.padEnd(width)}  ${v}`));
    for (const t of s.table ?? []) lines.push(trimEnd(`${indent}${t}`));
  }
  return lines.join('\n') + '\n';
}

export interface Column {
  header: string;
  /** align defaults to left; use right for numbers. */
  align?: 'left' | 'right';
}

/**
 * renderTable lays out rows under headers, two spaces between columns,
 * right-aligning numeric columns. Returns lines without a trailing newline.
 */
export function renderTable(columns: Column[], rows: string[][]): string[] {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    trimEnd(
      columns
        .map((c, i) => {
          const cell = cells[i] ?? '';
          return c.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
        })
        .join('  '),
    );
  return [line(columns.map((c) => c.header)), ...rows.map(line)];
}

function trimEnd(s: string): string {
  return s.replace(/\s+$/, '');
}
