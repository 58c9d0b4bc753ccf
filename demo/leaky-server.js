// A small "server" with a memory leak, bundled for `corescope demo`.
//
// Every tick it handles a batch of fake requests and keeps a RequestLog for
// each one in module-level collections that nothing ever trims (the leak).
// After a few ticks a shutdown check throws an uncaught Error (with a cause)
// from a named function inside a timer. Run with
//   node --abort-on-uncaught-exception demo/leaky-server.js
// under `ulimit -c unlimited` and the process dumps core.
//
// With CORESCOPE_READY=<file> it writes that file instead of throwing and
// stays alive, so a core can be taken with gcore (corescope demo does this
// when core_pattern pipes cores to systemd-coredump or apport).
import { writeFileSync } from 'node:fs';

const TICKS = Number(process.env.LEAKY_TICKS ?? 4);
const REQUESTS_PER_TICK = Number(process.env.LEAKY_REQUESTS ?? 3000);
const ROUTES = ['/api/users', '/api/orders', '/api/cart', '/health', '/api/search'];

class RequestLog {
  constructor(id, method, url, status, startedAt, durationMs) {
    this.id = id;
    this.method = method;
    this.url = url;
    this.status = status;
    this.startedAt = startedAt;
    this.durationMs = durationMs;
    this.headers = { 'user-agent': 'leaky-client/1.0', 'x-request-id': `req-${id}` };
  }
}

// The leak: every request's log stays reachable from these two collections.
const requestLogs = [];
const logsByUrl = new Map();

let nextId = 0;

function handleRequest(tick) {
  const id = nextId++;
  const url = `${ROUTES[id % ROUTES.length]}?page=${id % 97}`;
  const log = new RequestLog(id, id % 3 ? 'GET' : 'POST', url, id % 50 ? 200 : 500, new Date(), (id * 7) % 120);
  requestLogs.push(log);
  let list = logsByUrl.get(url);
  if (!list) logsByUrl.set(url, (list = []));
  list.push(log);
  return log;
}

function serveTick(tick) {
  for (let i = 0; i < REQUESTS_PER_TICK; i++) handleRequest(tick);
  const mb = (process.memoryUsage().heapUsed / 1048576).toFixed(1);
  console.log(`tick ${tick + 1}/${TICKS}: ${requestLogs.length} RequestLog kept, heap used ${mb} MiB`);
}

function checkMemoryBudget() {
  const cause = new RangeError(`request log holds ${requestLogs.length} entries (budget 10000)`);
  throw new Error('leaky-server: memory budget exceeded, shutting down', { cause });
}

let tick = 0;
const timer = setInterval(function onTick() {
  serveTick(tick++);
  if (tick < TICKS) return;
  clearInterval(timer);
  setTimeout(function shutdownCheck() {
    if (process.env.CORESCOPE_READY) {
      writeFileSync(process.env.CORESCOPE_READY, String(process.pid));
      setInterval(() => {}, 1 << 30);
      return;
    }
    checkMemoryBudget();
  }, 10);
}, 20);
