// Scenario: the process sends itself SIGSEGV from a named function inside a
// timer (segvNow ← timerCallback): no exception is being thrown, and the
// signal arrives inside libc's kill() wrapper, which has no frame pointer.
import { crashPoint } from './lib.js';

function segvNow() {
  process.kill(process.pid, 'SIGSEGV'); // KILL-SITE
}

setTimeout(function timerCallback() {
  crashPoint('crash-segv', {}, segvNow, { kind: 'signal', function: 'segvNow' });
}, 10);
