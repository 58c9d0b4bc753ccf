#!/usr/bin/env node
// Builds and runs the C++ unit tests (part of `npm test`): compiles the
// library sources (scripts/native-sources.mjs --lib) and the tests (--tests)
// with g++ into build/native-tests, then runs it; the exit code is the
// tests' result. Objects live in build/native-test-obj/ and are rebuilt only
// when their .cc, or any native/**/*.h, is newer than the object.
//
//   node scripts/native-test.mjs [filter] [-j N]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { nativeSources } from './native-sources.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const jIndex = args.indexOf('-j');
const jobs = jIndex >= 0 ? Number(args[jIndex + 1]) : 2;
const filter = args.filter((a, i) => !a.startsWith('-') && (jIndex < 0 || i !== jIndex + 1))[0];
const cxx = process.env.CXX || 'g++';
const objDir = join(root, 'build', 'native-test-obj');
const binary = join(root, 'build', 'native-tests');
const flags = ['-std=c++17', '-O1', '-g', '-Wall', '-Wno-unused-parameter', `-I${join(root, 'native')}`];

// newestHeader returns the newest mtime of native/**/*.h.
function newestHeader(dir = join(root, 'native')) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) newest = Math.max(newest, newestHeader(p));
    else if (name.endsWith('.h')) newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

function compile(src, obj) {
  return new Promise((resolveJob) => {
    const child = spawn(cxx, [...flags, '-c', join(root, src), '-o', obj], { stdio: 'inherit' });
    child.on('close', (code) => resolveJob(code === 0));
    child.on('error', (err) => {
      console.error(`native-test: cannot run ${cxx}: ${err.message}`);
      resolveJob(false);
    });
  });
}

async function main() {
  mkdirSync(objDir, { recursive: true });
  const sources = [...nativeSources('lib'), ...nativeSources('tests')];
  const headers = newestHeader();
  const fresh = (src, obj) => {
    if (!existsSync(obj)) return false;
    const o = statSync(obj).mtimeMs;
    return statSync(join(root, src)).mtimeMs <= o && headers <= o;
  };
  // Library objects that node-gyp already compiled for the addon (same
  // sources, -O2 -fPIC, no N-API) are linked as they are: `npm test` right
  // after `npm install` then compiles only the tests.
  const addonObj = (src) => join(root, 'build', 'Release', 'obj.target', 'corescope', src.replace(/\.cc$/, '.o'));
  const libSet = new Set(nativeSources('lib'));
  const objects = sources.map((src) =>
    libSet.has(src) && fresh(src, addonObj(src))
      ? addonObj(src)
      : join(objDir, src.replace(/[/\\]/g, '_').replace(/\.cc$/, '.o')),
  );
  const stale = sources.map((src, i) => ({ src, obj: objects[i] })).filter(({ src, obj }) => !fresh(src, obj));
  if (stale.length) console.log(`native-test: compiling ${stale.length} of ${sources.length} sources`);
  let ok = true;
  for (let i = 0; i < stale.length; i += jobs) {
    const batch = stale.slice(i, i + jobs);
    const results = await Promise.all(batch.map(({ src, obj }) => compile(src, obj)));
    ok &&= results.every(Boolean);
  }
  if (!ok) {
    console.error('native-test: compilation failed');
    return 1;
  }
  const link = spawnSync(cxx, ['-o', binary, ...objects, '-pthread'], { stdio: 'inherit' });
  if (link.status !== 0) {
    console.error('native-test: link failed');
    return 1;
  }
  const run = spawnSync(binary, filter ? [filter] : [], { stdio: 'inherit' });
  if (run.signal) console.error(`native-test: tests died with ${run.signal}`);
  return run.status ?? 1;
}

process.exitCode = await main();
