// The CLI's contract without the addon: usage errors exit 2 with one line,
// TS-side input checks exit with the documented codes, --json errors go to
// stdout, stacks only with --debug, --help lists the exit codes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { ERRORS } from '../../src/api/errors.js';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { REPO } from '../support/repo.js';

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err(), errLines: io.err().split('\n').filter(Boolean) };
}

const tmp = mkdtempSync(join(tmpdir(), 'corescope-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('corescope --help / --version', () => {
  it('prints every error code with its exit code, and exits 0', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    for (const [code, e] of Object.entries(ERRORS)) expect(r.out).toMatch(new RegExp(`\\b${e.exitCode}\\s+${code}\\b`));
    expect(r.out).toContain('--executable');
    expect(r.err).toBe('');
  });

  it('prints the package version', async () => {
    const { version } = (await import(join(REPO, 'package.json'), { with: { type: 'json' } })).default as { version: string };
    const r = await run('--version');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(version);
  });
});

describe('usage errors exit 2 with one line and a hint', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown option', ['info', 'x', '--tpo'], /unknown option '--tpo'/],
    ['an unknown command, with a suggestion', ['inof', 'x'], /unknown command 'inof' \(did you mean info\?\)/],
    ['a missing argument', ['info'], /missing required argument 'core'/],
    ['an option without its value', ['info', 'x', '-e'], /option '-e, --executable <path>' argument missing/],
    ['too many arguments', ['info', 'a', 'b'], /too many arguments/],
  ];
  for (const [what, argv, message] of cases) {
    it(`for ${what}`, async () => {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.errLines[0]).toMatch(/^corescope: /);
      expect(r.errLines[0]).toMatch(message);
      expect(r.errLines[1]).toMatch(/^hint: /);
      expect(r.errLines).toHaveLength(2);
      expect(r.out).toBe('');
    });
  }

  it('prints help on stderr and exits 2 when no command is given', async () => {
    const r = await run();
    expect(r.code).toBe(2);
    expect(r.err).toContain('Usage: corescope');
    expect(r.out).toBe('');
  });
});

describe('input checks done before the addon', () => {
  const empty = join(tmp, 'empty');
  writeFileSync(empty, '');
  const notEmpty = join(tmp, 'text');
  writeFileSync(notEmpty, 'hello\n');

  const cases: Array<[string, string[], keyof typeof ERRORS, RegExp]> = [
    ['a missing core file', ['info', join(tmp, 'nope')], 'FILE_NOT_FOUND', /no such file/],
    ['a directory', ['info', tmp], 'NOT_A_CORE', /is a directory/],
    ['an empty file', ['info', empty], 'NOT_A_CORE', /is empty \(0 bytes\)/],
    ['a missing executable', ['info', notEmpty, '-e', join(tmp, 'no-node')], 'EXE_NOT_FOUND', /no such file/],
    ['the --exe alias', ['info', notEmpty, '--exe', join(tmp, 'no-node')], 'EXE_NOT_FOUND', /no such file/],
    ['a directory as executable', ['info', notEmpty, '-e', tmp], 'EXE_NOT_FOUND', /not a regular file/],
  ];
  for (const [what, argv, code, message] of cases) {
    it(`reports ${code} and exits ${ERRORS[code].exitCode} for ${what}`, async () => {
      const r = await run(...argv);
      expect(r.code).toBe(ERRORS[code].exitCode);
      expect(r.errLines[0]).toMatch(message);
      expect(r.errLines[0]).toMatch(/^corescope: /);
      expect(r.errLines[1]).toMatch(/^hint: /);
      expect(r.errLines).toHaveLength(2);
      expect(r.err).not.toMatch(/\n\s+at /);
    });
  }

  it('writes {"error":{code,message,hint}} to stdout with --json', async () => {
    const r = await run('info', join(tmp, 'nope'), '--json');
    expect(r.code).toBe(3);
    const parsed = JSON.parse(r.out) as { error: { code: string; message: string; hint: string } };
    expect(parsed.error.code).toBe('FILE_NOT_FOUND');
    expect(parsed.error.message).toMatch(/no such file/);
    expect(parsed.error.hint).toBeTruthy();
  });

  it('accepts global options before the command too', async () => {
    const r = await run('--json', 'info', join(tmp, 'nope'));
    expect(JSON.parse(r.out).error.code).toBe('FILE_NOT_FOUND');
  });

  it('prints a stack only with --debug', async () => {
    const r = await run('info', join(tmp, 'nope'), '--debug');
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/\n\s+at /);
  });
});
