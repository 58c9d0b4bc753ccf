#!/usr/bin/env node
// The one list of the addon's C++ sources, used by both builds:
// binding.gyp (node-gyp, `npm install`) runs it with `<!@(...)`, and
// native/CMakeLists.txt (cmake-js: sanitizer, fuzz, IDE builds) runs it with
// execute_process. Prints paths relative to the repo root, one per line.
//   --lib      library sources only (no N-API binding): for C++ tests and fuzzers
//   --binding  N-API binding sources only
//   --tests    C++ unit test sources (native/test/*_test.cc + harness)
import { readdirSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const native = join(root, 'native');

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.cc')) out.push(relative(root, p).split('\\').join('/'));
  }
  return out;
}

export function nativeSources(kind = 'all') {
  const all = walk(native);
  const isTest = (f) => f.startsWith('native/test/');
  const isFuzz = (f) => f.startsWith('native/fuzz/');
  const isBinding = (f) => f.startsWith('native/binding/');
  const lib = all.filter((f) => !isTest(f) && !isFuzz(f) && !isBinding(f));
  if (kind === 'lib') return lib;
  if (kind === 'binding') return all.filter(isBinding);
  if (kind === 'tests') return all.filter(isTest);
  return [...lib, ...all.filter(isBinding)];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flag = process.argv[2];
  const kind = flag === '--lib' ? 'lib' : flag === '--binding' ? 'binding' : flag === '--tests' ? 'tests' : 'all';
  process.stdout.write(nativeSources(kind).join('\n') + '\n');
}
