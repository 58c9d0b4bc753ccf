// Scenario: an uncaught Error thrown through JS frames of every tier:
// throwDeep (interpreted, never optimized) ← viaBaseline (Sparkplug code)
// ← viaOptimized (Turbofan code) ← Array.prototype.forEach (a builtin with
// JS linkage) ← timerCallback. The tiers are forced with
// V8's natives syntax, enabled at run time so the scenario needs no node
// flags. V8 may still tier a function up on its own (throwDeep reaches
// Sparkplug on Node 24+); what V8 says of each function's frame
// (%GetOptimizationStatus) for the frames on the stack at the throw, in
// <out>/tiers.json, so a test knows what to expect on this version.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';

import { crashPoint } from './lib.js';

v8.setFlagsFromString('--allow-natives-syntax');
// Compiled after the flag is set: these may use %Functions.
const natives = {
  neverOptimize: new Function('f', '%NeverOptimizeFunction(f);'),
  prepare: new Function('f', '%PrepareFunctionForOptimization(f);'),
  optimizeNext: new Function('f', '%OptimizeFunctionOnNextCall(f);'),
  baseline: new Function('f', 'try { %CompileBaseline(f); } catch (e) {}'),
  status: new Function('f', 'return %GetOptimizationStatus(f);'),
};

let armed = false;
// argv[2] = "abort": process.abort() at the same place instead of throwing (no thrown value).
const abortInstead = process.argv[2] === 'abort';

function throwDeep(n) {
  if (armed) {
    recordFrameTiers();
    if (abortInstead) process.abort();
    throw new Error(`deep failure ${n}`); // THROW-SITE
  }
  return n + 1;
}

function viaBaseline(n) {
  return throwDeep(n) * 2; // CALL-DEEP
}

function viaOptimized(n) {
  let s = 0;
  for (let i = 0; i < 3; i++) s += viaBaseline(n + i); // CALL-BASELINE
  return s;
}

natives.neverOptimize(throwDeep);
natives.neverOptimize(viaBaseline);
natives.baseline(viaBaseline);
natives.prepare(viaOptimized);
viaOptimized(1);
viaOptimized(2);
natives.optimizeNext(viaOptimized);
viaOptimized(3);

// recordFrameTiers writes <out>/tiers.json at the throw: what V8 says of
// each function's frame now on the stack (truth.json is written earlier).
function recordFrameTiers() {
  const raw = {};
  for (const f of [throwDeep, viaBaseline, viaOptimized]) raw[f.name] = natives.status(f);
  const frames = {};
  for (const [name, s] of Object.entries(raw)) frames[name] = frameTier(s);
  writeFileSync(join(process.env.CORESCOPE_OUT, 'tiers.json'), JSON.stringify({ raw, frames }));
}

// The tier of the function's topmost frame, from V8's OptimizationStatus
// bits (src/runtime/runtime.h): kIsExecuting 1 << 11,
// kTopmostFrameIsTurboFanned 1 << 12, kTopmostFrameIsInterpreted 1 << 16,
// kTopmostFrameIsBaseline 1 << 17, kTopmostFrameIsMaglev 1 << 19 up to V8
// 13; V8 14 dropped a flag below them, so each is one bit lower there.
const SHIFT = Number(process.versions.v8.split('.')[0]) >= 14 ? 1 : 0;
function frameTier(s) {
  const bit = (n) => (s & (1 << (n - SHIFT))) !== 0;
  if (!bit(11)) return 'not-executing';
  if (bit(16)) return 'interpreted';
  if (bit(17)) return 'baseline';
  if (bit(12) || bit(19)) return 'optimized';
  return 'unknown';
}

setTimeout(function timerCallback() {
  crashPoint('crash-optimized', {}, () => {
    armed = true;
    [10].forEach(viaOptimized); // CALL-OPTIMIZED: through a builtin frame (Array.prototype.forEach)
  }, { kind: 'uncaught', function: 'throwDeep', message: 'deep failure 10' });
}, 10);
