// Addresses as users see them: "0x…" lowercase hex strings, in JSON, in
// arguments and in output. Parsing accepts what people paste (0x-hex, bare
// hex with a-f, decimal, a trailing "n"/backticks/underscores from
// debuggers) and rejects anything that is not a 64-bit unsigned value.
// Knows nothing of V8 or of the CLI.

import { CorescopeError } from './errors.js';
import type { Address } from './types.js';

const MAX = (1n << 64n) - 1n;

/**
 * parseAddress returns the canonical "0x…" form of an address given by a
 * user. Without a 0x prefix, digits-only input is decimal and input with
 * a-f is hex. It throws CorescopeError USAGE for anything else.
 *
 * @example parseAddress('0x00007F12AB') // '0x7f12ab'
 */
export function parseAddress(input: string | number | bigint): Address {
  const value = addressValue(input);
  if (value === undefined) {
    throw new CorescopeError('USAGE', `${JSON.stringify(String(input))} is not an address`, {
      hint: 'give a heap address as hex, e.g. 0x3a1f0c2d8e41',
    });
  }
  return formatAddress(value);
}

/** addressValue returns the numeric value of an address, or undefined if malformed or above 2^64-1. */
export function addressValue(input: string | number | bigint): bigint | undefined {
  if (typeof input === 'bigint') return input >= 0n && input <= MAX ? input : undefined;
  if (typeof input === 'number') {
    return Number.isSafeInteger(input) && input >= 0 ? BigInt(input) : undefined;
  }
  if (typeof input !== 'string') return undefined;
  const s = input.trim().replace(/^`|`$/g, '').replace(/_/g, '').replace(/n$/, '');
  let v: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) v = BigInt(s);
  else if (/^[0-9]+$/.test(s)) v = BigInt(s);
  else if (/^[0-9a-fA-F]+$/.test(s)) v = BigInt('0x' + s);
  else return undefined;
  return v <= MAX ? v : undefined;
}

/** formatAddress prints a value as "0x…" lowercase hex without leading zeros. */
export function formatAddress(value: bigint | number): Address {
  return '0x' + BigInt(value).toString(16);
}
