// Address parsing: what users paste becomes canonical "0x…" hex.
import { describe, expect, it } from 'vitest';

import { addressValue, formatAddress, parseAddress } from '../../src/api/address.js';
import { CorescopeError } from '../../src/api/errors.js';

describe('parseAddress', () => {
  it('canonicalises 0x-hex to lowercase without leading zeros', () => {
    expect(parseAddress('0x00007F12AB')).toBe('0x7f12ab');
    expect(parseAddress('0X1')).toBe('0x1');
  });

  it('reads digit-only input as decimal and input with a-f as hex', () => {
    expect(parseAddress('4096')).toBe('0x1000');
    expect(parseAddress('deadbeef')).toBe('0xdeadbeef');
  });

  it('accepts debugger decorations: backticks, underscores, BigInt suffix', () => {
    expect(parseAddress('`0x7f_0000`')).toBe('0x7f0000');
    expect(parseAddress('4096n')).toBe('0x1000');
    expect(parseAddress(' 0x10 ')).toBe('0x10');
  });

  it('round-trips every 64-bit value', () => {
    for (const v of [0n, 1n, 0x7fffffffffffn, (1n << 64n) - 1n]) expect(addressValue(parseAddress(formatAddress(v)))).toBe(v);
  });

  it('rejects values above 2^64-1, negatives and garbage with USAGE', () => {
    for (const bad of ['0x10000000000000000', '-1', '', 'zz', '0x', '0x12g', '1.5']) {
      expect(() => parseAddress(bad), bad).toThrow(CorescopeError);
      try {
        parseAddress(bad);
      } catch (e) {
        expect((e as CorescopeError).code).toBe('USAGE');
        expect((e as CorescopeError).exitCode).toBe(2);
      }
    }
    expect(addressValue(-1)).toBeUndefined();
    expect(addressValue(1.5)).toBeUndefined();
  });
});
