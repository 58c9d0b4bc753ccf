// Scenario: an uncaught Error thrown through JS frames of every tier:
// throwDeep (interpreted, never optimized) ← viaBaseline (Sparkplug code)
// ← viaOptimized (Turbofan code) ← timerCallback. The tiers are forced with
// V8's natives syntax, enabled at run time so the scenario needs no node
// flags. truth.crash.tiers says which tiers V8 reported for each function
// (%GetOptimizationStatus), so a test knows what to expect on this version.
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

function throwDeep(n) {
  if (armed) throw new Error(`deep failure ${n}`); // THROW-SITE
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

// V8's OptimizationStatus bits: kTurboFanned 1 << 5 (with kOptimized 1 << 4),
// kBaseline 1 << 15, kInterpreted 1 << 14 (src/runtime/runtime.h).
function tier(f) {
  const s = natives.status(f);
  if (s & (1 << 4)) return 'optimized';
  if (s & (1 << 15)) return 'baseline';
  return 'interpreted';
}

setTimeout(function timerCallback() {
  const tiers = { throwDeep: tier(throwDeep), viaBaseline: tier(viaBaseline), viaOptimized: tier(viaOptimized) };
  crashPoint('crash-optimized', {}, () => {
    armed = true;
    viaOptimized(10); // CALL-OPTIMIZED
  }, { kind: 'uncaught', function: 'throwDeep', message: 'deep failure 10', tiers });
}, 10);
