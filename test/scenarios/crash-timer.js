// Scenario: an uncaught Error with a code and a two-level cause chain,
// thrown from crashNow ← handleRequest ← dispatch ← crashPoint ←
// timerCallback ← listOnTimeout ← processTimers. Arguments:
//   argv[2] = request id: changes the message text and how much data the
//             heap holds, not the bug (same crash signature);
//   argv[3] = "other": a different bug (throws a TypeError from otherBug).
// Lines the tests check are found in this file by their markers (THROW-SITE,
// CALL-*), so editing it cannot silently break them.
import { crashPoint } from './lib.js';

const id = Number(process.argv[2] ?? 1);
const variant = process.argv[3] ?? 'same';

const sessions = [];
for (let i = 0; i < 1000 * id; i++) sessions.push({ id: i, user: `user-${i}` });
// External memory: 1 MiB outside the V8 heap, owned by one ArrayBuffer.
const payload = new ArrayBuffer(1 << 20);

function crashNow(req) {
  const root = new TypeError(`socket ${req.id} reset`);
  const middle = new RangeError(`retry budget exhausted after ${req.id} tries`, { cause: root });
  const err = new Error(`request ${req.id} failed`, { cause: middle });
  err.code = 'E_REQUEST_FAILED';
  throw err; // THROW-SITE
}

function otherBug(req) {
  throw new TypeError(`cannot read header of request ${req.id}`); // OTHER-THROW-SITE
}

function handleRequest(req) {
  if (variant === 'other') return otherBug(req); // CALL-OTHER
  return crashNow(req) + 1; // CALL-CRASHNOW
}

function dispatch() {
  handleRequest({ id, sessions: sessions.length }); // CALL-HANDLE
}

setTimeout(function timerCallback() {
  crashPoint( // CALL-CRASHPOINT
    'crash-timer',
    { sessions: sessions.length, payloadBytes: payload.byteLength },
    dispatch,
    { kind: 'uncaught', function: variant === 'other' ? 'otherBug' : 'crashNow', message: `request ${id} failed` },
  );
}, 10);
