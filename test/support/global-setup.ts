// vitest globalSetup: one temporary cache directory per test run, shared by
// every test file (provide/inject) so that each core is made once. It lives
// under os.tmpdir(), never in the repository, and is removed at the end —
// unless CORESCOPE_TEST_CACHE names a directory to keep between runs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

import { REPO } from './repo.js';

declare module 'vitest' {
  export interface ProvidedContext {
    coreCacheDir: string;
  }
}

/** newestMtime returns the newest modification time under dir (0 if absent). */
function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

export default function setup(project: TestProject): () => void {
  // Spawned CLI runs use dist/ (and its CLI bundle); build it when src/ is newer (npm test already did).
  const dist = join(REPO, 'dist', 'cli', 'main.js');
  if (!existsSync(dist) || newestMtime(join(REPO, 'src')) > statSync(dist).mtimeMs) {
    execFileSync(process.execPath, [join(REPO, 'scripts', 'build-ts.mjs')], {
      cwd: REPO,
      stdio: 'inherit',
    });
  }
  const keep = process.env.CORESCOPE_TEST_CACHE;
  const dir = keep ? keep : mkdtempSync(join(tmpdir(), 'corescope-test-'));
  mkdirSync(dir, { recursive: true });
  project.provide('coreCacheDir', dir);
  return () => {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
}
