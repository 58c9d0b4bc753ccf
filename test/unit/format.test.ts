// Human-unit formatting: bytes, counts, shell quoting.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

import { formatBytes, formatCount, plural, shellQuote } from '../../src/cli/render/format.js';

describe('formatBytes', () => {
  it('prints bytes below 1 KiB exactly', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
  });

  it('uses binary units with one decimal below 10 and none above', () => {
    expect(formatBytes(1024)).toBe('1.0 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(10 * 1024)).toBe('10 KiB');
    expect(formatBytes(256 * 1024 * 1024)).toBe('256 MiB');
    expect(formatBytes(3.25 * 1024 ** 3)).toBe('3.3 GiB');
  });

  it('rolls 1023.99 KiB over to 1.0 MiB instead of printing 1024 KiB', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.0 MiB');
  });

  it('keeps three significant digits within 5% of the value', () => {
    for (const n of [1500, 98765, 1234567, 987654321, 5.5e12]) {
      const [num, unit] = formatBytes(n).split(' ');
      const scale = 1024 ** ['B', 'KiB', 'MiB', 'GiB', 'TiB'].indexOf(unit!);
      expect(Math.abs(Number(num) * scale - n) / n).toBeLessThan(0.05);
    }
  });
});

describe('formatCount', () => {
  it('groups thousands', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(12000)).toBe('12,000');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(-5000)).toBe('-5,000');
    expect(Number(formatCount(25_400_000).replace(/,/g, ''))).toBe(25_400_000);
  });

  it('pluralises', () => {
    expect(plural(1, 'thread')).toBe('1 thread');
    expect(plural(7, 'thread')).toBe('7 threads');
  });
});

describe('shellQuote', () => {
  it('quotes arguments so bash reads them back unchanged', () => {
    const args = ['plain', 'with space', "it's", '$HOME', 'a"b', '', '--flag=x', 'tab\there', '*'];
    const script = `printf '%s\\0' ${args.map(shellQuote).join(' ')}`;
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(args);
  });

  it('leaves simple paths bare', () => {
    expect(shellQuote('/usr/bin/node')).toBe('/usr/bin/node');
  });
});
