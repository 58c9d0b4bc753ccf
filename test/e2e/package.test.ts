// The package as users get it: `import { openCore } from 'corescope'` (package
// exports → dist/index.js) and the bin script.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { ERRORS } from '../../src/api/errors.js';
import { REPO } from '../support/repo.js';
import { spawnCli } from '../support/cli.js';

describe('package', () => {
  it("exports the library API from 'corescope' (self-reference through package.json exports)", () => {
    const script = `
      import { openCore, Core, CorescopeError, ERRORS, SCHEMA_VERSION, parseAddress } from 'corescope';
      console.log(JSON.stringify({ openCore: typeof openCore, Core: typeof Core, CorescopeError: typeof CorescopeError,
        usage: ERRORS.USAGE.exitCode, schema: SCHEMA_VERSION, addr: parseAddress('0x0010') }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      openCore: 'function',
      Core: 'function',
      CorescopeError: 'function',
      usage: ERRORS.USAGE.exitCode,
      schema: 1,
      addr: '0x10',
    });
  });

  it('ships type declarations for the library entry point', () => {
    const dts = readFileSync(join(REPO, 'dist', 'index.d.ts'), 'utf8');
    expect(dts).toMatch(/openCore/);
    expect(dts).toMatch(/types\.js/);
  });

  it('rejects a missing core with FILE_NOT_FOUND through openCore', () => {
    const script = `
      import { openCore } from 'corescope';
      try { await openCore('/nonexistent/core'); } catch (e) { console.log(JSON.stringify({ code: e.code, exit: e.exitCode, name: e.name })); }`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
    expect(JSON.parse(r.stdout)).toEqual({ code: 'FILE_NOT_FOUND', exit: 3, name: 'CorescopeError' });
  });

  it('runs bin/corescope.js with package.json bin and the right exit code', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    expect(pkg.bin.corescope).toBe('bin/corescope.js');
    const r = await spawnCli(['info']);
    expect(r.code).toBe(2);
    expect(r.signal).toBeNull();
  });
});
