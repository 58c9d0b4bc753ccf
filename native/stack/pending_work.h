// Work the dead process had pending on its JS side: timers and fs requests.
// The JS timers: Node runs every setTimeout /
// setInterval on one uv_timer_t of its Environment (no per-timer libuv
// handle, and that handle's data points at no JS object), so the timers
// that kept a process busy are found as Timeout objects in the heap: each
// with its delay, whether it repeats, and its callback (name and script
// position); Immediate objects (setImmediate) likewise. Pending ones only
// (not destroyed by clearTimeout or by having fired). Knows node's
// lib/internal/timers.js field names; knows the heap through ../heap.
// Also the fs requests in flight (FSReqCallback objects, see FindFsRequests).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "heap/heap_index.h"
#include "stack/source_positions.h"
#include "util/json_writer.h"
#include "v8/objects.h"

namespace corescope::stack {

struct JsTimer {
  uint64_t address = 0;     // the Timeout / Immediate (tagged)
  std::string kind;         // "Timeout" or "Immediate"
  std::optional<double> delay_ms;  // _idleTimeout (Timeout only)
  bool repeat = false;      // setInterval (_repeat is a number)
  bool ref = true;          // [kRefed] is not readable by name; from hasRef when cached, else true
  std::string callback;     // function name, "(anonymous)"
  std::string script;
  int line = 0, column = 0; // where the callback function starts (1-based)
};

struct JsTimers {
  std::vector<JsTimer> timers;
  bool truncated = false;
};

// FindJsTimers lists pending Timeout and Immediate objects in the heap
// (`live`, when given, filters out unreachable ones).
JsTimers FindJsTimers(const v8::Heap& heap, const heap::HeapIndex& index, const SourceMapper* mapper,
                      const std::function<bool(uint64_t)>& live, size_t max);

void WriteJsTimers(JsonWriter& w, const JsTimers& t);

// FsRequest: an fs call in flight. Node's FSReqCallback wrap keeps its C++
// ReqWrap in embedder slot 1 until the request completes (BaseObject's
// destructor clears it), and that object embeds the uv_fs_t (fs_type, path).
struct FsRequest {
  uint64_t address = 0;       // the FSReqCallback (tagged)
  std::string op;             // "open", "read", "stat"... (uv_fs_type)
  std::string path;           // uv_fs_t.path, "" when none
  std::string callback;       // the user's callback (through node's makeCallback wrapper)
  std::string script;
  int line = 0, column = 0;
};

// FindFsRequests lists the FSReqCallback objects whose request is still in
// flight (a live C++ ReqWrap holding a uv_fs_t of `loop`).
std::vector<FsRequest> FindFsRequests(const v8::Heap& heap, const heap::HeapIndex& index, const SourceMapper* mapper,
                                      uint64_t loop, size_t max);

void WriteFsRequests(JsonWriter& w, const std::vector<FsRequest>& reqs);

}  // namespace corescope::stack
