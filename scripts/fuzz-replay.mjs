#!/usr/bin/env node
// Replays the fuzz seed corpus under plain g++ (part of `npm test`): writes
// the corpus (scripts/fuzz-corpus.mjs, heap seeds cut from a core of this
// node), compiles each native/fuzz/*_fuzz.cc with native/fuzz/replay_main.cc
// and links it with the library, and runs each over its corpus folder. Any
// crash, abort, sanitizer report or timeout fails.
//
// By default the library objects are those node-gyp (npm run build:native)
// or scripts/native-test.mjs compiled already, so `npm test` compiles only
// the fuzz targets.
// --sanitize compiles everything with AddressSanitizer + UBSan instead
// (scripts/asan-test.sh does); objects are cached in build/fuzz-replay/
// (rebuilt when a source or a header it includes changes).
//
//   node scripts/fuzz-replay.mjs [--sanitize] [--no-heap] [-j N]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { generate } from './fuzz-corpus.mjs';
import { nativeSources } from './native-sources.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const jobs = Number(args.includes('-j') ? args[args.indexOf('-j') + 1] : 2);
const wantSanitize = args.includes('--sanitize');
const wantHeap = !args.includes('--no-heap');
const cxx = process.env.CXX || 'g++';
const outDir = join(root, 'build', 'fuzz-replay');
const corpus = join(root, 'build', 'fuzz-corpus');
const kRunTimeoutMs = 180_000;

// sanitizerWorks reports whether this compiler links a trivial program with
// ASan+UBSan (Debian's g++ does; a minimal image may lack libasan).
function sanitizerWorks() {
  const r = spawnSync(cxx, ['-x', 'c++', '-fsanitize=address,undefined', '-o', '/dev/null', '-'],
    { input: 'int main(){return 0;}', encoding: 'utf8' });
  return r.status === 0;
}

const sanitize = wantSanitize && sanitizerWorks();
if (wantSanitize && !sanitize) console.log(`fuzz-replay: ${cxx} cannot link -fsanitize=address,undefined; replaying without`);
const flavour = sanitize ? 'asan' : 'plain';
const flags = ['-std=c++17', '-g', '-O1', '-Wall', '-Wno-unused-parameter', `-I${join(root, 'native')}`,
  ...(sanitize ? ['-fsanitize=address,undefined', '-fno-sanitize-recover=undefined', '-fno-omit-frame-pointer'] : [])];

// stale reports whether obj must be rebuilt: missing, or older than any
// dependency listed in its .d file (written by -MMD).
function stale(obj) {
  if (!existsSync(obj)) return true;
  const dep = obj.replace(/\.o$/, '.d');
  if (!existsSync(dep)) return true;
  const t = statSync(obj).mtimeMs;
  const files = readFileSync(dep, 'utf8').replace(/\\\n/g, ' ').split(':').slice(1).join(':').split(/\s+/).filter(Boolean);
  return files.some((f) => !existsSync(f) || statSync(f).mtimeMs > t);
}

function run(cmd, argv) {
  return new Promise((res) => {
    const p = spawn(cmd, argv, { cwd: root });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('close', (code, signal) => res({ code, signal, out }));
  });
}

// newestHeader returns the newest mtime of native/**/*.h.
function newestHeader(dir = join(root, 'native')) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestHeader(p) : name.endsWith('.h') ? st.mtimeMs : 0);
  }
  return newest;
}

// sharedObject returns an object already compiled for src, when it is newer
// than src and every header (native-test.mjs's staleness rule): node-gyp's
// object for the addon (-O2 -fPIC, no N-API in library sources), else
// native-test.mjs's; undefined when neither is fresh. Only without sanitizers.
const sharedDirs = [
  (src) => join(root, 'build', 'Release', 'obj.target', 'corescope', src.replace(/\.cc$/, '.o')),
  (src) => join(root, 'build', 'native-test-obj', src.replace(/[/\\]/g, '_').replace(/\.cc$/, '.o')),
];
let headersMtime;
function sharedObject(src) {
  if (sanitize || src.startsWith('native/fuzz/')) return undefined;
  headersMtime ??= newestHeader();
  const srcMtime = statSync(join(root, src)).mtimeMs;
  for (const objOf of sharedDirs) {
    const obj = objOf(src);
    if (!existsSync(obj)) continue;
    const t = statSync(obj).mtimeMs;
    if (t >= srcMtime && t >= headersMtime) return obj;
  }
  return undefined;
}

// compileAll compiles sources to objects, `jobs` at a time; returns object paths.
async function compileAll(sources) {
  const objDir = join(outDir, flavour, 'obj');
  const todo = [];
  const objs = sources.map((src) => {
    const shared = sharedObject(src);
    if (shared) return shared;
    const obj = join(objDir, src.replace(/\//g, '_').replace(/\.cc$/, '.o'));
    if (stale(obj)) todo.push([src, obj]);
    return obj;
  });
  mkdirSync(objDir, { recursive: true });
  const failures = [];
  const worker = async () => {
    while (todo.length) {
      const [src, obj] = todo.shift();
      const r = await run(cxx, [...flags, '-MMD', '-c', join(root, src), '-o', obj]);
      if (r.code !== 0) failures.push(`${src}:\n${r.out}`);
    }
  };
  const n = todo.length;
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  if (failures.length) throw new Error(`compile failed:\n${failures.join('\n')}`);
  return { objs, compiled: n };
}

async function main() {
  const t0 = Date.now();
  const gen = generate({ out: corpus, heap: wantHeap });
  for (const h of gen.heap) if (h.skipped) console.log(`fuzz-replay: heap seeds skipped: ${h.skipped}`);

  const fuzzDir = join(root, 'native', 'fuzz');
  const targets = readdirSync(fuzzDir).filter((f) => f.endsWith('_fuzz.cc')).sort();
  const lib = nativeSources('lib');
  const { objs, compiled } = await compileAll([...lib, 'native/fuzz/replay_main.cc',
    ...targets.map((t) => `native/fuzz/${t}`)]);
  const libObjs = objs.slice(0, lib.length);
  const replayObj = objs[lib.length];
  const binDir = join(outDir, flavour, 'bin');
  mkdirSync(binDir, { recursive: true });

  const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1:allocator_may_return_null=1',
    UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' };
  let failed = 0;
  for (const [i, t] of targets.entries()) {
    const name = basename(t, '_fuzz.cc');
    const bin = join(binDir, `${name}_replay`);
    const link = await run(cxx, [...flags, objs[lib.length + 1 + i], replayObj, ...libObjs, '-pthread', '-o', bin]);
    if (link.code !== 0) throw new Error(`link of ${name} failed:\n${link.out}`);
    const dir = join(corpus, name);
    if (!existsSync(dir) || readdirSync(dir).length === 0) {
      console.log(`fuzz-replay: ${name}: no seeds (skipped)`);
      continue;
    }
    const r = spawnSync(bin, [dir], { cwd: root, env, encoding: 'utf8', timeout: kRunTimeoutMs, maxBuffer: 64 << 20 });
    const summary = (r.stdout || '').trim().split('\n').pop();
    if (r.status === 0) {
      console.log(`fuzz-replay: ${name}: ${summary}`);
    } else {
      failed++;
      const why = r.error?.code === 'ETIMEDOUT' ? `timed out after ${kRunTimeoutMs / 1000} s`
        : r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
      console.error(`fuzz-replay: ${name}: FAILED (${why}); last output:\n` +
        (r.stderr || '').split('\n').slice(-40).join('\n'));
    }
  }
  console.log(`fuzz-replay: ${targets.length} targets, ${sanitize ? 'ASan+UBSan' : 'no sanitizers'}, ` +
    `${compiled} objects compiled, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (failed) process.exit(1);
}

main().catch((e) => {
  console.error(`fuzz-replay: ${e.message}`);
  process.exit(1);
});
