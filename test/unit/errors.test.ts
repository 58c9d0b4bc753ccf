// The error table: codes, exit codes, conversion of native rejections.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { CorescopeError, ERRORS, exitCodeFor, fromNative, isErrorCode } from '../../src/api/errors.js';
import { REPO } from '../support/repo.js';

describe('error table', () => {
  it('gives every code a distinct exit code between 2 and 127', () => {
    const codes = Object.values(ERRORS).map((e) => e.exitCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) {
      expect(c).toBeGreaterThanOrEqual(2);
      expect(c).toBeLessThan(128);
    }
  });

  it('keeps the documented exit codes', () => {
    expect(exitCodeFor('USAGE')).toBe(2);
    expect(exitCodeFor('FILE_NOT_FOUND')).toBe(3);
    expect(exitCodeFor('NOT_A_CORE')).toBe(4);
    expect(exitCodeFor('NOT_A_NODE_CORE')).toBe(5);
    expect(exitCodeFor('EXE_MISMATCH')).toBe(6);
    expect(exitCodeFor('NO_V8_METADATA')).toBe(7);
    expect(exitCodeFor('CORE_CORRUPT')).toBe(8);
    expect(exitCodeFor('UNSUPPORTED_NODE')).toBe(9);
    expect(exitCodeFor('BAD_ADDRESS')).toBe(10);
    expect(exitCodeFor('BACKEND_UNAVAILABLE')).toBe(11);
    expect(exitCodeFor('EXE_NOT_FOUND')).toBe(12);
    expect(exitCodeFor('NOT_FOUND')).toBe(13);
    expect(exitCodeFor('CANCELLED')).toBe(14);
    expect(exitCodeFor('INTERNAL')).toBe(70);
  });

  it('maps unknown codes to INTERNAL (70)', () => {
    expect(exitCodeFor('NO_SUCH_CODE')).toBe(70);
    expect(isErrorCode('toString')).toBe(false);
  });

  it('has an exit code for every code the addon can report (native/util/result.cc)', () => {
    const src = readFileSync(join(REPO, 'native', 'util', 'result.cc'), 'utf8');
    const nativeCodes = [...src.matchAll(/return "([A-Z_0-9]+)";/g)].map((m) => m[1]!);
    expect(nativeCodes.length).toBeGreaterThanOrEqual(10);
    for (const code of nativeCodes) expect(isErrorCode(code), code).toBe(true);
  });

  it('matches the exit-code table in README.md row for row', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\|\s*(\d+)\s*\|\s*`([A-Z_0-9]+)`\s*\|/gm)].map((m) => [m[2], Number(m[1])]);
    const table = Object.entries(ERRORS).map(([code, e]) => [code, e.exitCode]);
    expect(rows).toEqual(table);
  });
});

describe('fromNative', () => {
  it('keeps code, message and hint of a native rejection', () => {
    const native = Object.assign(new Error('core.1 is not a core'), { code: 'NOT_A_CORE', hint: 'pass a core' });
    const e = fromNative(native);
    expect(e).toBeInstanceOf(CorescopeError);
    expect(e.code).toBe('NOT_A_CORE');
    expect(e.exitCode).toBe(4);
    expect(e.message).toBe('core.1 is not a core');
    expect(e.hint).toBe('pass a core');
    expect(e.cause).toBe(native);
  });

  it('turns an unknown code into INTERNAL that names the code', () => {
    const e = fromNative(Object.assign(new Error('boom'), { code: 'WEIRD' }));
    expect(e.code).toBe('INTERNAL');
    expect(e.exitCode).toBe(70);
    expect(e.message).toContain('WEIRD');
  });

  it('uses the captured call site as the stack', () => {
    function userCallSite() {
      const holder: { stack?: string } = {};
      Error.captureStackTrace(holder);
      return holder;
    }
    const e = fromNative(Object.assign(new Error('x'), { code: 'NOT_FOUND' }), userCallSite());
    expect(e.stack).toMatch(/^CorescopeError \[NOT_FOUND\]: x\n/);
    expect(e.stack).toContain('userCallSite');
  });

  it('passes a CorescopeError through unchanged', () => {
    const e = new CorescopeError('BAD_ADDRESS', '0x1 is not a heap object');
    expect(fromNative(e)).toBe(e);
    expect(e.toJSON()).toEqual({ code: 'BAD_ADDRESS', message: '0x1 is not a heap object' });
  });
});
