// bin/corescope.js runs the CLI bundled into one file (scripts/build-ts.mjs:
// dist/cli/main.bundle.js) and must behave exactly as the modules it was
// made from: the same help, and the same one-line error and exit code, from
// the bundle (the --debug stack names the file that ran).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { ERRORS } from '../../src/api/errors.js';
import { spawnCli, runCli } from '../support/cli.js';
import { REPO } from '../support/repo.js';

const BUNDLE = join(REPO, 'dist', 'cli', 'main.bundle.js');

describe('the CLI bundle', () => {
  it('is built with dist/ (esbuild is a dev dependency) and not older than the modules', () => {
    expect(statSync(BUNDLE).mtimeMs).toBeGreaterThanOrEqual(statSync(join(REPO, 'dist', 'cli', 'main.js')).mtimeMs);
  });

  it('is what bin/corescope.js runs, with the same help as the modules', async () => {
    const spawned = await spawnCli(['--help']);
    const inProcess = await runCli(['--help']);
    expect(spawned.code).toBe(0);
    expect(spawned.stdout).toBe(inProcess.stdout);
  });

  it('gives the same one-line error and exit code, thrown from the bundle', async () => {
    const missing = join(REPO, 'no-such-core-file');
    const spawned = await spawnCli(['info', missing, '--debug']);
    const inProcess = await runCli(['info', missing]);
    expect(spawned.code).toBe(ERRORS.FILE_NOT_FOUND.exitCode);
    expect(spawned.code).toBe(inProcess.code);
    expect(spawned.errLines[0]).toBe(inProcess.errLines[0]);
    expect(spawned.stderr).toContain('main.bundle.js');
  });

  it('is not run when older than the modules (dist/ recompiled by a bare tsc): the modules run instead', () => {
    const copy = mkdtempSync(join(tmpdir(), 'corescope-bundle-'));
    try {
      for (const p of ['bin', 'dist', 'package.json']) cpSync(join(REPO, p), join(copy, p), { recursive: true });
      symlinkSync(join(REPO, 'node_modules'), join(copy, 'node_modules'));
      const old = new Date(Date.now() - 3_600_000);
      utimesSync(join(copy, 'dist', 'cli', 'main.bundle.js'), old, old);
      const r = spawnSync(process.execPath, [join(copy, 'bin', 'corescope.js'), 'info', join(copy, 'no-such-core'), '--debug'], {
        encoding: 'utf8',
      });
      expect(r.status).toBe(ERRORS.FILE_NOT_FOUND.exitCode);
      expect(r.stderr).toContain(join(copy, 'dist', 'api'));
      expect(r.stderr).not.toContain('main.bundle.js');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
