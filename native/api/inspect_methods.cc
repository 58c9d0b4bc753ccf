// Inspect methods: "inspect" describes one heap object (v8/describe.h) after
// checking that the address is the start of an object, with a clear
// BAD_ADDRESS error otherwise ("… is not a heap object (unmapped)", "… is not
// the start of an object; it points 24 bytes into LeakyThing at 0x…").
// Knows sessions, pages and the heap index; the object model lives in ../v8.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "api/heap_session.h"
#include "api/methods.h"
#include "heap/heap_index.h"
#include "heap/page_table.h"
#include "util/json_writer.h"
#include "v8/describe.h"
#include "v8/objects.h"
#include "v8/properties.h"

namespace corescope::api {
namespace {

constexpr int64_t kMaxDepth = 8;
constexpr int64_t kMaxListItems = 1 << 20;
constexpr int64_t kMaxStringBytes = 64 << 20;

// InspectViews: the session's shared heap (api/heap_session.h) as inspect
// sees it; the index may be missing (then interior pointers cannot be named).
struct InspectViews {
  const heap::PageTable* pages = nullptr;
  const v8::Heap* heap = nullptr;
  const heap::HeapIndex* index = nullptr;
  std::string index_problem;  // why interior pointers cannot be resolved
};

Result<InspectViews> GetViews(Session& s, Progress& progress) {
  auto base = GetHeapViews(s, progress);
  if (!base) return base.error();
  InspectViews v;
  v.pages = base.value()->pages.get();
  v.heap = base.value()->heap.get();
  auto indexed = GetHeapIndex(s, progress);
  if (indexed) {
    v.index = indexed.value()->index.get();
  } else if (indexed.error().code == ErrorCode::kCancelled) {
    return indexed.error();
  } else {
    v.index_problem = indexed.error().message;
  }
  return v;
}

std::string Hex(uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// ObjectLabel names an object for error messages: "LeakyThing" or the type.
std::string ObjectLabel(const v8::Heap& heap, uint64_t tagged) {
  const v8::MapInfo* m = heap.MapOf(tagged);
  if (!m) return "an object";
  if (heap.types().IsJSReceiver(m->instance_type)) {
    std::string n = heap.ConstructorNameOf(*m, tagged);
    if (!n.empty()) return n;
  }
  return heap.types().DisplayName(m->instance_type);
}

// Locate checks that `given` is the start of a heap object and returns its
// tagged pointer, or a BAD_ADDRESS error that says what the address is.
// `note` receives a warning when the start could not be confirmed.
Result<uint64_t> Locate(const InspectViews& v, const target::Target& t, uint64_t given, std::string* note) {
  const v8::Heap& heap = *v.heap;
  const std::string where = Hex(given);
  uint64_t start = given & ~uint64_t{7};
  bool aligned_tag = (given & 7) == 0 || (given & 7) == 1 || (given & 7) == 3;
  if (!t.memory().FindRegion(start)) {
    // Mapped in the process (a PT_LOAD covers it) but absent from the file:
    // the core was cut short, or the page was never dumped.
    for (const elf::LoadSegment& l : t.core().loads()) {
      if (start >= l.vaddr && start - l.vaddr < l.memsz) {
        bool cut = l.filesz < l.declared_filesz && start - l.vaddr >= l.filesz;
        return MakeError(ErrorCode::kBadAddress,
                         where + (cut ? " is not in the core (the core is truncated before its page)"
                                      : " is not in the core (its page was not dumped)"),
                         cut ? "re-collect the core with ulimit -c unlimited and enough disk space" : "");
      }
    }
    return MakeError(ErrorCode::kBadAddress, where + " is not a heap object (unmapped)",
                     "take addresses from `corescope objects`/`instances` or another inspect");
  }
  if (!t.memory().ReadU64(start)) {
    return MakeError(ErrorCode::kBadAddress, where + " is not a heap object (its page is not in the core)",
                     "the core may be truncated; re-collect it with ulimit -c unlimited");
  }
  if (!v.pages->Find(start)) {
    return MakeError(ErrorCode::kBadAddress, where + " is not in the V8 heap (it is mapped, but in no V8 page)",
                     "take addresses from `corescope objects`/`instances` or another inspect");
  }
  if (v.index) {
    if (aligned_tag && v.index->OrdinalOf(start)) return v8::Tag(start);
    auto container = v.index->ObjectContaining(given);
    // The index knows object starts, not ends: the container must really
    // reach the address (the walk may have skipped objects after it).
    std::optional<uint64_t> container_size;
    if (container) container_size = heap.SizeOf(v8::Tag(*container));
    // A tagged pointer (low bits 01 or 11) means the word at `start`.
    uint64_t at = (given & 1) ? start : given;
    if (container && container_size && at - *container < *container_size) {
      uint64_t offset = at - *container;
      if (aligned_tag && offset == 0) return v8::Tag(start);
      return MakeError(ErrorCode::kBadAddress,
                       where + " is not the start of an object; it points " + std::to_string(offset) + " bytes into " +
                           ObjectLabel(heap, v8::Tag(*container)) + " at " + Hex(v8::Tag(*container)),
                       "inspect " + Hex(v8::Tag(*container)) + " instead");
    }
  }
  // Not in the index (free space, or a stretch the heap walk could not
  // parse): accept a valid map word, and say the start is unconfirmed.
  if (aligned_tag && heap.MapOf(v8::Tag(start))) {
    *note = v.index ? "the heap walk did not find an object at " + Hex(start) +
                          " (free space or an unparsed stretch); its first word is a valid map, so it is shown anyway"
                    : "object starts cannot be confirmed (" + v.index_problem + "); its first word is a valid map";
    return v8::Tag(start);
  }
  return MakeError(ErrorCode::kBadAddress,
                   where + " is not the start of an object (its first word is not a map" +
                       (v.index ? std::string(", and no walked object contains it)") : std::string(")")),
                   "take addresses from `corescope objects`/`instances` or another inspect");
}

// FindGlobal returns the value of the global variable `name` (a property of
// a JSGlobalObject, kept in its GlobalDictionary) from the first global
// object that has it. Global objects are found through the heap index's
// per-map statistics (each global has its own dictionary map).
Result<uint64_t> FindGlobal(const InspectViews& v, const std::string& name) {
  if (!v.index) {
    return MakeError(ErrorCode::kNotFound, "global:" + name + ": the heap could not be indexed (" + v.index_problem + ")");
  }
  const v8::Heap& heap = *v.heap;
  std::vector<uint64_t> globals;
  const auto& stats = v.index->map_stats();
  for (uint32_t id = 0; id < stats.size(); id++) {
    if (!stats[id].count) continue;
    const v8::MapInfo* m = heap.MapById(id);
    if (!m || m->instance_type != heap.types().js_global_object) continue;
    if (stats[id].count == 1) {
      globals.push_back(stats[id].sample);
      continue;
    }
    v.index->ForEachObject([&](uint32_t, uint64_t addr) {
      if (heap.MapOf(v8::Tag(addr)) == m) globals.push_back(v8::Tag(addr));
      return globals.size() < 64;
    });
  }
  for (uint64_t g : globals) {
    if (auto p = v8::FindProperty(heap, g, name); p && p->readable) return p->value;
  }
  return MakeError(ErrorCode::kNotFound,
                   "no global variable named " + name + " in " + std::to_string(globals.size()) + " global object(s)",
                   "globals are properties of globalThis (var/function at script top level, or globalThis.x = ...)");
}

Result<std::string> Inspect(Session& s, const Args& args, Progress& progress) {
  const std::string raw = args.GetString("address");
  if (raw.rfind("global:", 0) == 0 && raw.size() > 7) {
    auto views = GetViews(s, progress);
    if (!views) return views.error();
    auto value = FindGlobal(views.value(), raw.substr(7));
    if (!value) return value.error();
    if (!v8::IsStrong(*value)) {
      return MakeError(ErrorCode::kBadAddress, raw + " holds a Smi (" + std::to_string(v8::SmiValue(*value)) + "), not a heap object");
    }
    Args forwarded = args;
    forwarded.Set("address", Hex(*value));
    return Inspect(s, forwarded, progress);
  }
  auto addr = args.GetAddress("address");
  if (!addr) {
    return MakeError(ErrorCode::kUsage, "inspect: address " +
                                            (args.Has("address") ? "\"" + args.GetString("address") + "\" is malformed"
                                                                 : std::string("is missing")),
                     "give a heap address as hex, e.g. 0x3a1f0c2d8e41");
  }
  auto views = GetViews(s, progress);
  if (!views) return views.error();
  std::string note;
  auto obj = Locate(views.value(), s.target(), *addr, &note);
  if (!obj) return obj.error();

  v8::DescribeOptions opts;
  auto bounded = [&](const char* key, int64_t def, int64_t max) {
    int64_t v = args.GetInt(key, def);
    return static_cast<size_t>(v < 0 ? def : v > max ? max : v);
  };
  opts.depth = static_cast<int>(bounded("depth", 0, kMaxDepth));
  opts.max_string = bounded("maxString", 1000, kMaxStringBytes);
  opts.max_properties = bounded("maxProperties", 200, kMaxListItems);
  opts.max_elements = bounded("maxElements", 100, kMaxListItems);
  opts.max_entries = bounded("maxEntries", 100, kMaxListItems);
  if (!note.empty()) opts.extra_warnings.push_back(note);
  return v8::DescribeToJson(*views.value().heap, *obj, opts);
}

}  // namespace

void RegisterInspectMethods(Registry& r) { r.Add("inspect", Inspect); }

}  // namespace corescope::api
