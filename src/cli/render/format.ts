// Formatting of numbers for human output: bytes in binary units, counts with
// thousands separators, plurals. Pure functions; knows nothing of cores.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/**
 * formatBytes prints a byte count in binary units with about three significant
 * digits: 512 → "512 B", 1536 → "1.5 KiB", 13_000_000 → "12 MiB".
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${sign}${v} B`;
  // Round first, so 1023.96 KiB prints as "1.0 MiB", not "1024 KiB".
  let text = v < 9.95 ? v.toFixed(1) : String(Math.round(v));
  if (text === '1024' && u < UNITS.length - 1) {
    text = '1.0';
    u++;
  }
  return `${sign}${text} ${UNITS[u]}`;
}

/** formatCount prints an integer with thousands separators: 12000 → "12,000". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const s = String(Math.trunc(Math.abs(n)));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (n < 0 ? '-' : '') + grouped;
}

/** plural prints "1 thread", "7 threads". */
export function plural(n: number, one: string, many = one + 's'): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** shellQuote quotes one argument so a command line can be pasted into a shell. */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
