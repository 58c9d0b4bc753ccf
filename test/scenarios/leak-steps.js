// Scenario: a process that leaks a known number of objects per step and
// stays alive, for `corescope capture` and `corescope diff`
// (test/e2e/capture.test.ts, test/e2e/diff.test.ts). It is not crashed: the
// test captures it with gcore between steps.
//
// Protocol (stdin/stdout lines): at start it runs step 1 and prints
// "ready 1 <pid>"; each "step" line on stdin runs one more step and prints
// "ready <n> <pid>"; "exit" (or stdin closing) ends it. A step creates
// SCENARIO_LEAK_PER_STEP (default 1234) LeakyEntry objects kept forever in
// a module-level array, plus short-lived garbage that is dropped.
//
// Truth (counts): after step n, exactly n × K LeakyEntry objects are alive;
// StableThing stays at SCENARIO_STABLE (default 500) at every step.
import { createInterface } from 'node:readline';

const K = Number(process.env.SCENARIO_LEAK_PER_STEP ?? 1234);
const N_STABLE = Number(process.env.SCENARIO_STABLE ?? 500);

class LeakyEntry {
  constructor(step, i) {
    this.step = step;
    this.index = i;
    this.payload = 'entry-' + step + '-' + i;
  }
}

class StableThing {
  constructor(i) {
    this.i = i;
  }
}

class Transient {
  constructor(i) {
    this.i = i;
  }
}

const leaked = [];
const stable = Array.from({ length: N_STABLE }, (_, i) => new StableThing(i));
globalThis.__leakSteps = { leaked, stable };

let step = 0;
function runStep() {
  step++;
  for (let i = 0; i < K; i++) leaked.push(new LeakyEntry(step, i));
  // Garbage that is never reachable after the step (not counted by the test).
  let junk = [];
  for (let i = 0; i < 1000; i++) junk.push(new Transient(i));
  junk = null;
  process.stdout.write(`ready ${step} ${process.pid}\n`);
}

runStep();
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const cmd = line.trim();
  if (cmd === 'step') runStep();
  else if (cmd === 'exit') process.exit(0);
});
rl.on('close', () => process.exit(0));
