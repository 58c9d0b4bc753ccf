// `inspect` on real cores of every tested Node version, against what the
// scenario (test/scenarios/inspect-values.js) created and recorded in
// inspect-truth.json: property values and storage, elements of each kind,
// strings of each representation, Map/Set entries, Date, Error, Promise,
// closures (definition line:column found in the scenario's own text, and
// context variables), typed arrays and buffers; bad addresses and interior
// pointers give BAD_ADDRESS (exit 10) with one clear stderr line.
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Core } from '../../src/api/core.js';
import { CorescopeError } from '../../src/api/errors.js';
import { openCore } from '../../src/api/open-core.js';
import type { InspectObject, InspectResult, InspectValue } from '../../src/api/types.js';
import { hasAddon, NO_ADDON, runCli, spawnCli } from '../support/cli.js';
import { makeCore, type MadeCore } from '../support/make-core.js';
import { primaryVersion, testedVersions } from '../support/node-versions.js';

/** InspectTruth is test/scenarios/inspect-values.js's inspect-truth.json. */
interface InspectTruth {
  target: Record<string, unknown>;
  many: Record<string, unknown>;
  dict: Record<string, unknown>;
  secretive: Record<string, unknown>;
  packedSmi: number[];
  holeySmi: { length: number; items: Record<string, unknown> };
  packedDouble: number[];
  holeyDouble: { length: number; items: Record<string, unknown> };
  dictElements: { length: number; items: Record<string, unknown> };
  map: Array<[unknown, unknown]>;
  set: unknown[];
  date: string;
  formattedError: { message: string; cause: string; stack: string };
  freshError: { message: string; name: string };
  resolved: number;
  rejectedMessage: string;
  counter: { name: string; line: number; column: number; context: Record<string, unknown> };
  lazy: { name: string; line: number; column: number };
  arrow: { name: string; line: number; column: number };
  gzipSource: string;
  consString: string;
  slicedString: string;
  twoByte: string;
  thinString: string;
  bigStringLength: number;
  u8: number[];
  f64: number[];
  buf: { length: number; hex: string };
  ab: { byteLength: number; hexPrefix: string };
  boxedString: string;
  bigint: string;
  heapNumber: number;
  weakValue: string;
  regexp: { source: string; flags: string };
  bound: { target: string; args: unknown[] };
}

/** plain turns a primitive InspectValue into the JS value it stands for (objects: undefined). */
function plain(v: InspectValue): unknown {
  switch (v.type) {
    case 'smi':
    case 'number':
    case 'string':
      return v.value;
    case 'bigint':
      return `${v.value}n`;
    case 'oddball':
      return v.name === 'undefined' ? undefined : v.value;
    default:
      return undefined;
  }
}

function prop(o: InspectObject, name: string) {
  const p = o.properties?.find((q) => q.name === name);
  if (!p) throw new Error(`${o.name} ${o.address} has no property ${name}: ${o.properties?.map((q) => q.name).join(', ')}`);
  return p;
}

function elementsOf(o: InspectObject): Record<string, unknown> {
  return Object.fromEntries((o.elements?.items ?? []).map((e) => [String(e.index), plain(e.value)]));
}

describe.skipIf(!hasAddon)(`inspect ${hasAddon ? '' : NO_ADDON}`, () => {
  describe.each(testedVersions())('Node %i, inspect-values scenario', (major) => {
    let made: MadeCore;
    let truth: InspectTruth;
    let core: Core;
    let root: InspectResult;
    const cache = new Map<string, InspectResult>();

    /** target inspects the root's property `name` (cached). */
    async function target(name: string, opts: { depth?: number; maxString?: number } = {}): Promise<InspectResult> {
      const key = `${name}/${opts.depth ?? 0}/${opts.maxString ?? ''}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const address = prop(root, name).value.address;
      expect(address, `root.${name} is a heap object`).toMatch(/^0x[0-9a-f]+$/);
      const r = await core.inspect(address!, opts);
      cache.set(key, r);
      return r;
    }

    beforeAll(async () => {
      made = await makeCore('inspect-values', major);
      truth = JSON.parse(readFileSync(join(made.dir, 'inspect-truth.json'), 'utf8')) as InspectTruth;
      core = await openCore(made.corePath, { executable: made.exe });
      root = await core.inspect('global:__inspectRoot');
    });
    afterAll(async () => {
      await core?.close();
    });

    it('finds the scenario root through global:__inspectRoot and names it by its class', () => {
      expect(root.schemaVersion).toBe(1);
      expect(root.name).toBe('InspectRoot');
      expect(root.type).toBe('JS_OBJECT_TYPE');
      expect(root.kind).toBe('object');
      expect(root.address).toMatch(/^0x[0-9a-f]*[13579bdf]$/); // tagged
      expect(root.map).toMatch(/^0x[0-9a-f]+$/);
      expect(root.size).toBeGreaterThanOrEqual(24);
      expect(root.propertyCount).toBe(root.properties!.length);
    });

    it('shows Smi, double, string, null, undefined, boolean, symbol-keyed and nested properties with their values', async () => {
      const o = await target('target', { depth: 2 });
      expect(o.name).toBe('InspectTarget');
      const t = truth.target;
      for (const k of ['smi', 'negative', 'dbl', 'oneByte', 'nothing', 'yes']) {
        expect(plain(prop(o, k).value), k).toEqual(t[k]);
      }
      expect(prop(o, 'smi').value.type).toBe('smi');
      expect(prop(o, 'dbl').value.type).toBe('number'); // a double field: HeapNumber box
      expect(prop(o, 'undef').value).toMatchObject({ type: 'oddball', name: 'undefined' });
      const sym = prop(o, t.symbolKey as string);
      expect(sym.symbol).toBe(true);
      expect(plain(sym.value)).toBe(t.symbolValue);
      const nested = prop(o, 'nested').value;
      expect(nested.type).toBe('object');
      const inner = nested.object?.properties?.find((p) => p.name === 'inner')?.value.object;
      expect(plain(inner!.properties!.find((p) => p.name === 'deep')!.value)).toBe(t.nestedDeep);
      expect(o.warnings).toEqual([]);
    });

    it('shows in-object and out-of-object (PropertyArray) fields in order', async () => {
      const o = await target('many');
      expect(o.properties!.map((p) => p.name)).toEqual(Object.keys(truth.many));
      for (const [k, v] of Object.entries(truth.many)) expect(plain(prop(o, k).value), k).toEqual(v);
      const storages = new Set(o.properties!.map((p) => p.storage));
      expect(storages).toEqual(new Set(['in-object', 'out-of-object']));
      expect(o.propertiesBacking).toMatch(/^0x/);
    });

    it('shows a dictionary-mode object\'s properties in insertion order', async () => {
      const o = await target('dict');
      expect(o.dictionaryMode).toBe(true);
      expect(o.properties!.map((p) => p.name)).toEqual(Object.keys(truth.dict));
      for (const [k, v] of Object.entries(truth.dict)) {
        expect(plain(prop(o, k).value), k).toEqual(v);
        expect(prop(o, k).storage).toBe('dictionary');
      }
    });

    it('shows #private class fields', async () => {
      const o = await target('secretive');
      expect(o.name).toBe('Secretive');
      for (const [k, v] of Object.entries(truth.secretive)) expect(plain(prop(o, k).value), k).toEqual(v);
      expect(prop(o, '#hidden').private).toBe(true);
    });

    it('shows elements of every kind: packed/holey Smi, double, object and dictionary', async () => {
      const cases: Array<[string, string, number, Record<string, unknown>]> = [
        ['packedSmi', 'PACKED_SMI_ELEMENTS', truth.packedSmi.length, { ...truth.packedSmi }],
        ['holeySmi', 'HOLEY_SMI_ELEMENTS', truth.holeySmi.length, truth.holeySmi.items],
        ['packedDouble', 'PACKED_DOUBLE_ELEMENTS', truth.packedDouble.length, { ...truth.packedDouble }],
        ['holeyDouble', 'HOLEY_DOUBLE_ELEMENTS', truth.holeyDouble.length, truth.holeyDouble.items],
        ['dictElements', 'DICTIONARY_ELEMENTS', truth.dictElements.length, truth.dictElements.items],
      ];
      for (const [name, kind, length, items] of cases) {
        const o = await target(name);
        expect(o.kind, name).toBe('array');
        expect(o.elements?.kind, name).toBe(kind);
        expect(o.elements?.length, name).toBe(length);
        expect(elementsOf(o), name).toEqual(items);
        expect(o.elements?.present, name).toBe(Object.keys(items).length);
      }
      const objects = await target('objects');
      expect(objects.elements?.kind).toBe('PACKED_ELEMENTS');
      const [first, second, third] = objects.elements!.items.map((e) => e.value);
      expect(first).toMatchObject({ type: 'object', name: 'Object' });
      expect(plain(second!)).toBe('x');
      expect(third).toMatchObject({ type: 'oddball', name: 'null', value: null });
    });

    it('shows Map and Set entries in insertion order', async () => {
      const m = await target('map');
      expect(m.entries?.kind).toBe('Map');
      expect(m.entries?.size).toBe(truth.map.length);
      expect(m.entries!.items.map((e) => [plain(e.key), plain(e.value!)])).toEqual(truth.map);
      const s = await target('set');
      expect(s.entries?.kind).toBe('Set');
      expect(s.entries!.items.map((e) => plain(e.key))).toEqual(truth.set);
    });

    it('prints a Date as ISO and an invalid Date as null', async () => {
      expect((await target('date')).date?.iso).toBe(truth.date);
      expect((await target('date')).date?.value).toBe(Date.parse(truth.date));
      expect((await target('invalidDate')).date?.iso).toBeNull();
    });

    it('shows an Error\'s message, cause and the stack string the process formatted', async () => {
      const e = await target('formattedError');
      expect(e.kind).toBe('error');
      expect(e.error?.message).toBe(truth.formattedError.message);
      expect(plain(e.error!.cause!)).toBe(truth.formattedError.cause);
      expect(e.error?.stackFormatted).toBe(true);
      expect(e.error?.stack).toBe(truth.formattedError.stack);
    });

    it('names the captured frames of an Error whose stack was never formatted', async () => {
      const e = await target('freshError');
      expect(e.error?.name).toBe(truth.freshError.name);
      expect(e.error?.message).toBe(truth.freshError.message);
      expect(e.error?.stackFormatted).toBe(false);
      expect(e.error?.stack).toMatch(/^TypeError: fresh-error\n {4}at .*inspect-values\.js/);
    });

    it('shows Promise states and results', async () => {
      expect((await target('pending')).promise).toMatchObject({ state: 'pending' });
      const resolved = await target('resolved');
      expect(resolved.promise?.state).toBe('fulfilled');
      expect(plain(resolved.promise!.result!)).toBe(truth.resolved);
      const rejected = await target('rejected', { depth: 1 });
      expect(rejected.promise).toMatchObject({ state: 'rejected', hasHandler: true });
      expect(rejected.promise?.result?.object?.error?.message).toBe(truth.rejectedMessage);
    });

    it('shows a closure\'s name, definition line:column and context variables', async () => {
      const f = await target('counter');
      expect(f.kind).toBe('function');
      expect(f.function?.name).toBe(truth.counter.name);
      expect(f.function?.script).toMatch(/inspect-values\.js$/);
      expect([f.function?.line, f.function?.column]).toEqual([truth.counter.line, truth.counter.column]);
      const own = Object.fromEntries(f.function!.context!.filter((v) => v.depth === 0).map((v) => [v.name, plain(v.value)]));
      expect(own).toEqual(truth.counter.context);
    });

    it('locates a never-compiled function (positions from its UncompiledData) and an arrow function', async () => {
      for (const name of ['lazy', 'arrow'] as const) {
        const f = await target(name);
        expect(f.function?.name, name).toBe(truth[name].name);
        expect([f.function?.line, f.function?.column], name).toEqual([truth[name].line, truth[name].column]);
      }
      const lazy = await target('lazy');
      expect(lazy.function?.context?.find((v) => v.name === 'captured')?.value.type).toBe('object');
    });

    it('reads strings of every representation: cons, sliced, two-byte, thin/internalized', async () => {
      const cons = await target('consString');
      expect(cons.string).toMatchObject({ representation: 'cons', value: truth.consString, length: truth.consString.length });
      const sliced = await target('slicedString');
      expect(sliced.string).toMatchObject({ representation: 'sliced', value: truth.slicedString });
      const two = await target('twoByte');
      expect(two.string).toMatchObject({ encoding: 'two-byte', value: truth.twoByte, length: truth.twoByte.length });
      const thin = await target('thinString');
      // GC may replace the ThinString by the internalized copy it points to.
      expect(['thin', 'sequential']).toContain(thin.string?.representation);
      expect(thin.string?.value).toBe(truth.thinString);
    });

    it('truncates long strings at --max-string and keeps the full length', async () => {
      const big = await target('bigString');
      expect(big.string?.truncated).toBe(true);
      expect(big.string?.length).toBe(truth.bigStringLength);
      expect(big.string!.value!.length).toBeLessThan(truth.bigStringLength);
      const whole = await target('bigString', { maxString: 10_000 });
      expect(whole.string?.truncated).toBe(false);
      expect(whole.string?.value).toBe('x'.repeat(truth.bigStringLength));
    });

    it('reads an external string (a builtin module\'s source in the executable) containing the function\'s text', async () => {
      const fn = await target('gzip');
      expect(fn.function?.script).toBe('node:zlib');
      const script = await core.inspect(fn.function!.scriptObject!);
      expect(script.kind).toBe('script');
      const source = await core.inspect(script.script!.source!, { maxString: 1 << 20 });
      expect(source.string?.representation).toBe('external');
      expect(source.string?.length).toBe(script.script?.sourceLength);
      expect(source.string?.value).toContain(truth.gzipSource);
    });

    it('shows typed arrays, a Buffer\'s bytes and an ArrayBuffer\'s backing store', async () => {
      const u8 = await target('u8');
      expect(u8.typedArray).toMatchObject({ arrayType: 'Uint8Array', length: truth.u8.length });
      expect(u8.elements!.items.map((e) => plain(e.value))).toEqual(truth.u8);
      const f64 = await target('f64');
      expect(f64.elements!.items.map((e) => plain(e.value))).toEqual(truth.f64);
      const buf = await target('buf');
      expect(buf.name).toBe('Buffer');
      expect(buf.typedArray?.length).toBe(truth.buf.length);
      expect(buf.typedArray?.bytes).toMatchObject({ readable: true, hex: truth.buf.hex });
      const ab = await target('ab');
      expect(ab.arrayBuffer?.byteLength).toBe(truth.ab.byteLength);
      expect(ab.arrayBuffer?.backingStore).toMatch(/^0x[0-9a-f]+$/);
      expect(ab.arrayBuffer?.bytes?.hex?.startsWith(truth.ab.hexPrefix)).toBe(true);
    });

    it('shows a boxed string, a BigInt and a HeapNumber', async () => {
      expect(plain((await target('boxedString')).primitive!)).toBe(truth.boxedString);
      expect((await target('bigint')).bigint).toBe(truth.bigint);
      expect((await target('heapNumber')).number).toBe(truth.heapNumber);
    });

    it('shows WeakMap and WeakSet entries through their ephemeron tables', async () => {
      const key = prop(root, 'weakKey').value.address;
      const wm = await target('weakMap');
      expect(wm.entries?.kind).toBe('WeakMap');
      expect(wm.entries!.items.map((e) => [e.key.address, plain(e.value!)])).toEqual([[key, truth.weakValue]]);
      const ws = await target('weakSet');
      expect(ws.entries?.kind).toBe('WeakSet');
      expect(ws.entries!.items.map((e) => e.key.address)).toEqual([key]);
    });

    it('shows a RegExp\'s source and flags and a bound function\'s target and arguments', async () => {
      expect((await target('regexp')).regexp).toEqual(truth.regexp);
      const b = await target('bound');
      expect(b.kind).toBe('bound-function');
      expect(b.boundFunction?.target?.name).toBe(truth.bound.target);
      expect(b.boundFunction?.boundArguments?.map(plain)).toEqual(truth.bound.args);
      expect(b.boundFunction?.boundThis?.type).toBe('object');
    });

    it('expands nested objects with --depth and stops at a cycle', async () => {
      const flat = await target('cycle');
      expect(prop(flat, 'self').value.object).toBeUndefined();
      const deep = await target('cycle', { depth: 3 });
      const self = prop(deep, 'self').value;
      expect(self.address).toBe(deep.address);
      expect(self.seen).toBe(true);
      expect(self.object).toBeUndefined();
    });
  });

  describe(`bad addresses (Node ${primaryVersion()})`, () => {
    let made: MadeCore;
    let core: Core;
    let targetAddress: string;
    beforeAll(async () => {
      made = await makeCore('inspect-values', primaryVersion());
      core = await openCore(made.corePath, { executable: made.exe });
      const root = await core.inspect('global:__inspectRoot');
      targetAddress = root.properties!.find((p) => p.name === 'target')!.value.address!;
    });
    afterAll(async () => {
      await core?.close();
    });

    it('rejects an unmapped address with BAD_ADDRESS', async () => {
      const err = await core.inspect('0x1234').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CorescopeError);
      expect((err as CorescopeError).code).toBe('BAD_ADDRESS');
      expect((err as CorescopeError).message).toBe('0x1234 is not a heap object (unmapped)');
    });

    it('names the containing object of an interior pointer', async () => {
      const inside = '0x' + (BigInt(targetAddress) + 24n).toString(16);
      const err = (await core.inspect(inside).catch((e: unknown) => e)) as CorescopeError;
      expect(err.code).toBe('BAD_ADDRESS');
      expect(err.message).toBe(`${inside} is not the start of an object; it points 24 bytes into InspectTarget at ${targetAddress}`);
    });

    it('accepts the untagged start address of an object', async () => {
      const untagged = '0x' + (BigInt(targetAddress) - 1n).toString(16);
      expect((await core.inspect(untagged)).address).toBe(targetAddress);
    });

    it('reports NOT_FOUND for an unknown global', async () => {
      const err = (await core.inspect('global:noSuchGlobalInThisCore').catch((e: unknown) => e)) as CorescopeError;
      expect(err.code).toBe('NOT_FOUND');
    });

    it('exits 10 with one stderr line for a bad address on the CLI', async () => {
      const r = await spawnCli(['inspect', made.corePath, '0x1234', '-e', made.exe]);
      expect(r.code).toBe(10);
      expect(r.errLines[0]).toBe('corescope: 0x1234 is not a heap object (unmapped)');
      expect(r.stdout).toBe('');
    });

    it('exits 2 for a malformed address', async () => {
      const r = await runCli(['inspect', made.corePath, 'not-an-address', '-e', made.exe]);
      expect(r.code).toBe(2);
    });

    it('answers every word-aligned address near known objects with a description or BAD_ADDRESS, never anything else', async () => {
      const root = await core.inspect('global:__inspectRoot');
      const bases = root.properties!.map((p) => p.value.address).filter((a): a is string => !!a);
      let described = 0;
      let bad = 0;
      for (const base of bases) {
        for (let k = 1; k <= 12; k++) {
          const a = '0x' + (BigInt(base) + BigInt(8 * k)).toString(16);
          try {
            const r = await core.inspect(a);
            expect(r.address).toMatch(/^0x[0-9a-f]+$/);
            described++;
          } catch (e) {
            expect(e).toBeInstanceOf(CorescopeError);
            expect((e as CorescopeError).code, (e as Error).message).toBe('BAD_ADDRESS');
            bad++;
          }
        }
      }
      expect(described + bad).toBe(bases.length * 12);
      expect(bad).toBeGreaterThan(0);
    });

    it('prints a closure for people: definition line and closure variables', async () => {
      const root = await core.inspect('global:__inspectRoot');
      const counter = root.properties!.find((p) => p.name === 'counter')!.value.address!;
      const r = await runCli(['inspect', made.corePath, counter, '-e', made.exe]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^ {2}function inner at \S*inspect-values\.js:\d+:\d+$/m);
      expect(r.stdout).toMatch(/^ {4}secret = 43$/m);
      expect(r.stdout).toMatch(/^ {4}label = "counter-label"$/m);
    });
  });

  describe(`a truncated core (Node ${primaryVersion()})`, () => {
    let dir: string;
    let cut: string;
    let made: MadeCore;
    let rootAddress: string;
    let others: string[] = [];
    beforeAll(async () => {
      made = await makeCore('inspect-values', primaryVersion());
      const whole = await openCore(made.corePath, { executable: made.exe });
      try {
        const root = await whole.inspect('global:__inspectRoot');
        rootAddress = root.address;
        others = root.properties!.map((p) => p.value.address).filter((a): a is string => !!a);
      } finally {
        await whole.close();
      }
      // Cut the file just before the page holding the root object.
      const offset = fileOffsetOf(made.corePath, BigInt(rootAddress) - 1n);
      expect(offset, 'the root object is dumped in the core').toBeDefined();
      dir = mkdtempSync(join(tmpdir(), 'corescope-inspect-cut-'));
      cut = join(dir, 'core');
      copyFileSync(made.corePath, cut);
      truncateSync(cut, Number(offset! & ~0xfffn));
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('says an object cut off by the truncation is not in the core, and describes or rejects the others', async () => {
      const core = await openCore(cut, { executable: made.exe });
      try {
        const err = (await core.inspect(rootAddress).catch((e: unknown) => e)) as CorescopeError;
        expect(err).toBeInstanceOf(CorescopeError);
        if (err.code === 'CORE_CORRUPT') {
          // The cut also took the pages V8's maps live in: nothing can be
          // described, and the error says why in one line.
          expect(err.message).toMatch(/heap|meta map|page/);
          expect(err.message).not.toContain('\n');
          return;
        }
        expect(err.code).toBe('BAD_ADDRESS');
        expect(err.message).toBe(`${rootAddress} is not in the core (the core is truncated before its page)`);
        for (const a of others) {
          try {
            const r = await core.inspect(a, { depth: 1 });
            expect(r.address).toBe(a);
            expect(Array.isArray(r.warnings)).toBe(true);
          } catch (e) {
            expect(e).toBeInstanceOf(CorescopeError);
            expect((e as CorescopeError).code, (e as Error).message).toBe('BAD_ADDRESS');
          }
        }
      } finally {
        await core.close();
      }
    });
  });
});

/** fileOffsetOf returns where a virtual address is stored in an ELF64 core (its PT_LOAD), if it is. */
function fileOffsetOf(corePath: string, vaddr: bigint): bigint | undefined {
  const head = Buffer.alloc(1 << 20);
  const fd = openSync(corePath, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const phoff = head.readBigUInt64LE(0x20);
  const phentsize = head.readUInt16LE(0x36);
  const phnum = head.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const p = Number(phoff) + i * phentsize;
    if (head.readUInt32LE(p) !== 1) continue; // PT_LOAD
    const offset = head.readBigUInt64LE(p + 8);
    const start = head.readBigUInt64LE(p + 16);
    const filesz = head.readBigUInt64LE(p + 32);
    if (vaddr >= start && vaddr < start + filesz) return offset + (vaddr - start);
  }
  return undefined;
}
