// Running the CLI in e2e tests: spawned as a real process (exit code,
// signal, streams, time) through bin/corescope.js, or in-process via main().
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { REPO } from './repo.js';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** errLines are stderr's non-empty lines. */
  errLines: string[];
  ms: number;
}

/** ADDON is the addon src/native.ts will load (CORESCOPE_ADDON overrides); e2e suites skip, saying why, without it. */
export const ADDON = [process.env.CORESCOPE_ADDON, join(REPO, 'build', 'Release', 'corescope.node')].find(
  (p): p is string => !!p && existsSync(p),
) ?? join(REPO, 'build', 'Release', 'corescope.node');
export const hasAddon = existsSync(ADDON);
export const NO_ADDON = 'SKIPPED: the native addon is not built (run `npm run build:native`)';

/** spawnCli runs `node bin/corescope.js ...argv` (the compiled dist/, built by globalSetup). */
export function spawnCli(argv: string[], options: { timeoutMs?: number } = {}): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'corescope.js'), ...argv], {
      cwd: REPO,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, errLines: stderr.split('\n').filter(Boolean), ms: Date.now() - started });
    });
  });
}

/** runCli runs main(argv) in this process with captured streams. */
export async function runCli(argv: string[]): Promise<CliRun> {
  const started = Date.now();
  const io = captureIo();
  const code = await main(argv, io);
  const stderr = io.err();
  return { code, signal: null, stdout: io.out(), stderr, errLines: stderr.split('\n').filter(Boolean), ms: Date.now() - started };
}
