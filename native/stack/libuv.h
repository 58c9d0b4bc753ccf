// libuv state of the dead process: node's default loop (the static
// `default_loop_struct` in the node binary) with its active handle and
// request counts, every handle on its handle queue (type, flags, fd where
// the handle type keeps one, and the JS object of node's HandleWrap when
// cheap to reach, and the net.Server / net.Socket that owns that), and the
// process uptime from the loop's clock. Socket addresses are not kept by
// libuv (only the kernel knows them); node's JS objects cache them often
// (a server's _connectionKey, a socket's _sockname/_peername), and those
// are reported where present. Knows libuv 1.4x struct layouts on x86_64 Linux
// (uv.h, uv/unix.h); knows nothing of V8 beyond naming an owner object.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "target/target.h"
#include "util/json_writer.h"
#include "v8/objects.h"

namespace corescope::stack {

struct UvHandle {
  uint64_t address = 0;
  int type = 0;
  std::string type_name;     // "timer", "tcp", ...
  uint32_t flags = 0;
  bool active = false, ref = false, closing = false;
  std::optional<int> fd;
  uint64_t owner = 0;        // the JS object of node's wrap (tagged), 0 when unknown
  std::string owner_name;    // its constructor: "TCP", "Pipe", "TTY", "UDP", "Signal"...
  // The JS object the wrap belongs to (net.Server, net.Socket, ...): node
  // points to it from the wrap with the `owner_symbol` property.
  uint64_t js_owner = 0;
  std::string js_owner_name;
  // Socket addresses as "host:port" ("[v6]:port"), from what node's JS side
  // cached: a listening server's _connectionKey, a socket's _sockname /
  // _peername (set once the application read them). Empty when not cached.
  std::string local, remote;
  bool listening = false;    // a server's listen socket
  bool port_inferred = false;  // a server listening on port 0: the port from an accepted socket
  uint64_t server = 0;       // an accepted socket's net.Server (its `server` property)
};

struct UvLoopInfo {
  bool found = false;
  std::string reason;        // when not found
  uint64_t loop = 0;
  uint32_t active_handles = 0;
  uint32_t active_requests = 0;
  std::vector<UvHandle> handles;
  bool handles_truncated = false;
  std::optional<double> uptime_seconds;  // loop time (ms) minus node's start time (hrtime)
};

// ReadDefaultLoop reads node's default loop from core memory.
UvLoopInfo ReadDefaultLoop(const target::Target& t, const v8::Heap* heap);

// WriteLibuv writes ReadDefaultLoop's result as one JSON object.
void WriteLibuv(JsonWriter& w, const target::Target& t, const v8::Heap* heap);

}  // namespace corescope::stack
