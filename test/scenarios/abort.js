// Scenario: process.abort() from a named function: node dies of SIGABRT.
import { crashPoint } from './lib.js';

const kept = [];
for (let i = 0; i < 1000; i++) kept.push({ i });

function abortNow() {
  process.abort();
}

setTimeout(function timerCallback() {
  crashPoint('abort', { kept: kept.length }, abortNow, { kind: 'abort', function: 'abortNow' });
}, 10);
