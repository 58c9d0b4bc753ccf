// Scenario: the "leaking connections" case. Two TCP servers listen on
// 127.0.0.1: "fixed" on a port given explicitly (found free by a probe) with
// three clients connected, "ephemeral" on port 0 (the kernel picks) with
// one, and a bound UDP socket. The connections stay open; a timeout, an interval and an unref'd
// timeout are pending; then an uncaught Error is thrown. truth.crash holds
// what the report must find: each server's listen address and port, every
// connection's (client and accepted end) local and remote address, and the
// timers. Localhost only.
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';

import { crashPoint } from './lib.js';

// Pending JS timers the report must list (node runs them on one libuv timer).
const TIMEOUT_MS = 1 << 30;
const INTERVAL_MS = 1 << 29;
const UNREF_MS = 123456;
const pending = setTimeout(function idleTimeout() {}, TIMEOUT_MS);
const ticking = setInterval(function tick() {}, INTERVAL_MS);
const unrefd = setTimeout(function unrefTimeout() {}, UNREF_MS).unref();

const clients = [];
const accepted = [];
const servers = [];

function crashWithOpenSockets() {
  throw new Error(`crashed with ${accepted.length} open connections`); // THROW-SITE
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function listen(name, port, nClients) {
  return new Promise((resolve, reject) => {
    let acceptedHere = 0;
    let connectedHere = 0;
    const done = () => acceptedHere === nClients && connectedHere === nClients && resolve();
    const server = net.createServer((sock) => {
      sock.on('error', () => {});
      accepted.push(sock);
      acceptedHere++;
      done();
    });
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      servers.push({ name, requestedPort: port, server });
      for (let i = 0; i < nClients; i++) {
        const c = net.connect(server.address().port, '127.0.0.1', () => {
          connectedHere++;
          done();
        });
        c.on('error', () => {});
        clients.push(c);
      }
    });
  });
}

await listen('fixed', await freePort(), 3);
await listen('ephemeral', 0, 1);
// A pending fs request: opening a FIFO for reading blocks (in libuv's
// threadpool) until a writer comes, which never happens.
const fifo = join(process.env.CORESCOPE_OUT, 'never-written.fifo');
execFileSync('mkfifo', [fifo]);
fs.open(fifo, 'r', function onFifoOpen() {}); // FS-REQUEST
// A bound UDP socket: its handle must name its dgram.Socket (node caches no address for it).
const udp = dgram.createSocket('udp4');
await new Promise((resolve) => udp.bind(0, '127.0.0.1', resolve));

// Reading the addresses is what an application logging its connections
// does; node caches them on the sockets (_sockname/_peername).
const sockets = [...clients, ...accepted].map((s) => ({
  role: clients.includes(s) ? 'client' : 'accepted',
  localAddress: s.localAddress,
  localPort: s.localPort,
  remoteAddress: s.remoteAddress,
  remotePort: s.remotePort,
}));

setImmediate(function timerCallback() {
  crashPoint(
    'crash-sockets',
    { clients: clients.length, timers: [pending, ticking, unrefd].length },
    crashWithOpenSockets,
    {
      kind: 'uncaught',
      function: 'crashWithOpenSockets',
      message: `crashed with ${accepted.length} open connections`,
      // process.uptime() right before the throw (the report reads it from libuv's loop clock).
      uptimeSeconds: process.uptime(),
      servers: servers.map(({ name, requestedPort, server }) => ({ name, requestedPort, ...server.address() })),
      sockets,
      udp: udp.address(),
      timers: [
        { callback: 'idleTimeout', delayMs: TIMEOUT_MS, repeat: false, ref: true },
        { callback: 'tick', delayMs: INTERVAL_MS, repeat: true, ref: true },
        { callback: 'unrefTimeout', delayMs: UNREF_MS, repeat: false, ref: false },
      ],
    },
  );
});
