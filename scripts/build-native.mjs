#!/usr/bin/env node
// The package's `install` step: builds the addon with node-gyp (all cores),
// unless build/Release/corescope.node is newer than every native source,
// binding.gyp and this script — npm 11 re-runs a package's own install
// script on `npx corescope` in a checkout, which must not rebuild for minutes.
//   node scripts/build-native.mjs [--force]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism, cpus } from 'node:os';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const addon = join(root, 'build', 'Release', 'corescope.node');

function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) t = Math.max(t, newest(p));
    else if (/\.(cc|h)$/.test(name)) t = Math.max(t, st.mtimeMs);
  }
  return t;
}

function upToDate() {
  if (!existsSync(addon)) return false;
  const built = statSync(addon).mtimeMs;
  const inputs = Math.max(
    newest(join(root, 'native')),
    statSync(join(root, 'binding.gyp')).mtimeMs,
    statSync(join(root, 'scripts', 'native-sources.mjs')).mtimeMs,
  );
  return built > inputs;
}

if (!process.argv.includes('--force') && upToDate()) {
  console.error('corescope: native addon is up to date (build/Release/corescope.node)');
} else {
  const jobs = String(typeof availableParallelism === 'function' ? availableParallelism() : cpus().length);
  // Inside npm scripts, npm's bundled node-gyp is on PATH.
  const r = spawnSync('node-gyp', ['rebuild', '-j', jobs], { cwd: root, stdio: 'inherit', shell: false });
  if (r.error) {
    console.error(`corescope: cannot run node-gyp (${r.error.message}); run this through npm (npm install / npm run build:native)`);
    process.exit(1);
  }
  process.exit(r.status ?? 1);
}
