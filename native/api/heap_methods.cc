// Heap methods: "objects" (objects grouped by constructor, instance type or
// shape, with counts and shallow sizes) and "instances" (the objects of one
// group, with a one-line preview each). Both use the Session's heap index
// (heap_session.h). Knows JSON and the heap layers; knows nothing of N-API.
#include <algorithm>
#include <functional>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <unordered_set>

#include "api/graph_session.h"
#include "api/heap_session.h"
#include "api/methods.h"
#include "heap/naming.h"
#include "heap/type_histogram.h"
#include "util/json_writer.h"
#include "v8/properties.h"

namespace corescope::api {
namespace {

constexpr int64_t kDefaultInstanceLimit = 100;
constexpr int64_t kMaxInstanceLimit = 1 << 24;

std::string HumanBytes(uint64_t b) {
  char buf[32];
  if (b >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", b / 1073741824.0);
  else if (b >= (1ull << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", b / 1048576.0);
  else if (b >= 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024.0);
  else std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(b));
  return buf;
}

void WriteWarning(JsonWriter& w, const std::string& code, const std::string& message, uint64_t count = 0) {
  w.BeginObject().Field("code", code).Field("message", message);
  if (count) w.FieldUint("count", count);
  w.EndObject();
}

// WalkWarnings: what the walk could not do, as {code, message, count}.
void WriteWalkWarnings(JsonWriter& w, const v8::Heap& heap, const heap::HeapIndex& index) {
  const heap::WalkStats& st = index.stats();
  for (const std::string& text : heap.warnings()) WriteWarning(w, "INFERRED_LAYOUT", text);
  if (st.resync_bytes) {
    std::string types;
    int n = 0;
    for (const auto& [type, count] : st.resync_by_type) {
      if (n++ == 4) {
        types += ", …";
        break;
      }
      if (!types.empty()) types += ", ";
      types += type == 0xffff ? "no valid map" : heap.types().DisplayName(type);
    }
    WriteWarning(w, "HEAP_RESYNC",
                 HumanBytes(st.resync_bytes) + " of heap could not be walked in " + std::to_string(st.resync_events) +
                     " place(s) (" + types + "); objects there are not counted",
                 st.resync_events);
  }
  if (st.unreadable_bytes > st.unreadable_read_only_bytes) {
    uint64_t missing = st.unreadable_bytes - st.unreadable_read_only_bytes;
    WriteWarning(w, "HEAP_NOT_IN_CORE",
                 HumanBytes(missing) + " of heap pages are not in the core (truncated or not dumped); " +
                     std::to_string(st.pages_unreadable) + " page(s) entirely missing; objects there are not counted",
                 st.pages_unreadable);
  }
}

// --- previews ---------------------------------------------------------------

std::string Quote(const std::string& s, size_t max_chars, bool truncated) {
  std::string out = "\"";
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xc0) != 0x80 && chars++ == max_chars) {
      truncated = true;
      break;
    }
    if (c == '"' || c == '\\') out += '\\', out += static_cast<char>(c);
    else if (c == '\n') out += "\\n";
    else if (c < 0x20) out += '?';
    else out += static_cast<char>(c);
  }
  return out + (truncated ? "…\"" : "\"");
}

std::string FormatNumber(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[40];
  if (d == std::floor(d) && std::fabs(d) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", d);
  else std::snprintf(buf, sizeof buf, "%.6g", d);
  return buf;
}

std::string IsoDate(double ms) {
  if (std::isnan(ms)) return "Invalid Date";
  time_t secs = static_cast<time_t>(std::floor(ms / 1000));
  struct tm tm;
  if (!gmtime_r(&secs, &tm)) return FormatNumber(ms);
  char buf[64];
  int millis = static_cast<int>(ms - static_cast<double>(secs) * 1000);
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

// CollectionSize: entries of a JSMap/JSSet (OrderedHashTable element count).
std::optional<int64_t> CollectionSize(const v8::Heap& heap, uint64_t obj) {
  auto table = heap.ReadField(obj, 24);  // JSCollection.table, after the JSObject header
  if (!table || !v8::IsStrong(*table)) return std::nullopt;
  auto n = heap.ReadField(*table, 16);   // OrderedHashTable: number of elements (first slot)
  if (!n || !v8::IsSmi(*n)) return std::nullopt;
  return v8::SmiValue(*n);
}

// ValueSummary: a few characters for a property value.
std::string ValueSummary(const v8::Heap& heap, uint64_t value) {
  if (v8::IsSmi(value)) return std::to_string(v8::SmiValue(value));
  if (!v8::IsStrong(value)) return "<weak>";
  const v8::MapInfo* m = heap.MapOf(value);
  if (!m) return "<invalid>";
  const v8::InstanceTypes& t = heap.types();
  if (heap.IsString(*m)) {
    auto s = heap.ReadString(value, 96);
    return s ? Quote(s->utf8, 24, s->truncated) : "\"?\"";
  }
  if (m->instance_type == t.heap_number) return FormatNumber(heap.HeapNumberValue(value).value_or(NAN));
  if (auto k = heap.Oddball(value); k != v8::OddballKind::kNotOddball) return v8::OddballKindName(k);
  if (m->instance_type == t.symbol) return "Symbol(" + heap.SymbolDescription(value, 32).value_or("") + ")";
  if (heap.IsJSFunction(*m)) {
    auto f = heap.DescribeFunction(value);
    return "function " + (f && !f->name.empty() ? f->name : std::string("(anonymous)"));
  }
  if (m->instance_type == t.js_array) return "Array(" + FormatNumber(heap.JSArrayLength(value).value_or(NAN)) + ")";
  if (t.IsJSReceiver(m->instance_type)) {
    std::string n = heap.ConstructorNameOf(*m, value);
    return n.empty() ? "Object" : n;
  }
  return t.Info(m->instance_type).class_name.empty() ? t.DisplayName(m->instance_type)
                                                      : t.Info(m->instance_type).class_name;
}

std::string ObjectPreview(const v8::Heap& heap, uint64_t obj) {
  constexpr size_t kMaxProps = 4;
  auto props = v8::ReadNamedProperties(heap, obj, kMaxProps + 1);
  if (!props) return "{?}";
  std::string out = "{";
  size_t shown = 0;
  for (const auto& p : props->items) {
    if (p.is_private_symbol) continue;
    if (shown == kMaxProps) {
      out += ", …";
      break;
    }
    if (shown++) out += ", ";
    out += p.name + ": ";
    if (!p.readable) out += "?";
    else if (p.is_accessor) out += "[accessor]";
    else if (p.raw_double) out += FormatNumber(p.double_value);
    else out += ValueSummary(heap, p.value);
  }
  if (props->truncated && shown < kMaxProps) out += ", …";
  return out + "}";
}

// Preview: one line describing an object.
std::string Preview(const v8::Heap& heap, uint64_t obj, const v8::MapInfo& m) {
  const v8::InstanceTypes& t = heap.types();
  uint16_t type = m.instance_type;
  if (heap.IsString(m)) {
    auto s = heap.ReadString(obj, 256);
    return s ? Quote(s->utf8, 60, s->truncated) : "\"?\"";
  }
  if (type == t.heap_number) return FormatNumber(heap.HeapNumberValue(obj).value_or(NAN));
  if (heap.IsJSFunction(m)) {
    auto f = heap.DescribeFunction(obj);
    if (!f) return "function ?";
    std::string s = "function " + (f->name.empty() ? std::string("(anonymous)") : f->name) + "()";
    if (!f->script_name.empty()) s += " " + f->script_name;
    return s;
  }
  if (type == t.js_array) {
    return "Array(" + FormatNumber(heap.JSArrayLength(obj).value_or(NAN)) + ")";
  }
  if (type == t.js_date) return "Date " + IsoDate(heap.JSDateValue(obj).value_or(NAN));
  if (type == t.js_map || type == t.js_set) {
    auto n = CollectionSize(heap, obj);
    return std::string(type == t.js_map ? "Map(" : "Set(") + (n ? std::to_string(*n) : "?") + ")";
  }
  if (t.IsJSObject(type)) return ObjectPreview(heap, obj);
  if (auto k = heap.Oddball(obj); k != v8::OddballKind::kNotOddball) return v8::OddballKindName(k);
  if (type == t.symbol) return "Symbol(" + heap.SymbolDescription(obj, 64).value_or("") + ")";
  if (type == t.shared_function_info) {
    auto f = heap.DescribeFunction(obj);
    return f ? "SharedFunctionInfo " + (f->name.empty() ? std::string("(anonymous)") : f->name) : "SharedFunctionInfo";
  }
  return t.DisplayName(type);
}

// --- methods ------------------------------------------------------------------

// LiveClosures counts the live JSFunctions per SharedFunctionInfo (the
// graph's live_map_stats are per map; closures share maps).
std::unordered_map<uint64_t, heap::ClosureStats> LiveClosures(const graph::RefGraph& g, Progress& progress) {
  const v8::Heap& heap = g.heap();
  const int64_t shared_offset = heap.function_shared_offset();
  std::vector<std::unordered_map<uint64_t, heap::ClosureStats>> per(g.workers() ? g.workers() : 1);
  g.WalkObjects(progress, "counting live closures",
                [&](unsigned worker, uint32_t ordinal, uint64_t addr, const v8::MapInfo* m, uint64_t size) {
                  if (!m || !heap.IsJSFunction(*m) || !g.IsLiveObject(ordinal)) return;
                  auto sfi = heap.ReadWord(addr + static_cast<uint64_t>(shared_offset));
                  if (!sfi || !v8::IsStrong(*sfi)) return;
                  auto& c = per[worker][*sfi];
                  c.count++;
                  c.bytes += size;
                });
  std::unordered_map<uint64_t, heap::ClosureStats> out;
  for (auto& m : per) {
    for (auto& [sfi, c] : m) {
      out[sfi].count += c.count;
      out[sfi].bytes += c.bytes;
    }
  }
  return out;
}

Result<std::string> Objects(Session& s, const Args& args, Progress& progress) {
  auto by = heap::ParseGroupBy(args.GetString("by"));
  if (!by) {
    return MakeError(ErrorCode::kUsage, "objects: --by must be constructor, instance-type or shape, not '" +
                                            args.GetString("by") + "'");
  }
  // Live objects (reachable from the GC roots) need the reference graph;
  // every object present in the core needs only the heap walk.
  const bool include_garbage = args.GetBool("includeGarbage", false);
  const bool retained = args.GetBool("retained", false);
  heap::HistogramOptions opts;
  opts.by = *by;
  opts.include_internal = args.GetBool("includeInternal", true);
  opts.closure_detail = args.GetBool("detail", true);

  // The session's one heap walk; the graph (built on it) only for liveness or retained sizes.
  auto base = GetHeapIndex(s, progress);
  if (!base) return base.error();
  const v8::Heap* heap = base.value()->heap.get();
  const heap::PageTable* pages = base.value()->pages.get();
  const heap::HeapIndex* index = base.value()->index.get();
  const graph::RefGraph* graph = nullptr;
  std::unordered_map<uint64_t, heap::ClosureStats> live_closures;
  if (!include_garbage || retained) {
    auto g = GetGraph(s, progress);
    if (!g) return g.error();
    graph = g.value()->graph.get();
    if (!include_garbage && opts.closure_detail && opts.by == heap::GroupBy::kConstructor) {
      live_closures = LiveClosures(*graph, progress);
      if (progress.Cancelled()) return MakeError(ErrorCode::kCancelled, "objects cancelled");
    }
  }
  const std::vector<heap::MapStats>& stats = include_garbage ? index->map_stats() : graph->live_map_stats();
  const auto& closures = include_garbage ? index->closures() : live_closures;
  heap::Namer namer(*heap, pages);
  std::function<bool(uint64_t)> counted;
  if (!include_garbage) counted = [graph](uint64_t addr) { return graph->IsLive(graph->NodeOf(addr)); };
  heap::Histogram h = heap::BuildHistogram(*heap, stats, closures, namer, opts, index->per_object_names(), counted);
  const heap::WalkStats& st = index->stats();

  // Retained size per row: the graph sums the retained sizes of the row's
  // live objects that no other object of the same row dominates.
  std::vector<uint64_t> retained_sizes;
  if (retained) {
    auto rs = RetainedByRow(*graph, *heap, h, progress);
    if (!rs) return rs.error();
    retained_sizes = std::move(rs.value());
  }

  JsonWriter w;
  w.BeginObject();
  w.Field("by", heap::GroupByName(*by));
  w.FieldBool("live", !include_garbage);
  w.Key("types").BeginArray();
  for (size_t i = 0; i < h.rows.size(); ++i) {
    const auto& row = h.rows[i];
    w.BeginObject().Field("name", row.name).FieldUint("count", row.count).FieldUint("shallowSize", row.shallow_size);
    if (retained && !row.map_ids.empty() && i < retained_sizes.size()) w.FieldUint("retainedSize", retained_sizes[i]);
    w.Field("kind", heap::SnapshotKindName(row.kind)).FieldBool("internal", row.internal).EndObject();
  }
  w.EndArray();
  w.Key("totals").BeginObject();
  w.FieldUint("objects", h.objects).FieldUint("shallowSize", h.shallow_size);
  w.FieldUint("garbageObjects", graph ? graph->stats().garbage_objects : 0);
  w.FieldUint("pages", st.pages);
  w.EndObject();
  w.FieldUint("resyncBytes", st.resync_bytes);
  w.FieldUint("pages", st.pages);
  w.Key("warnings").BeginArray();
  WriteWalkWarnings(w, *heap, *index);
  w.EndArray();
  if (args.GetBool("diagnostics")) {
    // For version bring-up: what the walk skipped and why.
    w.Key("walk").BeginObject();
    w.FieldUint("freeBytes", st.free_bytes).FieldUint("unallocatedBytes", st.unallocated_bytes);
    w.FieldUint("forwardedBytes", st.forwarded_bytes);
    w.FieldUint("unreadableBytes", st.unreadable_bytes).FieldUint("resyncEvents", st.resync_events);
    w.FieldUint("mapsDecoded", heap->map_count()).FieldUint("indexBytes", index->memory_bytes());
    w.Field("v8", heap->metadata().v8_version().ToString());
    w.FieldUint("typeNamesFromExecutable", heap->types().names_from_exe());
    w.Key("resyncSamples").BeginArray();
    for (const auto& sample : st.resync_samples) {
      w.BeginObject().FieldHex("address", sample.address);
      w.Field("type", sample.type == 0xffff ? "(no map)" : heap->types().DisplayName(sample.type));
      w.FieldUint("skipped", sample.skipped);
      if (sample.prev_address) {
        w.FieldHex("previous", sample.prev_address).Field("previousType", heap->types().DisplayName(sample.prev_type));
      }
      w.EndObject();
    }
    w.EndArray();
    // Types with no name in v8dbg, the layout table or the executable.
    w.Key("unknownTypes").BeginArray();
    std::map<uint16_t, std::pair<uint64_t, uint64_t>> unknown;
    const auto& all = index->map_stats();
    for (uint32_t id = 0; id < all.size(); ++id) {
      const v8::MapInfo* m = all[id].count ? heap->MapById(id) : nullptr;
      if (m && heap->types().Info(m->instance_type).name.empty()) {
        auto& u = unknown[m->instance_type];
        u.first += all[id].count;
        u.second += all[id].bytes;
      }
    }
    for (const auto& [type, cb] : unknown) {
      w.BeginObject().Field("type", heap->types().DisplayName(type)).FieldUint("count", cb.first);
      w.FieldUint("shallowSize", cb.second).EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndObject();
  return w.Take();
}

Result<std::string> Instances(Session& s, const Args& args, Progress& progress) {
  std::string name = args.GetString("name");
  if (name.empty()) return MakeError(ErrorCode::kUsage, "instances: a type name is required");
  auto by = heap::ParseGroupBy(args.GetString("by"));
  if (!by) return MakeError(ErrorCode::kUsage, "instances: --by must be constructor, instance-type or shape");
  int64_t limit = args.GetInt("limit", kDefaultInstanceLimit);
  if (limit < 0 || limit > kMaxInstanceLimit) {
    return MakeError(ErrorCode::kUsage, "instances: --limit must be between 0 and " + std::to_string(kMaxInstanceLimit));
  }
  const bool include_garbage = args.GetBool("includeGarbage", false);
  auto base = GetHeapIndex(s, progress);
  if (!base) return base.error();
  const v8::Heap& heap = *base.value()->heap;
  const heap::PageTable* pages = base.value()->pages.get();
  const heap::HeapIndex* index = base.value()->index.get();
  const graph::RefGraph* graph = nullptr;
  if (!include_garbage) {
    auto g = GetGraph(s, progress);
    if (!g) return g.error();
    graph = g.value()->graph.get();
  }
  heap::Namer namer(heap, pages);

  // Which maps (and, for "(closure) f" names, which functions) match.
  const bool closure_name = name.compare(0, 10, "(closure) ") == 0 && *by == heap::GroupBy::kConstructor;
  std::unordered_set<uint32_t> maps;
  std::unordered_set<uint32_t> per_object_maps;  // named object by object
  std::unordered_set<uint64_t> sfis;
  uint64_t total = 0;
  const auto& stats = graph ? graph->live_map_stats() : index->map_stats();
  const auto& all = index->map_stats();
  for (uint32_t id = 0; id < all.size(); ++id) {
    if (!all[id].count) continue;
    const v8::MapInfo* m = heap.MapById(id);
    if (!m) continue;
    if (closure_name) {
      if (heap.IsJSFunction(*m)) maps.insert(id);
      continue;
    }
    if (namer.PerObject(*m)) {
      per_object_maps.insert(id);
      continue;
    }
    if (namer.ForMap(*m, all[id].sample, *by).name == name) {
      maps.insert(id);
      if (id < stats.size()) total += stats[id].count;
    }
  }
  if (!closure_name && !per_object_maps.empty()) {
    for (uint64_t addr : index->per_object_names()) {
      const v8::MapInfo* m = heap.MapOf(v8::Tag(addr));
      if (!m || !per_object_maps.count(m->id)) continue;
      if (graph && !graph->IsLive(graph->NodeOf(addr))) continue;
      if (namer.ForObject(*m, v8::Tag(addr), *by).name == name) total++;
    }
  }
  if (closure_name) {
    auto closures = graph ? LiveClosures(*graph, progress) : index->closures();
    for (const auto& [sfi, c] : closures) {
      if (namer.ClosureName(sfi) == name) {
        sfis.insert(sfi);
        total += c.count;
      }
    }
    if (!graph) {
      for (const auto& [sfi, c] : index->closures()) {
        if (namer.ClosureName(sfi) == name) sfis.insert(sfi);
      }
    }
  }
  if (total == 0) {
    return MakeError(ErrorCode::kNotFound,
                     "no " + std::string(graph ? "live " : "") + "objects named '" + name + "' (by " +
                         heap::GroupByName(*by) + ")",
                     "list the names with 'corescope objects <core>'" +
                         std::string(graph ? "; --include-garbage also lists unreachable objects" : ""));
  }

  JsonWriter w;
  w.BeginObject();
  w.Field("name", name).Field("by", heap::GroupByName(*by)).FieldBool("live", graph != nullptr);
  w.FieldUint("total", total);
  w.Key("instances").BeginArray();
  int64_t listed = 0;
  const int64_t shared_offset = heap.function_shared_offset();
  v8::MapCache cache(heap);
  for (size_t p = 0; p < index->page_count() && listed < limit; ++p) {
    if (progress.Cancelled()) return MakeError(ErrorCode::kCancelled, "instances cancelled");
    index->ForEachObjectInPage(p, [&](uint32_t ordinal, uint64_t addr) {
      auto mw = heap.ReadWord(addr);
      const v8::MapInfo* m = mw ? cache.Get(*mw) : nullptr;
      if (!m) return true;
      if (per_object_maps.count(m->id)) {
        if (namer.ForObject(*m, v8::Tag(addr), *by).name != name) return true;
      } else if (!maps.count(m->id)) {
        return true;
      }
      if (closure_name) {
        auto sfi = heap.ReadWord(addr + static_cast<uint64_t>(shared_offset));
        if (!sfi || !sfis.count(*sfi)) return true;
      }
      if (graph && !graph->IsLiveObject(ordinal)) return true;
      uint64_t obj = v8::Tag(addr);
      w.BeginObject().FieldHex("address", obj).Field("name", name);
      w.FieldUint("size", heap.SizeOf(obj, *m).value_or(0));
      w.Field("preview", Preview(heap, obj, *m));
      w.EndObject();
      return ++listed < limit;
    });
  }
  w.EndArray();
  w.FieldBool("truncated", static_cast<uint64_t>(listed) < total);
  w.Key("warnings").BeginArray();
  WriteWalkWarnings(w, heap, *index);
  w.EndArray();
  w.EndObject();
  return w.Take();
}

}  // namespace

void RegisterHeapMethods(Registry& r) {
  r.Add("objects", Objects);
  r.Add("instances", Instances);
}

}  // namespace corescope::api
