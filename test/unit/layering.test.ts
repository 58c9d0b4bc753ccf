// Dependencies point down the layers (style.md). TypeScript: src/cli may
// import src/api; src/api never imports src/cli; only src/native.ts loads the
// addon. C++: each native/<dir> includes only the directories below it, and
// only native/binding includes napi.h.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

import { REPO } from '../support/repo.js';

function files(dir: string, exts: string[]): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p, exts));
    else if (exts.some((e) => name.endsWith(e))) out.push(relative(REPO, p));
  }
  return out;
}

// ---- TypeScript --------------------------------------------------------

/** TS_LAYERS: what each top-level src/ area may import (besides itself and node:/npm modules). */
const TS_LAYERS: Record<string, string[]> = {
  'native.ts': [],
  api: ['native.ts', 'input'],
  input: [],
  analyses: ['api'],
  capture: ['api'],
  backends: ['api', 'native.ts', 'input'],
  cli: ['api', 'capture', 'analyses', 'backends'],
  'index.ts': ['api'],
};

function area(file: string): string {
  return file.replace(/^src\//, '').split('/')[0]!;
}

function tsImports(file: string): string[] {
  const text = readFileSync(join(REPO, file), 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => (m[1] ?? m[2])!,
  );
}

describe('TypeScript layering', () => {
  const sources = files(join(REPO, 'src'), ['.ts']);

  it('finds the TypeScript sources', () => {
    expect(sources).toContain('src/native.ts');
    expect(sources).toContain('src/cli/main.ts');
  });

  for (const file of sources) {
    it(`${file} imports only from layers below it`, () => {
      const from = area(file);
      expect(TS_LAYERS[from], `unknown src area ${from}: add it to TS_LAYERS`).toBeDefined();
      for (const spec of tsImports(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(REPO, join(REPO, file, '..', spec)).replace(/\.js$/, '.ts');
        const to = area(target);
        if (to === from) continue;
        expect(TS_LAYERS[from], `${file} imports ${spec} (${to})`).toContain(to);
      }
    });
  }

  it('loads the addon only in src/native.ts', () => {
    for (const file of sources) {
      if (file === 'src/native.ts') continue;
      const text = readFileSync(join(REPO, file), 'utf8');
      expect(text, file).not.toMatch(/\.node['"]|createRequire|process\.dlopen|bindings\(/);
    }
  });
});

// ---- C++ ----------------------------------------------------------------

/** NATIVE_LAYERS lists, bottom-up, what each native/<dir> may include (besides itself). */
const ORDER = ['util', 'elf', 'memory', 'v8', 'target', 'heap', 'graph', 'stack', 'export', 'api'];
const NATIVE_LAYERS: Record<string, string[]> = Object.fromEntries(ORDER.map((d, i) => [d, ORDER.slice(0, i)]));
NATIVE_LAYERS.binding = [...ORDER];
NATIVE_LAYERS.test = [...ORDER];
NATIVE_LAYERS.fuzz = [...ORDER];

describe('C++ layering', () => {
  const sources = files(join(REPO, 'native'), ['.h', '.cc']).filter((f) => !f.startsWith('native/build/'));

  it('matches the documented chain util → elf → memory → v8 → target → heap → graph → stack → export → api → binding', () => {
    expect(NATIVE_LAYERS.util).toEqual([]);
    expect(NATIVE_LAYERS.elf).toEqual(['util']);
    expect(NATIVE_LAYERS.memory).toEqual(['util', 'elf']);
    expect(NATIVE_LAYERS.stack).toContain('heap');
  });

  for (const file of sources) {
    it(`${file} includes only layers below it`, () => {
      const dir = file.split('/')[1]!;
      expect(NATIVE_LAYERS[dir], `unknown native dir ${dir}: add it to NATIVE_LAYERS`).toBeDefined();
      const text = readFileSync(join(REPO, file), 'utf8');
      for (const m of text.matchAll(/^\s*#\s*include\s+([<"])([^>"]+)[>"]/gm)) {
        const [, kind, path] = m;
        if (/(^|\/)(napi|node_api|js_native_api)\.h$/.test(path!)) {
          expect(dir, `${file} includes ${path}: only native/binding may`).toBe('binding');
          continue;
        }
        if (kind !== '"') continue;
        const to = path!.split('/')[0]!;
        if (to === dir || !path!.includes('/')) continue;
        expect(NATIVE_LAYERS[dir], `${file} includes ${path}`).toContain(to);
      }
    });
  }
});
