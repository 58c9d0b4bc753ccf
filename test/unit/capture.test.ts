// Finding the core a crash wrote, from core_pattern (core(5)).
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { locateCore, patternRegExp } from '../../src/capture/capture-core.js';

const dir = mkdtempSync(join(tmpdir(), 'corescope-capture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('patternRegExp', () => {
  it('matches %p to the pid and other specifiers to their shapes', () => {
    const re = patternRegExp('core.%e.%p.%t', 1234);
    expect(re.test('core.node.1234.1700000000')).toBe(true);
    expect(re.test('core.node.1235.1700000000')).toBe(false);
    expect(patternRegExp('core', 1).test('core')).toBe(true);
    expect(patternRegExp('core', 1).test('core.1')).toBe(false);
    expect(patternRegExp('100%%-%p', 7).test('100%-7')).toBe(true);
  });
});

describe('locateCore', () => {
  it('finds a relative pattern in the crashed process cwd, with core_uses_pid', () => {
    const since = Date.now();
    writeFileSync(join(dir, 'core.4321'), 'x');
    expect(locateCore({ pattern: 'core', piped: false, usesPid: true }, { cwd: dir, pid: 4321, since })).toBe(join(dir, 'core.4321'));
    expect(locateCore({ pattern: 'core', piped: false, usesPid: true }, { cwd: dir, pid: 9999, since })).toBeUndefined();
  });

  it('finds an absolute pattern in its own directory', () => {
    const since = Date.now();
    writeFileSync(join(dir, 'node.77.core'), 'x');
    expect(locateCore({ pattern: join(dir, '%e.%p.core'), piped: false, usesPid: false }, { cwd: '/', pid: 77, since })).toBe(
      join(dir, 'node.77.core'),
    );
  });

  it('ignores cores older than the crash and piped patterns', () => {
    const old = join(dir, 'core');
    writeFileSync(old, 'x');
    utimesSync(old, new Date(0), new Date(0));
    expect(locateCore({ pattern: 'core', piped: false, usesPid: false }, { cwd: dir, pid: 1, since: Date.now() })).toBeUndefined();
    expect(locateCore({ pattern: '|/lib/systemd/systemd-coredump %P', piped: true, usesPid: false }, { cwd: dir, pid: 1, since: 0 })).toBeUndefined();
  });
});
