// Both native builds compile exactly the sources scripts/native-sources.mjs
// lists: binding.gyp (node-gyp) and native/CMakeLists.txt (cmake-js).
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { REPO } from '../support/repo.js';

// @ts-expect-error plain JavaScript module without types
import { nativeSources as nativeSourcesJs } from '../../scripts/native-sources.mjs';

const nativeSources = nativeSourcesJs as (kind?: 'all' | 'lib' | 'binding' | 'tests') => string[];

/** gypExpand evaluates one binding.gyp source entry the way gyp does ("<!@(cmd)" = run cmd, split on whitespace). */
function gypExpand(entry: string): string[] {
  const m = /^<!@\((.*)\)$/.exec(entry);
  if (!m) return [entry];
  return execSync(m[1]!, { cwd: REPO, encoding: 'utf8' }).split(/\s+/).filter(Boolean);
}

describe('native build lists', () => {
  it("binding.gyp's sources expand to exactly nativeSources('all')", () => {
    const gyp = JSON.parse(readFileSync(join(REPO, 'binding.gyp'), 'utf8')) as { targets: Array<{ sources: string[] }> };
    const sources = gyp.targets.flatMap((t) => t.sources.flatMap(gypExpand));
    expect([...sources].sort()).toEqual([...nativeSources('all')].sort());
  });

  it("native/CMakeLists.txt builds --lib plus --binding, which together are exactly 'all'", () => {
    const cmake = readFileSync(join(REPO, 'native', 'CMakeLists.txt'), 'utf8');
    const kinds = Object.fromEntries([...cmake.matchAll(/corescope_sources\((\w+)\s+--(\w+)\)/g)].map((m) => [m[2], m[1]]));
    expect(kinds.lib).toBeDefined();
    expect(kinds.binding).toBeDefined();
    expect(cmake).toMatch(new RegExp(`add_library\\(corescope_lib STATIC \\$\\{${kinds.lib}\\}`));
    expect(cmake).toMatch(new RegExp(`add_library\\(corescope SHARED \\$\\{${kinds.binding}\\}`));
    const lib = nativeSources('lib');
    const binding = nativeSources('binding');
    expect(lib.filter((f) => binding.includes(f))).toEqual([]);
    expect([...lib, ...binding].sort()).toEqual([...nativeSources('all')].sort());
  });

  it('compiles every native/**/*.cc except tests and fuzzers into the addon', () => {
    const all = nativeSources('all');
    const everything = execSync("find native -name '*.cc'", { cwd: REPO, encoding: 'utf8' }).split('\n').filter(Boolean);
    const expected = everything.filter((f) => !f.startsWith('native/test/') && !f.startsWith('native/fuzz/'));
    expect([...all].sort()).toEqual(expected.sort());
  });
});
