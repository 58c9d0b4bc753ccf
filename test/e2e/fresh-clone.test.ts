// The README's quick start on a fresh clone: the first command of its
// "Quick start" block (`npm install && npm run demo`) run verbatim in a
// `git clone` of this checkout's HEAD — installing builds the addon with
// node-gyp and compiles the TypeScript — must print the info of a real
// crash core. Minutes of compiling, so opt-in: CORESCOPE_FRESH_CLONE=1.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { REPO } from '../support/repo.js';

/** run runs a command without blocking the worker (vitest's RPC times out on a long spawnSync). */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** quickStart returns the commands of README.md's "## Quick start" ```sh block, comments stripped. */
function quickStart(): string[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Quick start'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

describe('README quick start', () => {
  it('gives two commands: install + demo, then the tests', () => {
    expect(quickStart()).toEqual(['npm install && npm run demo', 'npm test']);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    expect(pkg.scripts.demo).toBe('node bin/corescope.js demo');
    expect(pkg.scripts.install).toMatch(/build-native/);
    const ci = readFileSync(join(REPO, '.ci', 'run'), 'utf8');
    expect(ci.trim().split('\n').at(-1)).toBe('npm test');
  });

  const enabled = process.env.CORESCOPE_FRESH_CLONE === '1';
  it.skipIf(!enabled)(
    `${enabled ? '' : 'SKIPPED (set CORESCOPE_FRESH_CLONE=1): '}on a fresh clone, the first command prints the info of a real crash core`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'corescope-clone-'));
      try {
        const clone = await run('git', ['clone', '--quiet', REPO, join(dir, 'corescope')], dir);
        expect(clone.status, clone.stderr).toBe(0);
        const [first] = quickStart();
        const r = await run('sh', ['-c', first!], join(dir, 'corescope'), {
          ...process.env,
          NODE_OPTIONS: '',
          npm_config_audit: 'false',
          npm_config_fund: 'false',
        });
        expect(r.status, r.stderr.slice(-3000)).toBe(0);
        expect(r.stdout).toMatch(/^\$ corescope info \S+/m);
        expect(r.stdout).toMatch(new RegExp(`^  node\\s+${process.version.replace(/\./g, '\\.')}$`, 'm'));
        expect(r.stdout).toMatch(/^  signal\s+(SIGTRAP \(5\)|none)/m);
        expect(r.stdout).toMatch(/^\s*12,000\s+\S+ \S+\s+RequestLog$/m); // the histogram
        expect(r.stdout).toMatch(/The core is kept at \S+/);
        const core = /The core is kept at (\S+);/.exec(r.stdout)?.[1];
        if (core) rmSync(join(core, '..'), { recursive: true, force: true });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    1_200_000,
  );
});
