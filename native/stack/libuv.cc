// libuv loop and handles. See libuv.h.
#include "stack/libuv.h"
#include "util/limits.h"
#include "v8/properties.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace corescope::stack {
namespace {

// uv_loop_t (uv.h): data, active_handles, handle_queue{next,prev}, active_reqs.
constexpr uint64_t kLoopActiveHandles = 8;
constexpr uint64_t kLoopHandleQueue = 16;
constexpr uint64_t kLoopActiveReqs = 32;
// uv_loop_t.time: after UV_LOOP_PRIVATE_FIELDS up to timer_counter (uv/unix.h,
// libuv 1.44-1.51 on x86_64). Validated against node's start time.
constexpr uint64_t kLoopTime = 544;
// UV_HANDLE_FIELDS: data 0, loop 8, type 16, close_cb 24, handle_queue 32, u 48, next_closing 80, flags 88.
constexpr uint64_t kHandleData = 0, kHandleLoop = 8, kHandleType = 16, kHandleQueue = 32, kHandleFlags = 88;
// Where a handle type keeps its fd: uv__io_t.fd (48 bytes into the watcher).
constexpr uint64_t kStreamFd = 184;  // uv_stream_t: 96 + write_queue_size, alloc_cb, read_cb, connect_req, shutdown_req, io_watcher
constexpr uint64_t kUdpFd = 176;     // uv_udp_t: 96 + send_queue_size, send_queue_count, alloc_cb, recv_cb, io_watcher
constexpr uint64_t kPollFd = 152;    // uv_poll_t: 96 + poll_cb, io_watcher
constexpr size_t kMaxHandles = limits::kMaxLibuvHandles;
// uv-common.h handle flags.
constexpr uint32_t kClosing = 0x01, kClosed = 0x02, kActive = 0x04, kRef = 0x08;

const char* TypeName(int t) {
  static const char* kNames[] = {"unknown", "async", "check", "fs_event", "fs_poll", "handle", "idle",
                                 "pipe", "poll", "prepare", "process", "stream", "tcp", "timer",
                                 "tty", "udp", "signal", "file"};
  return t >= 0 && t < static_cast<int>(sizeof kNames / sizeof *kNames) ? kNames[t] : "unknown";
}

// OwnerOf: node's HandleWrap is a BaseObject (vtable, then the v8::Global
// of its JS object: a pointer to a global-handle slot holding the object).
uint64_t OwnerOf(const memory::AddressSpace& mem, const v8::Heap* heap, uint64_t data, std::string* name) {
  if (!heap || !data || (data & 7)) return 0;
  for (uint64_t off : {8, 16}) {
    auto slot = mem.ReadU64(data + off);
    if (!slot || !*slot || (*slot & 7)) continue;
    auto obj = mem.ReadU64(*slot);
    if (!obj || !v8::IsStrong(*obj)) continue;
    const v8::MapInfo* m = heap->MapOf(*obj);
    if (!m || !heap->types().IsJSObject(m->instance_type)) continue;
    *name = heap->ConstructorName(*m);
    return *obj;
  }
  return 0;
}

// StringProp: a string-valued own property of a JS object.
std::optional<std::string> StringProp(const v8::Heap& heap, uint64_t obj, std::string_view name) {
  auto p = v8::FindProperty(heap, obj, name);
  if (!p || p->is_accessor || p->raw_double || !v8::IsStrong(p->value)) return std::nullopt;
  const v8::MapInfo* m = heap.MapOf(p->value);
  if (!m || !heap.IsString(*m)) return std::nullopt;
  auto s = heap.ReadString(p->value, 256);
  if (!s) return std::nullopt;
  return s->utf8;
}

std::string HostPort(const std::string& host, int64_t port) {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// AddressProp reads a cached address object ({address, family, port}, as
// net.Socket's _sockname / _peername) into "host:port".
std::string AddressProp(const v8::Heap& heap, uint64_t obj, std::string_view name) {
  auto p = v8::FindProperty(heap, obj, name);
  if (!p || p->is_accessor || p->raw_double || !v8::IsStrong(p->value)) return "";
  const v8::MapInfo* m = heap.MapOf(p->value);
  if (!m || !heap.types().IsJSObject(m->instance_type)) return "";
  auto host = StringProp(heap, p->value, "address");
  auto port = v8::FindProperty(heap, p->value, "port");
  if (!host || !port) return "";
  int64_t n = -1;
  if (port->raw_double) n = static_cast<int64_t>(port->double_value);
  else if (v8::IsSmi(port->value)) n = v8::SmiValue(port->value);
  if (n < 0 || n > 65535) return "";
  return HostPort(*host, n);
}

// DescribeJsOwner finds the JS object that owns node's wrap object (the
// wrap's `owner_symbol` property: net.Server and net.Socket set it) and
// the addresses that object cached.
void DescribeJsOwner(const v8::Heap& heap, UvHandle* u) {
  auto props = v8::ReadNamedProperties(heap, u->owner, 32);
  if (!props) return;
  for (const v8::NamedProperty& p : props->items) {
    if (!p.is_symbol || p.name != "Symbol(owner_symbol)" || p.is_accessor || !v8::IsStrong(p.value)) continue;
    const v8::MapInfo* m = heap.MapOf(p.value);
    if (!m || !heap.types().IsJSObject(m->instance_type)) return;
    u->js_owner = p.value;
    u->js_owner_name = heap.ConstructorNameOf(*m, p.value);
    break;
  }
  if (!u->js_owner) return;
  // A listening server: _connectionKey is "<4|6>:<address>:<port>" (net.js listenInCluster).
  if (auto key = StringProp(heap, u->js_owner, "_connectionKey")) {
    size_t first = key->find(':'), last = key->rfind(':');
    if (first != std::string::npos && last > first) {
      try {
        int64_t port = std::stoll(key->substr(last + 1));
        if (port >= 0 && port <= 65535) u->local = HostPort(key->substr(first + 1, last - first - 1), port);
      } catch (...) {
      }
    }
    u->listening = true;
    return;
  }
  if (auto pipe = StringProp(heap, u->js_owner, "_pipeName")) {
    u->local = *pipe;
    u->listening = true;
    return;
  }
  u->local = AddressProp(heap, u->js_owner, "_sockname");
  u->remote = AddressProp(heap, u->js_owner, "_peername");
  if (auto srv = v8::FindProperty(heap, u->js_owner, "server"); srv && !srv->is_accessor && v8::IsStrong(srv->value)) {
    u->server = srv->value;
  }
}

// InferListenPorts: a server asked to listen on port 0 keeps "…:0" in its
// _connectionKey; the port the kernel chose is the local port of the
// sockets it accepted (where their _sockname was cached).
void InferListenPorts(std::vector<UvHandle>& handles) {
  for (UvHandle& l : handles) {
    if (!l.listening || l.local.size() < 2 || l.local.compare(l.local.size() - 2, 2, ":0") != 0) continue;
    for (const UvHandle& a : handles) {
      if (a.listening || !a.server || a.server != l.js_owner || a.local.empty()) continue;
      size_t colon = a.local.rfind(':');
      l.local = l.local.substr(0, l.local.size() - 1) + a.local.substr(colon + 1);
      l.port_inferred = true;
      break;
    }
  }
}

}  // namespace

UvLoopInfo ReadDefaultLoop(const target::Target& t, const v8::Heap* heap) {
  UvLoopInfo info;
  auto sym = t.symbols().AddressOf("default_loop_struct");
  if (!sym) {
    info.reason = "the executable has no default_loop_struct symbol";
    return info;
  }
  const memory::AddressSpace& mem = t.memory();
  uint64_t loop = *sym + t.exe_load_bias();
  auto active = mem.ReadU32(loop + kLoopActiveHandles);
  auto reqs = mem.ReadU32(loop + kLoopActiveReqs);
  auto head_next = mem.ReadU64(loop + kLoopHandleQueue);
  if (!active || !reqs || !head_next) {
    info.reason = "the default loop is not in dumped memory";
    return info;
  }
  info.found = true;
  info.loop = loop;
  info.active_handles = *active;
  info.active_requests = *reqs;
  uint64_t head = loop + kLoopHandleQueue;
  uint64_t node = *head_next;
  while (node != head && node) {
    if (info.handles.size() >= kMaxHandles) {
      info.handles_truncated = true;
      break;
    }
    uint64_t h = node - kHandleQueue;
    auto hloop = mem.ReadU64(h + kHandleLoop);
    auto type = mem.ReadU32(h + kHandleType);
    auto flags = mem.ReadU32(h + kHandleFlags);
    auto next = mem.ReadU64(node);
    if (!hloop || *hloop != loop || !type || !flags || !next) {
      info.handles_truncated = true;  // a broken link: stop rather than guess
      break;
    }
    UvHandle u;
    u.address = h;
    u.type = static_cast<int>(*type);
    u.type_name = TypeName(u.type);
    u.flags = *flags;
    u.active = *flags & kActive;
    u.ref = *flags & kRef;
    u.closing = *flags & (kClosing | kClosed);
    std::optional<uint64_t> fd_off;
    if (u.type_name == "tcp" || u.type_name == "pipe" || u.type_name == "tty") fd_off = kStreamFd;
    if (u.type_name == "udp") fd_off = kUdpFd;
    if (u.type_name == "poll") fd_off = kPollFd;
    if (fd_off) {
      if (auto fd = mem.ReadValue<int32_t>(h + *fd_off); fd && *fd >= -1 && *fd < (1 << 20)) u.fd = *fd;
    }
    if (auto data = mem.ReadU64(h + kHandleData)) u.owner = OwnerOf(mem, heap, *data, &u.owner_name);
    if (u.owner && heap) DescribeJsOwner(*heap, &u);
    info.handles.push_back(u);
    node = *next;
  }
  InferListenPorts(info.handles);
  // Uptime: uv_loop_t.time is uv__hrtime in ms; node::per_process::node_start_time is hrtime in ns.
  auto start_sym = t.symbols().AddressOf("_ZN4node11per_process15node_start_timeE");
  if (start_sym) {
    auto start_ns = mem.ReadU64(*start_sym + t.exe_load_bias());
    auto now_ms = mem.ReadU64(loop + kLoopTime);
    if (start_ns && now_ms && *start_ns) {
      double start_ms = static_cast<double>(*start_ns) / 1e6;
      double up = (static_cast<double>(*now_ms) - start_ms) / 1e3;
      if (up >= 0 && up < 365.0 * 86400) info.uptime_seconds = up;
    }
  }
  return info;
}

void WriteLibuv(JsonWriter& w, const target::Target& t, const v8::Heap* heap) {
  UvLoopInfo info = ReadDefaultLoop(t, heap);
  w.BeginObject();
  w.FieldBool("available", info.found);
  if (!info.found) {
    w.Field("reason", info.reason);
    w.EndObject();
    return;
  }
  w.FieldHex("loop", info.loop);
  w.FieldUint("activeHandles", info.active_handles);
  w.FieldUint("activeRequests", info.active_requests);
  w.Key("uptimeSeconds");
  if (info.uptime_seconds) w.Double(*info.uptime_seconds); else w.Null();
  std::map<std::string, uint32_t> by_type;
  for (const UvHandle& h : info.handles) {
    if (h.active) ++by_type[h.type_name];
  }
  w.Key("activeByType").BeginObject();
  for (const auto& [name, n] : by_type) w.FieldUint(name, n);
  w.EndObject();
  w.Key("handles").BeginArray();
  for (const UvHandle& h : info.handles) {
    w.BeginObject();
    w.FieldHex("address", h.address);
    w.Field("type", h.type_name);
    w.FieldBool("active", h.active);
    w.FieldBool("ref", h.ref);
    w.FieldBool("closing", h.closing);
    w.Key("fd");
    if (h.fd) w.Int(*h.fd); else w.Null();
    if (h.owner) {
      w.Key("owner").BeginObject().FieldHex("address", h.owner).Field("constructor", h.owner_name).EndObject();
    }
    if (h.js_owner) {
      w.Key("jsOwner").BeginObject().FieldHex("address", h.js_owner).Field("constructor", h.js_owner_name).EndObject();
    }
    if (h.listening) w.FieldBool("listening", true);
    if (h.port_inferred) w.FieldBool("portInferred", true);
    if (!h.local.empty()) w.Field("local", h.local);
    if (!h.remote.empty()) w.Field("remote", h.remote);
    w.EndObject();
  }
  w.EndArray();
  w.FieldBool("handlesTruncated", info.handles_truncated);
  w.Field("addresses", "from node's JS objects where cached (a server's _connectionKey, a socket's _sockname/_peername); "
                       "libuv itself keeps none");
  w.EndObject();
}

}  // namespace corescope::stack
