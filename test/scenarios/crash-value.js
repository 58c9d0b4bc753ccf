// Scenario: an uncaught throw of a value that is not an Error
// (argv[2] = "string" | "object" | "number"), from throwValue ← timerCallback.
import { crashPoint } from './lib.js';

const kind = process.argv[2] ?? 'string';

function throwValue() {
  if (kind === 'string') throw 'plain string thrown'; // eslint-disable-line no-throw-literal
  if (kind === 'number') throw 4242; // eslint-disable-line no-throw-literal
  throw { reason: 'plain object thrown', retry: false, code: 'E_PLAIN' }; // eslint-disable-line no-throw-literal
}

setTimeout(function timerCallback() {
  crashPoint('crash-value', {}, throwValue, { kind: 'uncaught', function: 'throwValue' });
}, 10);
