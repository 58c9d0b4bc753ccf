// The package as users get it. In the repository: `import { openCore } from
// 'corescope'` (self-reference through package.json exports) and the bin
// script. As a consumer: `npm pack`, installed into a temporary project, then
// the library, its type declarations, the README's script and the bin run
// from there against a real core.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ERRORS } from '../../src/api/errors.js';
import { REPO } from '../support/repo.js';
import { ADDON, hasAddon, NO_ADDON, spawnCli } from '../support/cli.js';
import { cacheDir, makeCore, type MadeCore } from '../support/make-core.js';
import { primaryVersion } from '../support/node-versions.js';

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
    expect(pkg.engines.node).toBe('>=18');
    const r = await spawnCli(['info']);
    expect(r.code).toBe(2);
    expect(r.signal).toBeNull();
  });
});

/** readmeLibraryScript returns the ```js block of README.md's "## Library" section. */
function readmeLibraryScript(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Library'));
  const m = /```js\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README.md: no ```js block under ## Library');
  return m[1]!;
}

describe.skipIf(!hasAddon)(`package consumer (npm pack, installed into a temporary project) ${hasAddon ? '' : NO_ADDON}`, () => {
  let dir: string;
  let made: MadeCore;
  let files: string[];
  const run = (args: string[], input?: string) =>
    spawnSync(args[0]!, args.slice(1), { cwd: dir, encoding: 'utf8', input, env: { ...process.env, NODE_OPTIONS: '' } });

  beforeAll(async () => {
    made = await makeCore('uncaught-error', primaryVersion());
    dir = mkdtempSync(join(cacheDir(), 'consumer-'));
    // dist/ is compiled by globalSetup; --ignore-scripts skips `prepare` (tsc again).
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8' });
    expect(pack.status, pack.stderr).toBe(0);
    const packed = JSON.parse(pack.stdout)[0] as { filename: string; files: Array<{ path: string }> };
    files = packed.files.map((f) => f.path);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // The install step (node-gyp, minutes) is left out: the addon this checkout
    // built stands in for it (test/e2e/fresh-clone.test.ts runs the real one).
    const install = run(['npm', 'install', `./${packed.filename}`, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund']);
    expect(install.status, install.stderr).toBe(0);
    const release = join(dir, 'node_modules', 'corescope', 'build', 'Release');
    mkdirSync(release, { recursive: true });
    copyFileSync(ADDON, join(release, 'corescope.node'));
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('packs the sources the install step builds from, the compiled library, its types and the demo; no build output', () => {
    for (const f of ['package.json', 'README.md', 'bin/corescope.js', 'binding.gyp', 'dist/index.js', 'dist/index.d.ts', 'dist/api/types.d.ts',
      'scripts/build-native.mjs', 'scripts/native-sources.mjs', 'demo/leaky-server.js', 'native/CMakeLists.txt']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => f.endsWith('.cc')).length).toBeGreaterThan(20);
    expect(files.filter((f) => /^(build|test|\.cache)\//.test(f) || /(^|\/)core(\.\d+)?$|\.node$|\.heapsnapshot$/.test(f))).toEqual([]);
  });

  it("imports { openCore } from 'corescope' and reads a real core with it", () => {
    const script = `
      import { openCore } from 'corescope';
      const core = await openCore(${JSON.stringify(made.corePath)}, { executable: ${JSON.stringify(made.exe)} });
      const info = await core.info();
      await core.close();
      console.log(JSON.stringify({ pid: info.pid, node: info.node.version, signal: info.signal.name }));`;
    writeFileSync(join(dir, 'use.mjs'), script);
    const r = run([process.execPath, 'use.mjs']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ pid: made.truth.pid, node: made.truth.version, signal: made.route === 'crash' ? 'SIGTRAP' : '' });
  });

  it("type-checks a TypeScript consumer against the shipped declarations, and they catch a wrong type", () => {
    const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    const flags = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(REPO, 'node_modules', '@types'), '--skipLibCheck'];
    writeFileSync(join(dir, 'good.ts'), `
      import { openCore, CorescopeError, type InfoResult, type HeapSpaceInfo, type ThreadInfo, type ErrorCode } from 'corescope';
      const core = await openCore('core', { onProgress: ({ phase, done, total }) => void [phase, done, total] });
      const info: InfoResult = await core.info();
      const spaces: HeapSpaceInfo[] = info.heap?.spaces ?? [];
      const threads: ThreadInfo[] = info.threads;
      const n: number = info.signal.number + info.pid + spaces.length + threads.length;
      const s: string = info.signal.name + info.node.version + info.v8.version + info.executable.path + info.executable.buildId;
      const code: ErrorCode = 'EXE_MISMATCH';
      console.log(n, s, code, new CorescopeError('NOT_A_CORE', 'x').exitCode);
      export {};
    `);
    writeFileSync(join(dir, 'bad.ts'), `
      import { openCore } from 'corescope';
      const info = await (await openCore('core')).info();
      const pid: string = info.pid;
      export { pid };
    `);
    // One compiler run over both: errors only in bad.ts, exactly the wrong assignment.
    const r = run([process.execPath, tsc, ...flags, 'good.ts', 'bad.ts']);
    expect(r.status).not.toBe(0);
    const errors = r.stdout.split('\n').filter((l) => /error TS/.test(l));
    expect(errors, r.stdout).toHaveLength(1);
    expect(errors[0]).toMatch(/^bad\.ts\(4,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/);
  });

  it("runs the README's library script against a core and prints what the core holds", () => {
    const script = readmeLibraryScript()
      .replace("'core.12345'", JSON.stringify(made.corePath))
      .replace("'/usr/local/bin/node'", JSON.stringify(made.exe));
    expect(script).toContain(made.corePath);
    expect(script).toContain(made.exe);
    writeFileSync(join(dir, 'readme.mjs'), script);
    const r = run([process.execPath, 'readme.mjs']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const heapBytes = JSON.parse(run([join(dir, 'node_modules', '.bin', 'corescope'), 'info', made.corePath, '-e', made.exe, '--json']).stdout).heap.bytes;
    expect(r.stdout.trim()).toBe(`${made.truth.version} died of ${made.route === 'crash' ? 'SIGTRAP' : ''}; heap ${heapBytes} bytes`);
  });

  it('runs `npx corescope` in this checkout (after npm install)', () => {
    const r = spawnSync('npx', ['--no-install', 'corescope', 'info', made.corePath, '-e', made.exe, '--json'], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).node.version).toBe(made.truth.version);
  });

  it('runs the corescope bin from node_modules/.bin with human and --json output', () => {
    const bin = join(dir, 'node_modules', '.bin', 'corescope');
    const json = run([bin, 'info', made.corePath, '-e', made.exe, '--json']);
    expect(json.status, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).pid).toBe(made.truth.pid);
    const human = run([bin, 'info', made.corePath, '-e', made.exe]);
    expect(human.status, human.stderr).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^  node\\s+${made.truth.version.replace(/\./g, '\\.')}$`, 'm'));
    const missing = run([bin, 'info', join(dir, 'no-such-core')]);
    expect(missing.status).toBe(ERRORS.FILE_NOT_FOUND.exitCode);
  });
});
