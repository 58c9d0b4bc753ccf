// Scenario: objects with known contents for `inspect` (test/e2e/inspect.test.ts).
// Everything hangs off one InspectRoot instance (a unique class name, so the
// test finds it with `instances InspectRoot`), one target per property. The
// scenario writes inspect-truth.json next to truth.json: what each target
// holds, as plain JSON, and where the closures are defined (line:column found
// by searching this file's own text). Nothing reads `stack` of `freshError`,
// so its stack stays unformatted in the core.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

import { crashPoint } from './lib.js';

class InspectRoot {}
class InspectTarget {
  constructor() {
    this.smi = 42;
    this.negative = -7;
    this.dbl = 1.5;
    this.oneByte = 'hello inspect';
    this.nothing = null;
    this.undef = undefined;
    this.yes = true;
    this.nested = { inner: { deep: 'value' } };
  }
}
class ManyProps {
  constructor() {
    this.first = 'in-object';
  }
}
class Secretive {
  #hidden = 'private-value';
  visible = 'public-value';
  peek() {
    return this.#hidden;
  }
}

function makeCounter() {
  let secret = 42;
  let label = 'counter-label';
  return function inner() {
    secret += 1;
    return label + secret;
  };
}

function makeLazy() {
  const captured = { lazy: true };
  return function neverCalled(a, b) {
    return captured.lazy ? a : b;
  };
}

// Strings of every representation.
const long = 'The quick brown fox jumps over the lazy dog; '.repeat(4);
const part = String(Date.now() % 1 === 0 ? 'tail-of-a-cons-string' : 'x');
const consString = 'head-of-a-cons-string/' + part;
const slicedString = long.substring(4, 44);
const twoByte = 'two-byte: héllo wörld ✓ ☃';
const thinSource = ['thin', '-', 'key', '-', String(12345)].join('');
const thinHolder = {};
thinHolder[thinSource] = 1; // internalizes the string: it may become a ThinString
const bigString = 'x'.repeat(5000);

const target = new InspectTarget();
target.dbl = 3.25; // a double field (HeapNumber box)
target[Symbol('sym-key')] = 'symbol-value';

const many = new ManyProps();
for (let i = 0; i < 12; i++) many[`p${i}`] = i * 10; // out-of-object (PropertyArray) fields

const dict = { a: 1, b: 'two', c: 3.5 };
for (let i = 0; i < 40; i++) dict[`tmp${i}`] = i;
for (let i = 0; i < 40; i++) delete dict[`tmp${i}`];
dict.d = 'after-delete';

const dictElements = [];
dictElements[5] = 7;
dictElements[100000] = 'far';

const resolved = Promise.resolve(42);
const rejected = Promise.reject(new Error('nope'));
rejected.catch(() => {});

const formattedError = new Error('inspect-boom', { cause: 'the-cause' });
const formattedStack = formattedError.stack; // formats and stores the stack string
const freshError = new TypeError('fresh-error');

const u8 = Uint8Array.from([1, 2, 3, 250]);
const f64 = new Float64Array([1.5, -2]);
const buf = Buffer.from('hello-buffer');
const ab = new ArrayBuffer(16);
new Uint8Array(ab).set([0xde, 0xad, 0xbe, 0xef]);

const counter = makeCounter();
counter(); // secret becomes 43, and inner is compiled
const lazy = makeLazy();
const arrow = (x) => x * 2;

const weakKey = { weak: 'key' };
const weakMap = new WeakMap([[weakKey, 'weak-value']]);
const weakSet = new WeakSet([weakKey]);
function boundTarget(a, b) {
  return [this, a, b];
}

const cycle = { label: 'cycle' };
cycle.self = cycle; // inspect --depth must stop here

const root = new InspectRoot();
Object.assign(root, {
  target,
  many,
  dict,
  secretive: new Secretive(),
  packedSmi: [1, 2, 3],
  holeySmi: [1, , 3], // eslint-disable-line no-sparse-arrays
  packedDouble: [1.5, 2.5],
  holeyDouble: [1.5, , 2.5], // eslint-disable-line no-sparse-arrays
  objects: [{ a: 1 }, 'x', null],
  dictElements,
  map: new Map([
    ['k1', 1],
    ['k2', 'two'],
    [3, 'three'],
  ]),
  set: new Set(['a', 2, 'c']),
  date: new Date(Date.UTC(2021, 4, 6, 7, 8, 9, 123)),
  invalidDate: new Date(NaN),
  formattedError,
  freshError,
  pending: new Promise(() => {}),
  resolved,
  rejected,
  counter,
  lazy,
  arrow,
  gzip: zlib.createGzip, // a builtin function: its script source is an external string
  consString,
  slicedString,
  twoByte,
  thinString: thinSource,
  bigString,
  u8,
  f64,
  buf,
  ab,
  boxedString: new String('boxed'),
  bigint: 12345678901234567890123n,
  heapNumber: 0.1,
  cycle,
  weakKey,
  weakMap,
  weakSet,
  regexp: /ab+c/gi,
  bound: boundTarget.bind({ self: 'bound-this' }, 'first-arg', 2),
});

// lineColumn returns the 1-based line and column of the first `needle` in this file.
function lineColumn(needle) {
  const text = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`${needle} not found`);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}

const truth = {
  target: {
    smi: 42,
    negative: -7,
    dbl: 3.25,
    oneByte: 'hello inspect',
    nothing: null,
    yes: true,
    nestedDeep: 'value',
    symbolKey: 'Symbol(sym-key)',
    symbolValue: 'symbol-value',
  },
  many: Object.fromEntries(Object.entries(many)),
  dict: { a: 1, b: 'two', c: 3.5, d: 'after-delete' },
  secretive: { '#hidden': 'private-value', visible: 'public-value' },
  packedSmi: [1, 2, 3],
  holeySmi: { length: 3, items: { 0: 1, 2: 3 } },
  packedDouble: [1.5, 2.5],
  holeyDouble: { length: 3, items: { 0: 1.5, 2: 2.5 } },
  dictElements: { length: dictElements.length, items: { 5: 7, 100000: 'far' } },
  map: [
    ['k1', 1],
    ['k2', 'two'],
    [3, 'three'],
  ],
  set: ['a', 2, 'c'],
  date: root.date.toISOString(),
  formattedError: { message: 'inspect-boom', cause: 'the-cause', stack: formattedStack },
  freshError: { message: 'fresh-error', name: 'TypeError' },
  resolved: 42,
  rejectedMessage: 'nope',
  counter: { name: 'inner', ...lineColumn('function inner()'), context: { secret: 43, label: 'counter-label' } },
  lazy: { name: 'neverCalled', ...lineColumn('function neverCalled(') },
  arrow: { name: 'arrow', ...lineColumn('(x) => x * 2') },
  gzipSource: zlib.createGzip.toString(),
  consString,
  slicedString,
  twoByte,
  thinString: thinSource,
  bigStringLength: bigString.length,
  u8: Array.from(u8),
  f64: Array.from(f64),
  buf: { length: buf.length, hex: buf.toString('hex') },
  ab: { byteLength: 16, hexPrefix: 'deadbeef' },
  boxedString: 'boxed',
  bigint: root.bigint.toString(),
  heapNumber: 0.1,
  weakValue: 'weak-value',
  regexp: { source: 'ab+c', flags: 'gi' },
  bound: { target: 'boundTarget', args: ['first-arg', 2] },
};

globalThis.__inspectRoot = root;

function crashNow() {
  throw new Error('inspect-values: done');
}

setTimeout(function timerCallback() {
  writeFileSync(join(process.env.CORESCOPE_OUT, 'inspect-truth.json'), JSON.stringify(truth, null, 2));
  crashPoint('inspect-values', { InspectRoot: 1, InspectTarget: 1 }, crashNow, {
    kind: 'uncaught',
    function: 'crashNow',
    message: 'inspect-values: done',
  });
}, 10);
