#!/usr/bin/env node
// Fetches official Node.js x64/arm64 binaries from the npm registry
// (node-linux-<arch>@<version>, whose tarball holds bin/node) into the
// git-ignored cache .cache/node/<arch>/<version>/node. Prints the paths.
// Usage: node scripts/fetch-node.mjs [--arch x64|arm64] 18 20 22.23.3 ...
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, readdirSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The exact versions the test matrix pins (majors map to these). */
export const PINNED = {
  18: '18.20.8',
  20: '20.20.2',
  22: '22.23.3',
  23: '23.11.1',
  24: '24.21.0',
  26: '26.12.1',
};

export function cacheDir() {
  return process.env.CORESCOPE_NODE_CACHE || join(root, '.cache', 'node');
}

export function resolveVersion(v) {
  const s = String(v).replace(/^v/, '');
  return /^\d+$/.test(s) ? (PINNED[s] ?? s) : s;
}

/** fetchNode returns the path of bin/node for a version, downloading it once. */
export function fetchNode(version, arch = 'x64') {
  const v = resolveVersion(version);
  const dir = join(cacheDir(), arch, v);
  const bin = join(dir, 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'corescope-node-'));
  try {
    execFileSync('npm', ['pack', `node-linux-${arch}@${v}`, '--silent'], { cwd: tmp, stdio: ['ignore', 'pipe', 'inherit'] });
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack node-linux-${arch}@${v} produced no tarball`);
    execFileSync('tar', ['-xzf', tgz, 'package/bin/node'], { cwd: tmp });
    renameSync(join(tmp, 'package', 'bin', 'node'), bin);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return bin;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let arch = 'x64';
  const i = args.indexOf('--arch');
  if (i >= 0) { arch = args[i + 1]; args.splice(i, 2); }
  const versions = args.length ? args : ['18', '20', '22', '24', '26'];
  for (const v of versions) console.log(fetchNode(v, arch));
}
